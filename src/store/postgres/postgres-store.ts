// The Store port on PostgreSQL: the shared state of several collector processes. Semantics match the embedded
// SQLite store: commit() is one transaction (records + checkpoint), a record identity (integration, check, id,
// version) is stored once, exportRecords streams in seq order page by page (keyset on seq, never everything in
// memory, no transaction held open between pages).
import type { Pool } from 'pg';
import type { CheckId } from '../../core/check-ids.ts';
import { systemClock } from '../../core/clock.ts';
import type { Clock } from '../../core/clock.ts';
import { AzsecError, isAzsecError } from '../../core/errors.ts';
import type {
  AlertQuery,
  AlertStatus,
  PendingRecord,
  SignalBatchOutput,
  StoredAlert,
  CheckState,
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
import type { Signal } from '../../signals/signal.ts';
import { isoToMicros } from './iso-micros.ts';
import { migrate } from './migrations.ts';
import { createPool, inTransaction, isUniqueViolation, runQuery, storeError } from './pg-pool.ts';
import type { PostgresConnectionOptions } from './pg-pool.ts';
import {
  CHECK_STATE_COLUMNS,
  INTEGRATION_COLUMNS,
  RECORD_COLUMNS,
  checkStateFromRow,
  integrationFromRow,
  integrationValues,
  recordFromRow,
} from './postgres-rows.ts';
import type { CheckStateRow, IntegrationRow, RecordRow } from './postgres-rows.ts';
import { countPostgresSignals, getPostgresSignal, searchPostgresSignals } from './postgres-signal-search.ts';
import { queryPostgresReadOnly } from './postgres-sql-query.ts';
import * as stage from './postgres-signal-stage.ts';
import { writeCommit } from './write-commit.ts';
import { replaceSignals } from './write-signals.ts';

export interface PostgresStoreOptions extends PostgresConnectionOptions {
  /** Supplies storedAt; injected by tests. */
  clock?: Clock;
  /** Rows per exportRecords page (default 1,000). */
  exportPageSize?: number;
  /** Apply migrations before returning (default true). */
  migrate?: boolean;
  /** Time limit of each statement of a signal search (default 30 s; ERR_SEARCH_TIMEOUT past it). */
  searchTimeoutMs?: number;
}

/**
 * How long one statement of a signal search may run on the server. A search is a few index probes and stops after
 * one page, so it takes milliseconds, a second at worst, even at millions of signals; the limit is for the rare shape
 * that walks far (selective filters with a word found on few days over years of data), so that it ends with
 * ERR_SEARCH_TIMEOUT instead of keeping a server process busy after the caller has gone.
 */
export const DEFAULT_SEARCH_TIMEOUT_MS = 30_000;

/** PostgreSQL's query_canceled: statement_timeout fired (or the statement was cancelled). */
const QUERY_CANCELED = '57014';

/** Connections for searches, at most: searches are short, and each process's main pool keeps its own. */
const SEARCH_POOL_SIZE = 4;

/** A PostgreSQL Store; `pool` is exposed so the lease store can share its connections. */
export interface PostgresStore extends Store {
  readonly pool: Pool;
}

export async function createPostgresStore(opts: PostgresStoreOptions): Promise<PostgresStore> {
  const searchTimeoutMs = opts.searchTimeoutMs ?? DEFAULT_SEARCH_TIMEOUT_MS;
  if (!Number.isInteger(searchTimeoutMs) || searchTimeoutMs < 1) {
    throw new AzsecError('ERR_CONFIG_INVALID', `searchTimeoutMs must be a positive integer (got ${searchTimeoutMs}).`);
  }
  const pool = createPool(opts);
  // Searches run on connections of their own, which carry the time limit: the collector's and the stage's long
  // transactions (a migration, a large commit) must not have it.
  const searchPool = createPool({ ...opts, poolSize: Math.min(SEARCH_POOL_SIZE, opts.poolSize ?? 10), statementTimeoutMs: searchTimeoutMs });
  const store = new PgStore(pool, searchPool, opts.clock ?? systemClock, opts.exportPageSize ?? 1_000, searchTimeoutMs);
  if (opts.migrate !== false) {
    try {
      await store.migrate();
    } catch (error) {
      await pool.end().catch(() => undefined);
      await searchPool.end().catch(() => undefined);
      throw error;
    }
  }
  return store;
}

function whereRecords(filter: RecordFilter, values: unknown[]): string[] {
  const where: string[] = [];
  if (filter.integration !== undefined) {
    values.push(filter.integration);
    where.push(`integration = $${values.length}`);
  }
  if (filter.check !== undefined) {
    values.push(filter.check);
    where.push(`check_id = $${values.length}`);
  }
  if (filter.since !== undefined) {
    const since = isoToMicros(filter.since);
    if (since === null) {
      throw new AzsecError('ERR_CONFIG_INVALID', `"since" is not an ISO 8601 timestamp: ${filter.since}`);
    }
    values.push(since);
    where.push(`time_us >= $${values.length}`);
  }
  return where;
}

class PgStore implements PostgresStore {
  readonly pool: Pool;
  readonly #searchPool: Pool;
  readonly #clock: Clock;
  readonly #pageSize: number;
  readonly #searchTimeoutMs: number;
  #closed = false;

  constructor(pool: Pool, searchPool: Pool, clock: Clock, pageSize: number, searchTimeoutMs: number) {
    this.pool = pool;
    this.#searchPool = searchPool;
    this.#clock = clock;
    this.#pageSize = pageSize;
    this.#searchTimeoutMs = searchTimeoutMs;
  }

  async migrate(): Promise<void> {
    try {
      await migrate(this.pool);
    } catch (error) {
      throw storeError('migration', error);
    }
  }

  async addIntegration(integration: Integration, secret: SealedSecret): Promise<void> {
    try {
      await this.pool.query(
        `INSERT INTO integrations (${INTEGRATION_COLUMNS}, secret_ciphertext)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [...integrationValues(integration), secret.ciphertext],
      );
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
    const values = integrationValues(integration);
    const sets = INTEGRATION_COLUMNS.split(', ')
      .slice(1)
      .map((column, index) => `${column} = $${index + 2}`);
    if (secret !== undefined) {
      values.push(secret.ciphertext);
      sets.push(`secret_ciphertext = $${values.length}`);
    }
    const rows = await runQuery(this.pool, 'updateIntegration', `UPDATE integrations SET ${sets.join(', ')} WHERE name = $1 RETURNING name`, values);
    if (rows.length === 0) {
      throw new AzsecError('ERR_INTEGRATION_NOT_FOUND', `No integration is named "${integration.name}".`, {
        integration: integration.name,
      });
    }
  }

  async getIntegration(name: string): Promise<Integration | null> {
    const rows = await runQuery<IntegrationRow>(this.pool, 'getIntegration', `SELECT ${INTEGRATION_COLUMNS} FROM integrations WHERE name = $1`, [name]);
    const row = rows[0];
    return row === undefined ? null : integrationFromRow(row);
  }

  async getSecret(name: string): Promise<SealedSecret | null> {
    const rows = await runQuery<{ secret_ciphertext: string }>(
      this.pool,
      'getSecret',
      'SELECT secret_ciphertext FROM integrations WHERE name = $1',
      [name],
    );
    const row = rows[0];
    return row === undefined ? null : { ciphertext: row.secret_ciphertext };
  }

  async listIntegrations(): Promise<Integration[]> {
    const rows = await runQuery<IntegrationRow>(this.pool, 'listIntegrations', `SELECT ${INTEGRATION_COLUMNS} FROM integrations ORDER BY name`);
    return rows.map(integrationFromRow);
  }

  async removeIntegration(name: string, opts: { purgeRecords: boolean }): Promise<boolean> {
    return inTransaction(this.pool, 'removeIntegration', async (client) => {
      const removed = await client.query('DELETE FROM integrations WHERE name = $1', [name]);
      await client.query('DELETE FROM checkpoints WHERE integration = $1', [name]);
      await client.query('DELETE FROM check_states WHERE integration = $1', [name]);
      if (opts.purgeRecords) {
        await client.query('DELETE FROM signal_queue WHERE seq IN (SELECT seq FROM records WHERE integration = $1)', [name]);
        await client.query('DELETE FROM records WHERE integration = $1', [name]);
        // Their indicators go with them (ON DELETE CASCADE).
        await client.query('DELETE FROM signals WHERE integration = $1', [name]);
      }
      return (removed.rowCount ?? 0) > 0;
    });
  }

  async getCheckpoint(integration: string, check: CheckId): Promise<JsonValue | null> {
    const rows = await runQuery<{ cursor: string }>(
      this.pool,
      'getCheckpoint',
      'SELECT cursor FROM checkpoints WHERE integration = $1 AND check_id = $2',
      [integration, check],
    );
    const row = rows[0];
    return row === undefined ? null : (JSON.parse(row.cursor) as JsonValue);
  }

  async commit(
    integration: string,
    check: CheckId,
    records: NewRecord[],
    cursor: JsonValue | undefined,
  ): Promise<{ inserted: number }> {
    const storedAt = new Date(this.#clock.now()).toISOString();
    return inTransaction(this.pool, 'commit', (client) => writeCommit(client, integration, check, records, cursor, storedAt));
  }

  async getCheckState(integration: string, check: CheckId): Promise<CheckState | null> {
    const rows = await runQuery<CheckStateRow>(
      this.pool,
      'getCheckState',
      `SELECT ${CHECK_STATE_COLUMNS} FROM check_states WHERE integration = $1 AND check_id = $2`,
      [integration, check],
    );
    const row = rows[0];
    return row === undefined ? null : checkStateFromRow(row);
  }

  async listCheckStates(integration?: string): Promise<CheckState[]> {
    const rows =
      integration === undefined
        ? await runQuery<CheckStateRow>(this.pool, 'listCheckStates', `SELECT ${CHECK_STATE_COLUMNS} FROM check_states ORDER BY integration, check_id`)
        : await runQuery<CheckStateRow>(
            this.pool,
            'listCheckStates',
            `SELECT ${CHECK_STATE_COLUMNS} FROM check_states WHERE integration = $1 ORDER BY check_id`,
            [integration],
          );
    return rows.map(checkStateFromRow);
  }

  async putCheckState(state: CheckState): Promise<void> {
    // next_due_ms shadows next_due_at so that lease claims can compare due times in SQL.
    const nextDueMs = state.nextDueAt === null ? null : Date.parse(state.nextDueAt);
    await runQuery(
      this.pool,
      'putCheckState',
      `INSERT INTO check_states (${CHECK_STATE_COLUMNS}, next_due_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (integration, check_id) DO UPDATE SET
         state = EXCLUDED.state, reason = EXCLUDED.reason, error_code = EXCLUDED.error_code,
         last_attempt_at = EXCLUDED.last_attempt_at, last_success_at = EXCLUDED.last_success_at,
         next_due_at = EXCLUDED.next_due_at, collected = EXCLUDED.collected,
         last_run_collected = EXCLUDED.last_run_collected, consecutive_failures = EXCLUDED.consecutive_failures,
         warned_at = EXCLUDED.warned_at, next_due_ms = EXCLUDED.next_due_ms`,
      [
        state.integration,
        state.check,
        state.state,
        state.reason,
        state.errorCode,
        state.lastAttemptAt,
        state.lastSuccessAt,
        state.nextDueAt,
        state.collected,
        state.lastRunCollected,
        state.consecutiveFailures,
        state.warnedAt,
        nextDueMs === null || Number.isNaN(nextDueMs) ? null : nextDueMs,
      ],
    );
  }

  async *exportRecords(filter: RecordFilter): AsyncIterable<StoredRecord> {
    const base: unknown[] = [];
    const where = whereRecords(filter, base);
    let after = 0;
    for (;;) {
      const values = [...base, after, this.#pageSize];
      const conditions = [...where, `seq > $${base.length + 1}`];
      const rows = await runQuery<RecordRow>(
        this.pool,
        'exportRecords',
        `SELECT ${RECORD_COLUMNS} FROM records WHERE ${conditions.join(' AND ')} ORDER BY seq LIMIT $${base.length + 2}`,
        values,
      );
      for (const row of rows) yield recordFromRow(row);
      const last = rows.at(-1);
      if (last === undefined || rows.length < this.#pageSize) return;
      after = Number(last.seq);
    }
  }

  async getRecord(integration: string, check: CheckId, id: string, version: string): Promise<StoredRecord | null> {
    const rows = await runQuery<RecordRow>(
      this.pool,
      'getRecord',
      `SELECT ${RECORD_COLUMNS} FROM records WHERE integration = $1 AND check_id = $2 AND id = $3 AND version = $4`,
      [integration, check, id, version],
    );
    return rows[0] === undefined ? null : recordFromRow(rows[0]);
  }

  async recordsPerHour(integration: string, since: string): Promise<Array<{ check: CheckId; hourStart: string; count: number }>> {
    const sinceUs = isoToMicros(since);
    if (sinceUs === null) throw new AzsecError('ERR_CONFIG_INVALID', `"since" is not an ISO 8601 timestamp: ${since}`);
    const rows = await runQuery<{ check_id: CheckId; hour: string; n: string }>(
      this.pool,
      'recordsPerHour',
      'SELECT check_id, time_us / 3600000000 AS hour, count(*) AS n FROM records WHERE integration = $1 AND time_us >= $2 GROUP BY check_id, hour ORDER BY hour',
      [integration, sinceUs],
    );
    return rows.map((r) => ({ check: r.check_id, hourStart: new Date(Number(r.hour) * 3_600_000).toISOString(), count: Number(r.n) }));
  }

  async countRecords(filter: RecordFilter): Promise<number> {
    const values: unknown[] = [];
    const where = whereRecords(filter, values);
    const rows = await runQuery<{ n: string }>(
      this.pool,
      'countRecords',
      `SELECT count(*) AS n FROM records${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`,
      values,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async searchSignals(query: SignalQuery): Promise<{ results: SignalHit[]; next: string | null }> {
    try {
      return await searchPostgresSignals(this.#searchPool, query);
    } catch (error) {
      if (isAzsecError(error, 'ERR_STORE') && error.details.pgCode === QUERY_CANCELED) {
        throw new AzsecError(
          'ERR_SEARCH_TIMEOUT',
          `The search was stopped after ${this.#searchTimeoutMs} ms. Narrow it: a time range (since/until), an integration, a check, or more specific words.`,
          { timeoutMs: this.#searchTimeoutMs },
        );
      }
      throw error;
    }
  }

  async getSignal(integration: string, check: CheckId, recordId: string, version: string): Promise<Signal | null> {
    return getPostgresSignal(this.pool, integration, check, recordId, version);
  }

  async putSignals(signals: Signal[]): Promise<void> {
    if (signals.length === 0) return;
    await inTransaction(this.pool, 'putSignals', (client) => replaceSignals(client, signals));
  }

  async countSignals(filter: RecordFilter): Promise<number> {
    return countPostgresSignals(this.pool, filter);
  }

  async querySql(sql: string, opts: { timeoutMs: number; maxRows: number }): Promise<SqlResult> {
    return queryPostgresReadOnly(this.pool, sql, opts);
  }

  claimSignalStage(owner: string, ttlMs: number): Promise<boolean> {
    return stage.claimStage(this.pool, owner, ttlMs);
  }

  releaseSignalStage(owner: string): Promise<void> {
    return stage.releaseStage(this.pool, owner);
  }

  pendingRecords(limit: number, skip: readonly PendingRecord[] = []): Promise<PendingRecord[]> {
    return stage.pendingRecords(this.pool, limit, skip);
  }

  countPendingRecords(): Promise<number> {
    return stage.countPending(this.pool);
  }

  completeRecords(owner: string, records: readonly PendingRecord[], output: SignalBatchOutput): Promise<void> {
    return stage.completeRecords(this.pool, owner, records, output);
  }

  getDetectionState(): Promise<JsonValue | null> {
    return stage.detectionState(this.pool);
  }

  listAlerts(query: AlertQuery): Promise<{ alerts: StoredAlert[]; next: string | null }> {
    return stage.listAlerts(this.pool, query);
  }

  getAlert(id: string): Promise<StoredAlert | null> {
    return stage.getAlert(this.pool, id);
  }

  setAlertStatus(id: string, status: AlertStatus): Promise<boolean> {
    return stage.setAlertStatus(this.pool, id, status, new Date(this.#clock.now()).toISOString());
  }

  countAlertsByIntegration(statuses: AlertStatus[]): Promise<Record<string, number>> {
    return stage.countAlertsByIntegration(this.pool, statuses);
  }

  getSetting(name: string): Promise<JsonValue | null> {
    return stage.getSetting(this.pool, name);
  }

  putSetting(name: string, value: JsonValue): Promise<void> {
    return stage.putSetting(this.pool, name, value);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.pool.end(), this.#searchPool.end()]);
  }
}
