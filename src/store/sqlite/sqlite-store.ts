// The Store port on the embedded SQLite database (node:sqlite). Semantics match the PostgreSQL store: commit() is one
// transaction (records + checkpoint), a record identity (integration, check, id, version) is stored once, and
// exportRecords streams in seq order page by page (keyset on seq; nothing is held in memory or locked between pages).
// Connection settings (WAL, synchronous=FULL, busy timeout) and why: open-database.ts.
// The store is two files: the records file (integrations, records, checkpoints, check states, settings) and the
// signals file beside it (signals, their index, alerts, the signal stage's state; signals-file.ts says why). Each has a
// connection that writes only it (BEGIN IMMEDIATE locks every file a connection has attached), and reads that span
// both use a third connection with the signals file attached. An in-memory store (tests) is one connection.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { CheckId } from '../../core/check-ids.ts';
import { systemClock } from '../../core/clock.ts';
import type { Clock } from '../../core/clock.ts';
import { AzsecError, isAzsecError } from '../../core/errors.ts';
// The ISO → microseconds conversion is pure (no driver) and must agree exactly between the two backends.
import { isoToMicros } from '../postgres/iso-micros.ts';
import type { Signal } from '../../signals/signal.ts';
import type {
  SignalDeriver,
  AlertQuery,
  AlertStatus,
  CheckState,
  PendingRecord,
  SignalBatchOutput,
  StoredAlert,
  Integration,
  JsonValue,
  NewRecord,
  RecordFilter,
  SealedSecret,
  SignalHit,
  SignalQuery,
  SqlResult,
  Store,
  StoredRecord,
} from '../store.ts';
import { migrateStore } from './migrations.ts';
import { SIGNALS_SCHEMA, isInMemoryPath, signalsFilePath } from './signals-file.ts';
import { DEFAULT_BUSY_TIMEOUT_MS, openDatabase } from './open-database.ts';
import { processWriteLock } from './process-write-lock.ts';
import type { ProcessWriteLock } from './process-write-lock.ts';
import { SqliteAlerts } from './sqlite-alerts.ts';
import { SqliteSignalReader } from './sqlite-signal-reader.ts';
import { SqliteSignalStage } from './sqlite-signal-stage.ts';
import { SqliteSignalWriter } from './sqlite-signal-writer.ts';
import type { PreparedSignal } from './sqlite-signal-writer.ts';
import { querySqliteReadOnly } from './sqlite-sql-query.ts';
import { NO_CHECKPOINTER, startWalCheckpointer } from './wal-checkpointer.ts';
import type { WalCheckpointer } from './wal-checkpointer.ts';
import {
  CHECK_STATE_COLUMNS,
  INTEGRATION_COLUMNS,
  RECORD_COLUMNS,
  checkStateFromRow,
  checkStateValues,
  integrationFromRow,
  integrationValues,
  recordFromRow,
} from './sqlite-rows.ts';
import type { CheckStateRow, IntegrationRow, RecordRow } from './sqlite-rows.ts';

export interface SqliteStoreOptions {
  /** The database file (created when absent; its directory must exist). */
  path: string;
  /** Supplies storedAt; injected by tests. */
  clock?: Clock;
  /** Rows per exportRecords page (default 1,000). */
  exportPageSize?: number;
  /** How long to wait for another process's write lock before failing with ERR_STORE (default 30 s). */
  busyTimeoutMs?: number;
  /**
   * Checkpoint the records file's WAL in a worker thread instead of inside commits (default true; see
   * wal-checkpointer.ts).
   */
  backgroundCheckpoints?: boolean;
  /**
   * For the signal stage's store, whose every transaction is redone from the records if it is lost: synchronous=NORMAL
   * instead of FULL on the signals file's connection (a power loss may undo its last transactions, never tear them),
   * and that file's WAL checkpointed in a worker thread. Other stores checkpoint the signals file inside their commits.
   */
  replayableWrites?: boolean;
  /**
   * The buffers of the two files' write locks in the thread that started this one (process-write-lock.ts), so that a
   * worker thread's connections take turns with that thread's; by default the locks of this thread.
   */
  sharedWriteLocks?: SqliteWriteLockBuffers | undefined;
  /**
   * The normalizer. With it, signals the signal stage computed from their records are stored without their JSON and
   * computed again when read; without it every signal keeps its JSON, and signals stored without one cannot be read.
   */
  signalDeriver?: SignalDeriver | undefined;
}

/** The process write locks of a store's two files (process-write-lock.ts). */
export interface SqliteWriteLockBuffers {
  records: SharedArrayBuffer;
  signals: SharedArrayBuffer;
}

/** This thread's write locks of the store at `path`, to hand to a worker thread that opens the same store. */
export function sqliteWriteLockBuffers(path: string): SqliteWriteLockBuffers {
  return { records: processWriteLock(path).buffer, signals: processWriteLock(signalsFilePath(path)).buffer };
}


// SQLite extended result codes for a violated PRIMARY KEY / UNIQUE constraint.
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

export async function createSqliteStore(opts: SqliteStoreOptions): Promise<Store> {
  const busyTimeoutMs = opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const pageSize = opts.exportPageSize ?? 1_000;
  if (!Number.isInteger(pageSize) || pageSize < 1) {
    throw new AzsecError('ERR_CONFIG_INVALID', `exportPageSize must be a positive integer (got ${pageSize}).`);
  }
  const inMemory = isInMemoryPath(opts.path);
  const signalsPath = inMemory ? ':memory:' : signalsFilePath(opts.path);
  const opened: DatabaseSync[] = [];
  let checkpointer = NO_CHECKPOINTER;
  let signalsCheckpointer = NO_CHECKPOINTER;
  try {
    const records = openFile(opts.path, busyTimeoutMs);
    opened.push(records);
    let connections: Connections;
    if (inMemory) {
      records.prepare(`ATTACH DATABASE ':memory:' AS ${SIGNALS_SCHEMA}`).run();
      connections = { records, signals: records, both: records };
    } else {
      // The signals file is opened by itself first: that sets its journal mode to WAL before it is attached.
      const signals = openFile(signalsPath, busyTimeoutMs);
      opened.push(signals);
      const both = openFile(opts.path, busyTimeoutMs);
      opened.push(both);
      both.prepare(`ATTACH DATABASE ? AS ${SIGNALS_SCHEMA}`).run(signalsPath);
      connections = { records, signals, both };
    }
    migrateStore(connections.both);
    if (opts.replayableWrites === true && !inMemory) {
      connections.signals.exec('PRAGMA synchronous = NORMAL');
      // The stage writes about 4 KB per record: with SQLite's own checkpoints (every 1,000 WAL pages) its thread would
      // copy and fsync about once per batch, inside its commits.
      signalsCheckpointer = startWalCheckpointer(connections.signals, signalsPath, busyTimeoutMs);
    }
    if (opts.backgroundCheckpoints !== false && !inMemory) checkpointer = startWalCheckpointer(records, opts.path, busyTimeoutMs);
    const locks = inMemory
      ? null
      : {
          records: processWriteLock(opts.path, opts.sharedWriteLocks?.records),
          signals: processWriteLock(signalsPath, opts.sharedWriteLocks?.signals),
        };
    return new SqliteStore(connections, {
      path: opts.path,
      signalsPath,
      checkpointer,
      signalsCheckpointer,
      clock: opts.clock ?? systemClock,
      pageSize,
      locks,
      busyTimeoutMs,
      deriver: opts.signalDeriver,
    });
  } catch (error) {
    await checkpointer.close();
    await signalsCheckpointer.close();
    for (const db of opened.reverse()) db.close();
    throw storeError('open', error);
  }
}

/** Opens one of the store's two files; a failure names the file (the store is two, and the data directory says where). */
function openFile(file: string, busyTimeoutMs: number): DatabaseSync {
  try {
    return openDatabase(file, busyTimeoutMs);
  } catch (error) {
    if (isAzsecError(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new AzsecError('ERR_STORE', `Cannot open the SQLite file ${file}: ${message}`, { operation: 'open', file }, { cause: error });
  }
}

/** The store's connections (the same one three times for an in-memory store). */
interface Connections {
  /** Writes and reads the records file only. */
  records: DatabaseSync;
  /** Writes and reads the signals file only. */
  signals: DatabaseSync;
  /** The records file with the signals file attached: reads that span both, and migrations. Never other writes. */
  both: DatabaseSync;
}

interface StoreSettings {
  path: string;
  signalsPath: string;
  checkpointer: WalCheckpointer;
  signalsCheckpointer: WalCheckpointer;
  clock: Clock;
  pageSize: number;
  locks: { records: ProcessWriteLock; signals: ProcessWriteLock } | null;
  busyTimeoutMs: number;
  deriver: SignalDeriver | undefined;
}

type FileName = 'records' | 'signals';

/** Wraps a driver error as ERR_STORE; AzsecErrors pass through unchanged. */
function storeError(operation: string, error: unknown): Error {
  if (isAzsecError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const errcode = sqliteErrcode(error);
  return new AzsecError(
    'ERR_STORE',
    `SQLite ${operation} failed: ${message}`,
    errcode === undefined ? { operation } : { operation, sqliteCode: errcode },
    { cause: error },
  );
}

function sqliteErrcode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('errcode' in error)) return undefined;
  const code = (error as { errcode: unknown }).errcode;
  return typeof code === 'number' ? code : undefined;
}

function isUniqueViolation(error: unknown): boolean {
  const code = sqliteErrcode(error);
  return code === SQLITE_CONSTRAINT_PRIMARYKEY || code === SQLITE_CONSTRAINT_UNIQUE;
}

function whereRecords(filter: RecordFilter, values: (string | number)[]): string[] {
  const where: string[] = [];
  if (filter.integration !== undefined) {
    values.push(filter.integration);
    where.push('integration = ?');
  }
  if (filter.check !== undefined) {
    values.push(filter.check);
    where.push('check_id = ?');
  }
  if (filter.since !== undefined) {
    const since = isoToMicros(filter.since);
    if (since === null) {
      throw new AzsecError('ERR_CONFIG_INVALID', `"since" is not an ISO 8601 timestamp: ${filter.since}`);
    }
    values.push(since);
    where.push('time_us >= ?');
  }
  return where;
}

interface Statements {
  insertIntegration: StatementSync;
  updateIntegration: StatementSync;
  updateIntegrationWithSecret: StatementSync;
  getIntegration: StatementSync;
  getSecret: StatementSync;
  listIntegrations: StatementSync;
  deleteIntegration: StatementSync;
  deleteCheckpoints: StatementSync;
  deleteCheckStates: StatementSync;
  deleteRecords: StatementSync;
  findRecord: StatementSync;
  getCheckpoint: StatementSync;
  insertRecord: StatementSync;
  upsertCheckpoint: StatementSync;
  getCheckState: StatementSync;
  listCheckStates: StatementSync;
  listCheckStatesOf: StatementSync;
  upsertCheckState: StatementSync;
}

function prepareStatements(db: DatabaseSync): Statements {
  const columns = INTEGRATION_COLUMNS.join(', ');
  const sets = INTEGRATION_COLUMNS.slice(1)
    .map((column) => `${column} = ?`)
    .join(', ');
  return {
    insertIntegration: db.prepare(
      `INSERT INTO integrations (${columns}, secret_ciphertext) VALUES (${INTEGRATION_COLUMNS.map(() => '?').join(', ')}, ?)`,
    ),
    // name is bound last here: integrationValues() puts it first, the caller moves it.
    updateIntegration: db.prepare(`UPDATE integrations SET ${sets} WHERE name = ?`),
    updateIntegrationWithSecret: db.prepare(`UPDATE integrations SET ${sets}, secret_ciphertext = ? WHERE name = ?`),
    getIntegration: db.prepare(`SELECT ${columns} FROM integrations WHERE name = ?`),
    getSecret: db.prepare('SELECT secret_ciphertext FROM integrations WHERE name = ?'),
    listIntegrations: db.prepare(`SELECT ${columns} FROM integrations ORDER BY name`),
    deleteIntegration: db.prepare('DELETE FROM integrations WHERE name = ?'),
    deleteCheckpoints: db.prepare('DELETE FROM checkpoints WHERE integration = ?'),
    deleteCheckStates: db.prepare('DELETE FROM check_states WHERE integration = ?'),
    deleteRecords: db.prepare('DELETE FROM records WHERE integration = ?'),
    findRecord: db.prepare('SELECT seq, time FROM records WHERE integration = ? AND check_id = ? AND id = ? AND version = ?'),
    getCheckpoint: db.prepare('SELECT cursor FROM checkpoints WHERE integration = ? AND check_id = ?'),
    // ON CONFLICT ... DO NOTHING (not INSERT OR IGNORE): only the identity conflict is skipped; a NOT NULL or type
    // violation still fails the commit instead of silently dropping the record.
    insertRecord: db.prepare(`
      INSERT INTO records (integration, check_id, id, version, time, time_us, raw, stored_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (integration, check_id, id, version) DO NOTHING`),
    upsertCheckpoint: db.prepare(`
      INSERT INTO checkpoints (integration, check_id, cursor) VALUES (?, ?, ?)
      ON CONFLICT (integration, check_id) DO UPDATE SET cursor = excluded.cursor`),
    getCheckState: db.prepare(`SELECT ${CHECK_STATE_COLUMNS} FROM check_states WHERE integration = ? AND check_id = ?`),
    listCheckStates: db.prepare(`SELECT ${CHECK_STATE_COLUMNS} FROM check_states ORDER BY integration, check_id`),
    listCheckStatesOf: db.prepare(`SELECT ${CHECK_STATE_COLUMNS} FROM check_states WHERE integration = ? ORDER BY check_id`),
    // next_due_ms shadows next_due_at so that due times compare numerically in SQL.
    upsertCheckState: db.prepare(`
      INSERT INTO check_states (${CHECK_STATE_COLUMNS}, next_due_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (integration, check_id) DO UPDATE SET
        state = excluded.state, reason = excluded.reason, error_code = excluded.error_code,
        last_attempt_at = excluded.last_attempt_at, last_success_at = excluded.last_success_at,
        next_due_at = excluded.next_due_at, collected = excluded.collected,
        last_run_collected = excluded.last_run_collected, consecutive_failures = excluded.consecutive_failures,
        warned_at = excluded.warned_at, next_due_ms = excluded.next_due_ms`),
  };
}

class SqliteStore implements Store {
  readonly #db: DatabaseSync;
  readonly #signalsDb: DatabaseSync;
  readonly #both: DatabaseSync;
  readonly #clock: Clock;
  readonly #pageSize: number;
  readonly #sql: Statements;
  readonly #checkpointer: WalCheckpointer;
  readonly #signalsCheckpointer: WalCheckpointer;
  readonly #path: string;
  readonly #signalsPath: string;
  readonly #deriver: SignalDeriver | undefined;
  readonly #signals: SqliteSignalWriter;
  readonly #search: SqliteSignalReader;
  #stage: SqliteSignalStage | undefined;
  #alerts: SqliteAlerts | undefined;
  readonly #locks: { records: ProcessWriteLock; signals: ProcessWriteLock } | null;
  readonly #busyTimeoutMs: number;
  #closed = false;

  constructor(connections: Connections, settings: StoreSettings) {
    this.#db = connections.records;
    this.#signalsDb = connections.signals;
    this.#both = connections.both;
    this.#locks = settings.locks;
    this.#busyTimeoutMs = settings.busyTimeoutMs;
    this.#path = settings.path;
    this.#signalsPath = settings.signalsPath;
    this.#deriver = settings.deriver;
    this.#checkpointer = settings.checkpointer;
    this.#signalsCheckpointer = settings.signalsCheckpointer;
    this.#clock = settings.clock;
    this.#pageSize = settings.pageSize;
    this.#sql = prepareStatements(this.#db);
    this.#signals = new SqliteSignalWriter(this.#signalsDb);
    this.#search = new SqliteSignalReader(this.#both, this.#deriver);
  }

  /**
   * Runs `work` synchronously inside BEGIN IMMEDIATE … COMMIT on the connection of `file`; ROLLBACK and ERR_STORE on
   * any error. The other threads of this process that write the file wait on its process write lock meanwhile, and
   * are woken as it ends.
   */
  #transaction<T>(file: FileName, operation: string, work: () => T): T {
    this.#assertOpen(operation);
    const lock = this.#locks?.[file];
    lock?.acquire(this.#busyTimeoutMs);
    try {
      return this.#inTransaction(file === 'records' ? this.#db : this.#signalsDb, operation, work);
    } finally {
      lock?.release();
    }
  }

  #inTransaction<T>(db: DatabaseSync, operation: string, work: () => T): T {
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      throw storeError(operation, error);
    }
    try {
      const result = work();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // SQLite already rolled back (it does on some errors, e.g. SQLITE_FULL); nothing is left to undo.
      }
      throw storeError(operation, error);
    }
  }

  /** Runs one statement-level operation with driver errors wrapped. */
  #run<T>(operation: string, work: () => T): T {
    this.#assertOpen(operation);
    try {
      return work();
    } catch (error) {
      throw storeError(operation, error);
    }
  }

  #assertOpen(operation: string): void {
    if (this.#closed) throw new AzsecError('ERR_STORE', `SQLite ${operation} failed: the store is closed.`, { operation });
  }

  async migrate(): Promise<void> {
    this.#run('migration', () => migrateStore(this.#both));
  }

  // Prepared on first use: their tables exist only once migrate() has run.
  get #stageSql(): SqliteSignalStage {
    return (this.#stage ??= this.#run('prepare', () => new SqliteSignalStage(this.#signalsDb, this.#both)));
  }

  get #alertSql(): SqliteAlerts {
    return (this.#alerts ??= this.#run('prepare', () => new SqliteAlerts(this.#signalsDb)));
  }

  async claimSignalStage(owner: string, ttlMs: number): Promise<boolean> {
    const stage = this.#stageSql;
    return this.#transaction('signals', 'claimSignalStage', () => stage.claim(owner, ttlMs, this.#clock.now()));
  }

  async releaseSignalStage(owner: string): Promise<void> {
    const stage = this.#stageSql;
    this.#run('releaseSignalStage', () => stage.release(owner));
  }

  async pendingRecords(limit: number, skip: readonly PendingRecord[] = []): Promise<PendingRecord[]> {
    const stage = this.#stageSql;
    return this.#run('pendingRecords', () => stage.pending(limit, skip));
  }

  async countPendingRecords(): Promise<number> {
    const stage = this.#stageSql;
    return this.#run('countPendingRecords', () => stage.countPending());
  }

  async completeRecords(owner: string, records: readonly PendingRecord[], output: SignalBatchOutput): Promise<void> {
    const stage = this.#stageSql;
    const alerts = this.#alertSql;
    // A fencing refusal (ERR_LEASE_LOST) passes through #transaction unwrapped, after the rollback.
    const keepBodies = output.derived !== true || this.#deriver === undefined;
    const batch = this.#run('completeRecords', () => SqliteSignalStage.prepare(records, output, keepBodies));
    this.#transaction('signals', 'completeRecords', () => stage.complete(owner, batch, this.#clock.now(), this.#signals, alerts));
    this.#signalsCheckpointer.nudge();
  }

  async getDetectionState(): Promise<JsonValue | null> {
    const stage = this.#stageSql;
    return this.#run('getDetectionState', () => stage.detectionState());
  }

  async listAlerts(query: AlertQuery): Promise<{ alerts: StoredAlert[]; next: string | null }> {
    const alerts = this.#alertSql;
    this.#assertOpen('listAlerts');
    return alerts.list(query);
  }

  async getAlert(id: string): Promise<StoredAlert | null> {
    const alerts = this.#alertSql;
    return this.#run('getAlert', () => alerts.get(id));
  }

  async setAlertStatus(id: string, status: AlertStatus): Promise<boolean> {
    const alerts = this.#alertSql;
    return this.#run('setAlertStatus', () => alerts.setStatus(id, status, new Date(this.#clock.now()).toISOString()));
  }

  async countAlertsByIntegration(statuses: AlertStatus[]): Promise<Record<string, number>> {
    const alerts = this.#alertSql;
    return this.#run('countAlertsByIntegration', () => alerts.countByIntegration(statuses));
  }

  async getSetting(name: string): Promise<JsonValue | null> {
    const row = this.#run('getSetting', () => this.#db.prepare('SELECT value FROM settings WHERE name = ?').get(name)) as { value: string } | undefined;
    return row === undefined ? null : (JSON.parse(row.value) as JsonValue);
  }

  async putSetting(name: string, value: JsonValue): Promise<void> {
    this.#run('putSetting', () =>
      this.#db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value').run(name, JSON.stringify(value)),
    );
  }

  async addIntegration(integration: Integration, secret: SealedSecret): Promise<void> {
    this.#assertOpen('addIntegration');
    try {
      this.#sql.insertIntegration.run(...integrationValues(integration), secret.ciphertext);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AzsecError('ERR_INTEGRATION_EXISTS', `An integration named "${integration.name}" already exists.`, {
          integration: integration.name,
        });
      }
      throw storeError('addIntegration', error);
    }
  }

  async updateIntegration(integration: Integration, secret?: SealedSecret): Promise<void> {
    const [name, ...rest] = integrationValues(integration);
    const result = this.#run('updateIntegration', () =>
      secret === undefined
        ? this.#sql.updateIntegration.run(...rest, name ?? null)
        : this.#sql.updateIntegrationWithSecret.run(...rest, secret.ciphertext, name ?? null),
    );
    if (Number(result.changes) === 0) {
      throw new AzsecError('ERR_INTEGRATION_NOT_FOUND', `No integration is named "${integration.name}".`, {
        integration: integration.name,
      });
    }
  }

  async getIntegration(name: string): Promise<Integration | null> {
    const row = this.#run('getIntegration', () => this.#sql.getIntegration.get(name)) as IntegrationRow | undefined;
    return row === undefined ? null : integrationFromRow(row);
  }

  async getSecret(name: string): Promise<SealedSecret | null> {
    const row = this.#run('getSecret', () => this.#sql.getSecret.get(name)) as { secret_ciphertext: string } | undefined;
    return row === undefined ? null : { ciphertext: row.secret_ciphertext };
  }

  async listIntegrations(): Promise<Integration[]> {
    const rows = this.#run('listIntegrations', () => this.#sql.listIntegrations.all()) as unknown as IntegrationRow[];
    return rows.map(integrationFromRow);
  }

  async removeIntegration(name: string, opts: { purgeRecords: boolean }): Promise<boolean> {
    // Signals first, in their own file's transaction: a crash between the two leaves the integration and its records
    // (removing it again finishes the job; `azsec reindex` would give the records their signals back), never signals
    // of records that are gone.
    if (opts.purgeRecords) this.#transaction('signals', 'removeIntegration', () => this.#signals.purge(name));
    const removed = this.#transaction('records', 'removeIntegration', () => {
      const removed = this.#sql.deleteIntegration.run(name);
      this.#sql.deleteCheckpoints.run(name);
      this.#sql.deleteCheckStates.run(name);
      if (opts.purgeRecords) this.#sql.deleteRecords.run(name);
      return Number(removed.changes) > 0;
    });
    this.#checkpointer.nudge();
    return removed;
  }

  async getCheckpoint(integration: string, check: CheckId): Promise<JsonValue | null> {
    const row = this.#run('getCheckpoint', () => this.#sql.getCheckpoint.get(integration, check)) as { cursor: string } | undefined;
    return row === undefined ? null : (JSON.parse(row.cursor) as JsonValue);
  }

  async commit(
    integration: string,
    check: CheckId,
    records: NewRecord[],
    cursor: JsonValue | undefined,
  ): Promise<{ inserted: number }> {
    const storedAt = new Date(this.#clock.now()).toISOString();
    const insert = this.#sql.insertRecord;
    const signals: PreparedSignal[] = [];
    // One prepared statement run per record inside one transaction: with SQLite in-process there is no round trip
    // to save, so a loop is as fast as a multi-row statement and needs no chunking. `changes` is 0 for a skipped
    // duplicate (also a duplicate within this same batch), 1 for a new record; only a new record's signal is
    // written, so a re-delivered record never duplicates its signal or indicators.
    const result = this.#transaction('records', 'commit', () => {
      let inserted = 0;
      for (const r of records) {
        const result = insert.run(integration, check, r.id, r.version, r.time, isoToMicros(r.time), r.raw, storedAt);
        const added = Number(result.changes);
        inserted += added;
        if (added === 1 && r.signal !== undefined) {
          signals.push(SqliteSignalWriter.prepare({ seq: result.lastInsertRowid, integration, check, recordId: r.id, version: r.version, recordTime: r.time }, r.signal));
        }
      }
      if (cursor !== undefined) this.#sql.upsertCheckpoint.run(integration, check, JSON.stringify(cursor));
      return { inserted };
    });
    this.#checkpointer.nudge();
    // Signals handed in with their records go to the signals file once the records are stored (a second file, so a
    // second transaction). Should that one fail, the records are not lost: the signal stage gives them their signals.
    if (signals.length > 0) {
      const writer = this.#signals;
      this.#transaction('signals', 'commit', () => {
        for (const p of signals) writer.insertPrepared(p);
      });
    }
    return result;
  }

  async getCheckState(integration: string, check: CheckId): Promise<CheckState | null> {
    const row = this.#run('getCheckState', () => this.#sql.getCheckState.get(integration, check)) as CheckStateRow | undefined;
    return row === undefined ? null : checkStateFromRow(row);
  }

  async listCheckStates(integration?: string): Promise<CheckState[]> {
    const rows = this.#run('listCheckStates', () =>
      integration === undefined ? this.#sql.listCheckStates.all() : this.#sql.listCheckStatesOf.all(integration),
    ) as unknown as CheckStateRow[];
    return rows.map(checkStateFromRow);
  }

  async putCheckState(state: CheckState): Promise<void> {
    const nextDueMs = state.nextDueAt === null ? null : Date.parse(state.nextDueAt);
    this.#run('putCheckState', () =>
      this.#sql.upsertCheckState.run(...checkStateValues(state), nextDueMs === null || Number.isNaN(nextDueMs) ? null : nextDueMs),
    );
  }

  async *exportRecords(filter: RecordFilter): AsyncIterable<StoredRecord> {
    const base: (string | number)[] = [];
    const where = [...whereRecords(filter, base), 'seq > ?'];
    const page = this.#run('exportRecords', () =>
      this.#db.prepare(`SELECT ${RECORD_COLUMNS} FROM records WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`),
    );
    let after = 0;
    for (;;) {
      // Each page is its own short read: no transaction stays open while the consumer works through the rows,
      // so a slow export never holds back WAL checkpoints or the collector.
      const rows = this.#run('exportRecords', () => page.all(...base, after, this.#pageSize)) as unknown as RecordRow[];
      for (const row of rows) yield recordFromRow(row);
      const last = rows.at(-1);
      if (last === undefined || rows.length < this.#pageSize) return;
      after = last.seq;
    }
  }

  async countRecords(filter: RecordFilter): Promise<number> {
    const values: (string | number)[] = [];
    const where = whereRecords(filter, values);
    const row = this.#run('countRecords', () =>
      this.#db.prepare(`SELECT count(*) AS n FROM records${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`).get(...values),
    ) as { n: number } | undefined;
    return row?.n ?? 0;
  }

  async getRecord(integration: string, check: CheckId, id: string, version: string): Promise<StoredRecord | null> {
    const row = this.#run('getRecord', () =>
      this.#db.prepare(`SELECT ${RECORD_COLUMNS} FROM records WHERE integration = ? AND check_id = ? AND id = ? AND version = ?`).get(integration, check, id, version),
    ) as unknown as RecordRow | undefined;
    return row === undefined ? null : recordFromRow(row);
  }

  async recordsPerHour(integration: string, since: string): Promise<Array<{ check: CheckId; hourStart: string; count: number }>> {
    const sinceUs = Date.parse(since) * 1000;
    if (Number.isNaN(sinceUs)) throw new AzsecError('ERR_CONFIG_INVALID', `"since" is not an ISO 8601 timestamp: ${since}`);
    const rows = this.#run('recordsPerHour', () =>
      this.#db
        .prepare('SELECT check_id, time_us / 3600000000 AS hour, count(*) AS n FROM records WHERE integration = ? AND time_us >= ? GROUP BY check_id, hour ORDER BY hour')
        .all(integration, sinceUs),
    ) as unknown as Array<{ check_id: CheckId; hour: number; n: number }>;
    return rows.map((r) => ({ check: r.check_id, hourStart: new Date(Number(r.hour) * 3_600_000).toISOString(), count: Number(r.n) }));
  }

  async searchSignals(query: SignalQuery): Promise<{ results: SignalHit[]; next: string | null }> {
    this.#assertOpen('searchSignals');
    const plan = this.#search.plan(query);
    return this.#run('searchSignals', () => this.#search.run(plan));
  }

  async getSignal(integration: string, check: CheckId, recordId: string, version: string): Promise<Signal | null> {
    return this.#run('getSignal', () => this.#search.get(integration, check, recordId, version));
  }

  async putSignals(signals: Signal[]): Promise<void> {
    if (signals.length === 0) return;
    // The records are found first: they are in the other file. A signal whose record is not stored is skipped.
    const owned = this.#run('putSignals', () =>
      signals.flatMap((signal) => {
        const record = this.#sql.findRecord.get(signal.integration, signal.check, signal.recordId, signal.version) as { seq: number; time: string } | undefined;
        if (record === undefined) return [];
        return [{ owner: { seq: record.seq, integration: signal.integration, check: signal.check, recordId: signal.recordId, version: signal.version, recordTime: record.time }, signal }];
      }),
    );
    this.#transaction('signals', 'putSignals', () => {
      for (const { owner, signal } of owned) this.#signals.replace(owner, signal);
    });
  }

  async countSignals(filter: RecordFilter): Promise<number> {
    this.#assertOpen('countSignals');
    const plan = this.#search.countPlan(filter);
    return this.#run('countSignals', () => this.#search.count(plan));
  }

  async querySql(sql: string, opts: { timeoutMs: number; maxRows: number }): Promise<SqlResult> {
    this.#assertOpen('querySql');
    return querySqliteReadOnly({ path: this.#path, signalsPath: this.#signalsPath, deriverModule: this.#deriver?.moduleUrl }, sql, opts);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // The worker's connection first: the last connection to close checkpoints everything and removes the WAL.
    await this.#checkpointer.close();
    await this.#signalsCheckpointer.close();
    if (this.#both !== this.#db) this.#both.close();
    if (this.#signalsDb !== this.#db) this.#signalsDb.close();
    this.#db.close();
  }
}
