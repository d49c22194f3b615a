// The signal stage's side of the PostgreSQL store (migration 5): the lease (database clock, so worker hosts with
// skewed clocks agree), the pending records (signal_queue joined to records) and the fenced batch commit, and the
// alerts it upserts and the console reads. Pages of alerts are newest first on (time_us, aid).
import type { Pool, PoolClient } from 'pg';
import { AzsecError } from '../../core/errors.ts';
import { SEVERITIES } from '../../signals/signal.ts';
import { checkLimit, decodeCursor, encodeCursor } from '../signal-cursor.ts';
import { queryMicros } from '../query-time.ts';
import { ALERT_COLUMNS, alertFromRow, pendingFromRow } from '../stage-rows.ts';
import type { AlertRow, PendingRow } from '../stage-rows.ts';
import type { AlertQuery, AlertStatus, AlertUpsert, JsonValue, PendingRecord, SignalBatchOutput, StoredAlert } from '../store.ts';
import { isoToMicros } from './iso-micros.ts';
import { inTransaction, runQuery } from './pg-pool.ts';
import { insertSignals } from './write-signals.ts';
import type { OwnedSignal } from './write-signals.ts';

const NOW_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

export async function claimStage(pool: Pool, owner: string, ttlMs: number): Promise<boolean> {
  const rows = await runQuery(
    pool,
    'claimSignalStage',
    `UPDATE signal_stage SET owner = $1, lease_expires_ms = ${NOW_MS} + $2
     WHERE id = 1 AND (owner IS NULL OR owner = $1 OR lease_expires_ms <= ${NOW_MS}) RETURNING id`,
    [owner, Math.trunc(ttlMs)],
  );
  return rows.length > 0;
}

export async function releaseStage(pool: Pool, owner: string): Promise<void> {
  await runQuery(pool, 'releaseSignalStage', 'UPDATE signal_stage SET owner = NULL, lease_expires_ms = 0 WHERE id = 1 AND owner = $1', [owner]);
}

export async function pendingRecords(pool: Pool, limit: number, skip: readonly PendingRecord[]): Promise<PendingRecord[]> {
  // Leaving out the seqs themselves (not "after the last one"): with several workers a record with a lower seq can
  // be committed later, and it must not wait behind the batch being written.
  const rows = await runQuery<PendingRow>(
    pool,
    'pendingRecords',
    `SELECT r.seq, r.integration, coalesce(i.tenant_id, '') AS tenant_id, r.check_id, r.id, r.version, r.time, r.raw
     FROM signal_queue q JOIN records r ON r.seq = q.seq LEFT JOIN integrations i ON i.name = r.integration
     ${skip.length > 0 ? 'WHERE NOT (q.seq = ANY($2::bigint[]))' : ''}
     ORDER BY q.seq LIMIT $1`,
    skip.length > 0 ? [limit, skip.map((r) => r.seq)] : [limit],
  );
  return rows.map(pendingFromRow);
}

export async function countPending(pool: Pool): Promise<number> {
  const rows = await runQuery<{ n: string }>(pool, 'countPendingRecords', 'SELECT count(*) AS n FROM signal_queue');
  return Number(rows[0]?.n ?? 0);
}

export async function completeRecords(pool: Pool, owner: string, records: readonly PendingRecord[], output: SignalBatchOutput): Promise<void> {
  // ERR_LEASE_LOST passes through inTransaction unwrapped (after the rollback): the stage handles it.
  await inTransaction(pool, 'completeRecords', async (client) => {
      const holder = await client.query<{ owner: string | null; live: boolean }>(
        `SELECT owner, lease_expires_ms > ${NOW_MS} AS live FROM signal_stage WHERE id = 1 FOR UPDATE`,
      );
      const row = holder.rows[0];
      if (row?.owner !== owner || !row.live) {
        throw new AzsecError('ERR_LEASE_LOST', 'The signal stage lease was lost (expired or taken over); the batch was not stored.', {});
      }
      if (records.length === 0) return;
      const done = await client.query('DELETE FROM signal_queue WHERE seq = ANY($1::bigint[])', [records.map((r) => r.seq)]);
      if ((done.rowCount ?? 0) !== records.length) {
        // Another stage instance processed (part of) this batch after a lease takeover: running the rules twice on it
        // would double its alerts' counts.
        throw new AzsecError('ERR_LEASE_LOST', 'The signal stage batch was already processed by another process; it was not stored again.', {});
      }
      const times = new Map<string, string>();
      for (const r of records) times.set(`${r.integration}\u0000${r.check}\u0000${r.id}\u0000${r.version}`, r.time);
      const owned: OwnedSignal[] = output.signals.map((s) => ({
        integration: s.integration,
        check: s.check,
        recordId: s.recordId,
        version: s.version,
        recordTime: times.get(`${s.integration}\u0000${s.check}\u0000${s.recordId}\u0000${s.version}`) ?? s.time,
        signal: s,
      }));
      await insertSignals(client, owned);
      const now = new Date().toISOString();
      for (const a of output.alerts) await upsertAlert(client, a, now);
      if (output.detectionState !== undefined) {
        await client.query('UPDATE signal_stage SET detection_state = $1 WHERE id = 1', [output.detectionState]);
      }
  });
}

async function upsertAlert(client: PoolClient, a: AlertUpsert, now: string): Promise<void> {
  // An operator's status and the first raisedAt survive the engine's updates of the same alert.
  await client.query({
    name: 'azsec_upsert_alert',
    text: `
      INSERT INTO alerts (id, rule_id, integration, group_key, title, severity, severity_rank, time, time_us, status,
                          absorbed, signals, fields, raised_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10, $11, $12, $13, $13)
      ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, severity = EXCLUDED.severity,
        severity_rank = EXCLUDED.severity_rank, absorbed = EXCLUDED.absorbed, signals = EXCLUDED.signals,
        fields = EXCLUDED.fields, updated_at = EXCLUDED.updated_at`,
    values: [
      a.id,
      a.ruleId,
      a.integration,
      a.groupKey,
      a.title,
      a.severity,
      Math.max(0, SEVERITIES.indexOf(a.severity)),
      a.time,
      isoToMicros(a.time) ?? 0,
      a.absorbed,
      JSON.stringify(a.signals),
      JSON.stringify(a.fields),
      now,
    ],
  });
}

export async function detectionState(pool: Pool): Promise<JsonValue | null> {
  const rows = await runQuery<{ detection_state: string | null }>(pool, 'getDetectionState', 'SELECT detection_state FROM signal_stage WHERE id = 1');
  const text = rows[0]?.detection_state;
  return text == null ? null : (JSON.parse(text) as JsonValue);
}

export async function listAlerts(pool: Pool, query: AlertQuery): Promise<{ alerts: StoredAlert[]; next: string | null }> {
  checkLimit(query.limit);
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (v: unknown): string => {
    values.push(v);
    return `$${values.length}`;
  };
  if (query.statuses !== undefined && query.statuses.length > 0) where.push(`status = ANY(${param(query.statuses)}::text[])`);
  if (query.severities !== undefined && query.severities.length > 0) where.push(`severity = ANY(${param(query.severities)}::text[])`);
  if (query.ruleId !== undefined) where.push(`rule_id = ${param(query.ruleId)}`);
  if (query.integration !== undefined) where.push(`integration = ${param(query.integration)}`);
  if (query.since !== undefined) where.push(`time_us >= ${param(queryMicros('since', query.since))}`);
  if (query.until !== undefined) where.push(`time_us < ${param(queryMicros('until', query.until))}`);
  if (query.cursor !== undefined) {
    const c = decodeCursor(query.cursor, ['t', 'a']);
    where.push(`(time_us, aid) < (${param(c.t.toString())}::bigint, ${param(c.a.toString())}::bigint)`);
  }
  const rows = await runQuery<AlertRow>(
    pool,
    'listAlerts',
    `SELECT ${ALERT_COLUMNS} FROM alerts ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY time_us DESC, aid DESC LIMIT ${param(query.limit + 1)}`,
    values,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    alerts: page.map(alertFromRow),
    next: rows.length > query.limit && last !== undefined ? encodeCursor({ t: String(last.time_us), a: String(last.aid) }) : null,
  };
}

export async function getAlert(pool: Pool, id: string): Promise<StoredAlert | null> {
  const rows = await runQuery<AlertRow>(pool, 'getAlert', `SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = $1`, [id]);
  return rows[0] === undefined ? null : alertFromRow(rows[0]);
}

export async function setAlertStatus(pool: Pool, id: string, status: AlertStatus, now: string): Promise<boolean> {
  const rows = await runQuery(pool, 'setAlertStatus', 'UPDATE alerts SET status = $1, updated_at = $2 WHERE id = $3 RETURNING id', [status, now, id]);
  return rows.length > 0;
}

export async function countAlertsByIntegration(pool: Pool, statuses: readonly AlertStatus[]): Promise<Record<string, number>> {
  const rows = await runQuery<{ integration: string; n: string }>(
    pool,
    'countAlertsByIntegration',
    statuses.length > 0
      ? 'SELECT integration, count(*) AS n FROM alerts WHERE status = ANY($1::text[]) GROUP BY integration'
      : 'SELECT integration, count(*) AS n FROM alerts GROUP BY integration',
    statuses.length > 0 ? [statuses] : [],
  );
  return Object.fromEntries(rows.map((r) => [r.integration, Number(r.n)]));
}

export async function getSetting(pool: Pool, name: string): Promise<JsonValue | null> {
  const rows = await runQuery<{ value: string }>(pool, 'getSetting', 'SELECT value FROM settings WHERE name = $1', [name]);
  return rows[0] === undefined ? null : (JSON.parse(rows[0].value) as JsonValue);
}

export async function putSetting(pool: Pool, name: string, value: JsonValue): Promise<void> {
  await runQuery(pool, 'putSetting', 'INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value', [
    name,
    JSON.stringify(value),
  ]);
}
