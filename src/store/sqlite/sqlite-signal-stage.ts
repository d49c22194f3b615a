// The signal stage's side of the SQLite store: the lease, the pending records (seq > done_seq) and the batch commit
// that stores signals and alerts and moves done_seq, fenced by the lease in the same transaction. The stage's state
// lives in the signals file with what it writes (signals-file.ts), so that transaction is one file's; pending records
// are read from the records file through a connection that has both.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { AzsecError } from '../../core/errors.ts';
import { pendingFromRow } from '../stage-rows.ts';
import type { PendingRow } from '../stage-rows.ts';
import type { AlertUpsert, JsonValue, PendingRecord, SignalBatchOutput } from '../store.ts';
import type { SqliteAlerts } from './sqlite-alerts.ts';
import { SqliteSignalWriter } from './sqlite-signal-writer.ts';
import type { PreparedSignal } from './sqlite-signal-writer.ts';

/** A stage batch ready to store (SqliteSignalStage.prepare). */
export interface PreparedBatch {
  /** The seq of the batch's first and last record; null for an empty batch. */
  firstSeq: number | null;
  lastSeq: number | null;
  signals: PreparedSignal[];
  alerts: readonly AlertUpsert[];
  /** The detection state as JSON text. */
  detectionState: string | undefined;
}

export class SqliteSignalStage {
  readonly #claim: StatementSync;
  readonly #release: StatementSync;
  readonly #pending: StatementSync;
  readonly #countPending: StatementSync;
  readonly #holder: StatementSync;
  readonly #advance: StatementSync;
  readonly #saveState: StatementSync;
  readonly #state: StatementSync;

  /** `db`: the signals file's connection; `both`: a connection with both files (the same one for an in-memory store). */
  constructor(db: DatabaseSync, both: DatabaseSync) {
    this.#claim = db.prepare(`
      UPDATE signal_stage SET owner = ?, lease_expires_ms = ?
      WHERE id = 1 AND (owner IS NULL OR owner = ? OR lease_expires_ms <= ?)`);
    this.#release = db.prepare('UPDATE signal_stage SET owner = NULL, lease_expires_ms = 0 WHERE id = 1 AND owner = ?');
    this.#pending = both.prepare(`
      SELECT r.seq, r.integration, coalesce(i.tenant_id, '') AS tenant_id, r.check_id, r.id, r.version, r.time, r.raw
      FROM records r LEFT JOIN integrations i ON i.name = r.integration
      WHERE r.seq > max((SELECT done_seq FROM signal_stage WHERE id = 1), ?)
      ORDER BY r.seq LIMIT ?`);
    this.#countPending = both.prepare('SELECT count(*) AS n FROM records WHERE seq > (SELECT done_seq FROM signal_stage WHERE id = 1)');
    this.#holder = db.prepare('SELECT owner, lease_expires_ms, done_seq FROM signal_stage WHERE id = 1');
    this.#advance = db.prepare('UPDATE signal_stage SET done_seq = ? WHERE id = 1');
    this.#saveState = db.prepare('UPDATE signal_stage SET detection_state = ? WHERE id = 1');
    this.#state = db.prepare('SELECT detection_state FROM signal_stage WHERE id = 1');
  }

  /** Inside a write transaction (BEGIN IMMEDIATE), so two processes cannot both see the lease free. */
  claim(owner: string, ttlMs: number, nowMs: number): boolean {
    return Number(this.#claim.run(owner, nowMs + ttlMs, owner, nowMs).changes) > 0;
  }

  release(owner: string): void {
    this.#release.run(owner);
  }

  /** `skip` is the oldest pending records (a batch being completed): one writer stores in seq order, so "after its last". */
  pending(limit: number, skip: readonly PendingRecord[]): PendingRecord[] {
    return (this.#pending.all(skip.at(-1)?.seq ?? 0, limit) as unknown as PendingRow[]).map(pendingFromRow);
  }

  countPending(): number {
    return Number((this.#countPending.get() as { n: number }).n);
  }

  /**
   * The batch's rows, computed before its transaction (the write lock is then held for the statements only). Throws
   * ERR_STORE for a signal that belongs to no record of the batch: the stage makes exactly one per record. Without
   * `keepBodies` the signals' JSON is not stored (they are computed from their records on read).
   */
  static prepare(records: readonly PendingRecord[], output: SignalBatchOutput, keepBodies: boolean): PreparedBatch {
    const byIdentity = new Map<string, PendingRecord>();
    for (const r of records) byIdentity.set(`${r.integration}\u0000${r.check}\u0000${r.id}\u0000${r.version}`, r);
    const signals = output.signals.map((s) => {
      const record = byIdentity.get(`${s.integration}\u0000${s.check}\u0000${s.recordId}\u0000${s.version}`);
      if (record === undefined) throw new AzsecError('ERR_STORE', `signal ${s.check}/${s.recordId} does not belong to the batch`, {});
      return SqliteSignalWriter.prepare({ seq: record.seq, integration: s.integration, check: s.check, recordId: s.recordId, version: s.version, recordTime: record.time }, s, keepBodies);
    });
    return {
      firstSeq: records[0]?.seq ?? null,
      lastSeq: records.at(-1)?.seq ?? null,
      signals,
      alerts: output.alerts,
      detectionState: output.detectionState,
    };
  }

  /** Inside the caller's write transaction; throws ERR_LEASE_LOST (the caller rolls back) when fenced off. */
  complete(owner: string, batch: PreparedBatch, nowMs: number, writer: SqliteSignalWriter, alerts: SqliteAlerts): void {
    const holder = this.#holder.get() as { owner: string | null; lease_expires_ms: number; done_seq: number };
    if (holder.owner !== owner || Number(holder.lease_expires_ms) <= nowMs) {
      throw new AzsecError('ERR_LEASE_LOST', 'The signal stage lease was lost (expired or taken over); the batch was not stored.', {});
    }
    if (batch.firstSeq === null || batch.lastSeq === null) return;
    // Another stage instance already moved past this batch (possible only after a lease takeover): storing it again
    // would be harmless for signals but would run the rules twice.
    if (batch.firstSeq <= Number(holder.done_seq)) {
      throw new AzsecError('ERR_LEASE_LOST', 'The signal stage batch was already processed by another process; it was not stored again.', {});
    }
    for (const s of batch.signals) writer.insertPrepared(s);
    const now = new Date(nowMs).toISOString();
    for (const a of batch.alerts) alerts.upsert(a, now);
    if (batch.detectionState !== undefined) this.#saveState.run(batch.detectionState);
    this.#advance.run(batch.lastSeq);
  }

  detectionState(): JsonValue | null {
    const row = this.#state.get() as { detection_state: string | null } | undefined;
    return row?.detection_state == null ? null : (JSON.parse(row.detection_state) as JsonValue);
  }
}
