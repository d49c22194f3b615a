// The store port. Everything that persists goes through this interface; SQL lives only in its backends
// (store/sqlite/ now, store/postgres/ later). Methods are async so that a networked backend fits unchanged.
import type { CheckId } from '../core/check-ids.ts';
import type { IndicatorType, Severity, Signal, SignalKind } from '../signals/signal.ts';

export type CloudName = 'global' | 'usgov' | 'usgov-dod' | 'china' | 'custom';

export type CredentialKind = 'secret' | 'certificate';

/** An integration as configured by an operator. Secret material is never part of it. */
export interface Integration {
  name: string;
  tenantId: string;
  clientId: string;
  credentialKind: CredentialKind;
  /** PEM certificate (public part) when credentialKind is 'certificate'. Not secret. */
  certificatePem: string | null;
  cloud: CloudName;
  /** Only for cloud 'custom' (and optional overrides of the China login host). */
  loginUrl: string | null;
  graphUrl: string | null;
  intervalMs: number;
  initialLookbackMs: number;
  /** Late-arrival window: how far time-window cursors re-read behind their high-water mark. */
  lateWindowMs: number;
  enabled: boolean;
  disabledChecks: CheckId[];
  createdAt: string;
  updatedAt: string;
}

/**
 * The secret as stored: AES-256-GCM ciphertext, produced and opened by config/secrets.ts only.
 * For a secret credential it holds the client secret; for a certificate, the PEM private key.
 */
export interface SealedSecret {
  ciphertext: string;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One version of a Graph object, ready to store. */
export interface NewRecord {
  /** Graph's id of the object. */
  id: string;
  /** Version marker: the object's change timestamp, a content hash (users), or the id itself for immutable records. */
  version: string;
  /** The record's own time (ISO 8601, UTC): createdDateTime, activityDateTime, lastUpdateDateTime, ... */
  time: string;
  /** The Graph object exactly as received, as JSON text. */
  raw: string;
  /** Its normalized signal; stored (with its indicators, in the same transaction) when the record is new. */
  signal?: Signal;
}

export interface StoredRecord extends NewRecord {
  integration: string;
  check: CheckId;
  /** When azsec stored it (ISO 8601). */
  storedAt: string;
  /** Monotonic insertion sequence, for stable export order and resumable readers. */
  seq: number;
}

export type CheckStateName = 'ok' | 'unavailable' | 'throttled' | 'error' | 'pending' | 'disabled';

/** Health and scheduling of one (integration, check). */
export interface CheckState {
  integration: string;
  check: CheckId;
  state: CheckStateName;
  /** Human explanation for a state other than ok (which permission, which licence, which error). */
  reason: string | null;
  /** The error code (core/errors.ts) behind the state, if any. */
  errorCode: string | null;
  lastAttemptAt: string | null;
  lastSuccessAt: string | null;
  /** When this check is next due; cooldowns and slow re-probes push it out. */
  nextDueAt: string | null;
  /** Total records stored by this check. */
  collected: number;
  /** Records stored by the last successful run. */
  lastRunCollected: number;
  consecutiveFailures: number;
  /** When the current non-ok condition was first logged as a warning (so it is logged once, not every cycle). */
  warnedAt: string | null;
}

export interface RecordFilter {
  integration?: string;
  check?: CheckId;
  /** Records whose own time is at or after this ISO timestamp. */
  since?: string;
}

/** A search over stored signals. Results are newest first (time, then a stable tie-break), paged by `cursor`. */
export interface SignalQuery {
  /**
   * An indicator value, matched exactly. The caller normalizes it as ingest does (case, IPv6 form, ...); matches the
   * value under any type unless `indicatorType` is given.
   */
  indicator?: string;
  /** Restricts `indicator` to one type. */
  indicatorType?: IndicatorType;
  /**
   * Free text over titles and key text fields (FTS5 on SQLite, full-text search on PostgreSQL). Each
   * whitespace-separated chunk is a phrase of its letter/digit runs ("alice@contoso.com" = alice contoso com in a row);
   * chunks are ANDed; nothing in it is query syntax. Blank text is no condition; text without any letter or digit
   * matches nothing.
   */
  text?: string;
  /** Signals whose time is at or after / before these ISO instants. */
  since?: string;
  until?: string;
  check?: CheckId;
  integration?: string;
  /** Only these severities (an empty list is no condition). */
  severities?: Severity[];
  kind?: SignalKind;
  /** Page size, 1..1000. */
  limit: number;
  /** The `next` of the previous page (opaque; ERR_CONFIG_INVALID when it is not one this store issued). */
  cursor?: string;
}

export interface SignalHit {
  integration: string;
  check: CheckId;
  recordId: string;
  version: string;
  time: string;
  severity: Severity;
  kind: SignalKind;
  title: string;
  indicators: Signal['indicators'];
}

export interface SqlResult {
  columns: string[];
  rows: JsonValue[][];
  /** True when the row limit cut the result. */
  truncated: boolean;
}

/** One stored record version an alert points back to. */
export interface AlertSignalRef {
  integration: string;
  check: string;
  recordId: string;
  version: string;
}

export const ALERT_STATUSES = ['open', 'acknowledged', 'closed'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** An alert as the detection engine raises (or updates) it; the store keeps status and raisedAt across updates. */
export interface AlertUpsert {
  /** Stable for one (rule, integration, group key, dedupe window): later matches update the same alert. */
  id: string;
  ruleId: string;
  title: string;
  severity: Severity;
  /** The time of the signal that raised it (ISO 8601). */
  time: string;
  groupKey: string;
  integration: string;
  signals: AlertSignalRef[];
  /** Matches folded into this alert by the dedupe window after it was raised. */
  absorbed: number;
  fields: Record<string, JsonValue>;
}

export interface StoredAlert extends AlertUpsert {
  status: AlertStatus;
  /** When azsec first stored it (ISO 8601). */
  raisedAt: string;
  /** When the engine or an operator last changed it (ISO 8601). */
  updatedAt: string;
}

/** A page of alerts, newest first (time, then id), paged by `cursor`. */
export interface AlertQuery {
  statuses?: AlertStatus[];
  severities?: Severity[];
  ruleId?: string;
  integration?: string;
  since?: string;
  until?: string;
  /** Page size, 1..1000. */
  limit: number;
  cursor?: string;
}

/** A stored record version with what a signal is computed from. */
export interface DerivableRecord {
  integration: string;
  /** The integration's tenant id ('' when unknown). */
  tenantId: string;
  check: CheckId;
  id: string;
  version: string;
  time: string;
  raw: string;
}

/**
 * The normalizer, handed to a store from above the store layer (src/signals/signal-of-record.ts): the store computes
 * the signals it keeps no JSON for with it, and its analyst SQL process imports `moduleUrl`, whose `deriveSignal`
 * export is the same function.
 */
export interface SignalDeriver {
  derive(record: DerivableRecord): Signal;
  moduleUrl: string;
}

/**
 * A stored record version the signal stage has not processed yet (see src/signals/stage/). Its tenantId is '' when the
 * integration has been removed since the record was stored.
 */
export interface PendingRecord extends DerivableRecord {
  seq: number;
}

/** What the signal stage stores for a batch of pending records, in one transaction that also marks them done. */
export interface SignalBatchOutput {
  signals: Signal[];
  /**
   * True when each signal is exactly what the store's SignalDeriver computes from its record: a store may then keep
   * no copy of the signal's JSON and compute it again when it is read (the SQLite store does, for ingest cost).
   */
  derived?: boolean;
  alerts: AlertUpsert[];
  /**
   * The detection engine's state after the batch, as JSON text. Text rather than a value: the engine's snapshot
   * shares objects with its live state, which the next batch changes while this one is still being written.
   */
  detectionState?: string;
}

export interface Store {
  /** Creates or upgrades the schema. Idempotent. */
  migrate(): Promise<void>;

  addIntegration(integration: Integration, secret: SealedSecret): Promise<void>;
  updateIntegration(integration: Integration, secret?: SealedSecret): Promise<void>;
  getIntegration(name: string): Promise<Integration | null>;
  getSecret(name: string): Promise<SealedSecret | null>;
  listIntegrations(): Promise<Integration[]>;
  /** Removes the integration, its secret, checkpoints and states; its records too when `purgeRecords`. */
  removeIntegration(name: string, opts: { purgeRecords: boolean }): Promise<boolean>;

  getCheckpoint(integration: string, check: CheckId): Promise<JsonValue | null>;
  /**
   * Stores the records and moves the checkpoint in ONE transaction. A record whose (integration, check, id, version)
   * is already stored is skipped. `cursor` undefined leaves the checkpoint as it is.
   * Returns how many records were new.
   */
  commit(integration: string, check: CheckId, records: NewRecord[], cursor: JsonValue | undefined): Promise<{ inserted: number }>;

  getCheckState(integration: string, check: CheckId): Promise<CheckState | null>;
  listCheckStates(integration?: string): Promise<CheckState[]>;
  putCheckState(state: CheckState): Promise<void>;

  exportRecords(filter: RecordFilter): AsyncIterable<StoredRecord>;
  countRecords(filter: RecordFilter): Promise<number>;
  /** One stored record version, or null. */
  getRecord(integration: string, check: CheckId, id: string, version: string): Promise<StoredRecord | null>;
  /** Records of an integration per check and hour of their own time, from `since` on (hourStart is ISO 8601). */
  recordsPerHour(integration: string, since: string): Promise<Array<{ check: CheckId; hourStart: string; count: number }>>;

  /** Signals matching the query, newest first, and the cursor of the next page (null on the last page). */
  searchSignals(query: SignalQuery): Promise<{ results: SignalHit[]; next: string | null }>;
  /** The full signal of one record version. */
  getSignal(integration: string, check: CheckId, recordId: string, version: string): Promise<Signal | null>;
  /**
   * Replaces the signals (and their indicators and text index entries) of stored records: `azsec reindex`. A signal
   * whose record version is not stored is skipped.
   */
  putSignals(signals: Signal[]): Promise<void>;
  countSignals(filter: RecordFilter): Promise<number>;
  /**
   * Runs one analyst query on a READ-ONLY connection over the documented views (signals, indicators, records), with
   * a time limit and a row limit. Writes, several statements and bad SQL fail with ERR_SQL (message says why).
   */
  querySql(sql: string, opts: { timeoutMs: number; maxRows: number }): Promise<SqlResult>;

  // --- The signal stage (src/signals/stage/): turns newly stored records into signals and alerts. ---
  // Exactly one process at a time runs it for a store, holding the stage lease; the records table (and, on
  // PostgreSQL, a queue of new record seqs filled by commit) is its durable input, so a crash loses nothing: the
  // batch that was being processed is simply processed again.

  /**
   * Takes or renews the stage lease for `owner` for `ttlMs`; false when another owner holds an unexpired lease.
   */
  claimSignalStage(owner: string, ttlMs: number): Promise<boolean>;
  releaseSignalStage(owner: string): Promise<void>;
  /**
   * The oldest stored records the stage has not processed yet, in storage order. `skip` is the batch this process is
   * completing right now (the oldest pending records, by seq): they are left out, so that the stage can read and
   * compute the next batch while that one is being written.
   */
  pendingRecords(limit: number, skip?: readonly PendingRecord[]): Promise<PendingRecord[]>;
  /**
   * Stores the batch's signals (skipping any already stored) and upserts its alerts (status and raisedAt of an
   * existing alert are kept), saves the detection state, and marks the records done, in ONE transaction, fenced by
   * the stage lease: ERR_LEASE_LOST, writing nothing, when `owner` no longer holds it.
   */
  completeRecords(owner: string, records: readonly PendingRecord[], output: SignalBatchOutput): Promise<void>;
  /** How many stored records the stage has not processed yet (status, tests, the benchmark). */
  countPendingRecords(): Promise<number>;
  getDetectionState(): Promise<JsonValue | null>;

  listAlerts(query: AlertQuery): Promise<{ alerts: StoredAlert[]; next: string | null }>;
  getAlert(id: string): Promise<StoredAlert | null>;
  /** Sets an alert's status; false when there is no such alert. */
  setAlertStatus(id: string, status: AlertStatus): Promise<boolean>;
  /** Alerts per integration with one of these statuses (all statuses when empty). */
  countAlertsByIntegration(statuses: AlertStatus[]): Promise<Record<string, number>>;

  /** Installation settings (rule tunables, imported Sigma rules), as JSON by name; null when never set. */
  getSetting(name: string): Promise<JsonValue | null>;
  putSetting(name: string, value: JsonValue): Promise<void>;

  close(): Promise<void>;
}
