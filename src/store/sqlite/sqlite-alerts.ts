// Alerts on SQLite: the upsert the signal stage runs inside its batch transaction, and the reads of `azsec alerts`
// and the console. Pages are newest first on (time_us, aid), keyset-paged like signal search.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { SEVERITIES } from '../../signals/signal.ts';
import { isoToMicros } from '../postgres/iso-micros.ts';
import { checkLimit, decodeCursor, encodeCursor } from '../signal-cursor.ts';
import { queryMicros } from '../query-time.ts';
import { ALERT_COLUMNS, alertFromRow } from '../stage-rows.ts';
import type { AlertRow } from '../stage-rows.ts';
import type { AlertQuery, AlertStatus, AlertUpsert, StoredAlert } from '../store.ts';

/** Time of an alert in µs for ordering (an unparsable time sorts at the epoch, never fails the batch). */
export function alertMicros(time: string): number {
  return isoToMicros(time) ?? 0;
}

export class SqliteAlerts {
  readonly #db: DatabaseSync;
  readonly #upsert: StatementSync;
  readonly #get: StatementSync;
  readonly #setStatus: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    // An operator's status and the first raisedAt survive the engine's updates of the same alert.
    this.#upsert = db.prepare(`
      INSERT INTO alerts (id, rule_id, integration, group_key, title, severity, severity_rank, time, time_us, status,
                          absorbed, signals, fields, raised_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET title = excluded.title, severity = excluded.severity,
        severity_rank = excluded.severity_rank, absorbed = excluded.absorbed, signals = excluded.signals,
        fields = excluded.fields, updated_at = excluded.updated_at`);
    this.#get = db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = ?`);
    this.#setStatus = db.prepare('UPDATE alerts SET status = ?, updated_at = ? WHERE id = ?');
  }

  /** Inside the caller's transaction. */
  upsert(alert: AlertUpsert, now: string): void {
    this.#upsert.run(
      alert.id,
      alert.ruleId,
      alert.integration,
      alert.groupKey,
      alert.title,
      alert.severity,
      Math.max(0, SEVERITIES.indexOf(alert.severity)),
      alert.time,
      alertMicros(alert.time),
      alert.absorbed,
      JSON.stringify(alert.signals),
      JSON.stringify(alert.fields),
      now,
      now,
    );
  }

  get(id: string): StoredAlert | null {
    const row = this.#get.get(id) as AlertRow | undefined;
    return row === undefined ? null : alertFromRow(row);
  }

  setStatus(id: string, status: AlertStatus, now: string): boolean {
    return Number(this.#setStatus.run(status, now, id).changes) > 0;
  }

  list(query: AlertQuery): { alerts: StoredAlert[]; next: string | null } {
    checkLimit(query.limit);
    const where: string[] = [];
    const values: SQLInputValue[] = [];
    if (query.statuses !== undefined && query.statuses.length > 0) {
      where.push(`status IN (${query.statuses.map(() => '?').join(', ')})`);
      values.push(...query.statuses);
    }
    if (query.severities !== undefined && query.severities.length > 0) {
      where.push(`severity IN (${query.severities.map(() => '?').join(', ')})`);
      values.push(...query.severities);
    }
    if (query.ruleId !== undefined) {
      where.push('rule_id = ?');
      values.push(query.ruleId);
    }
    if (query.integration !== undefined) {
      where.push('integration = ?');
      values.push(query.integration);
    }
    if (query.since !== undefined) {
      where.push('time_us >= ?');
      values.push(queryMicros('since', query.since));
    }
    if (query.until !== undefined) {
      where.push('time_us < ?');
      values.push(queryMicros('until', query.until));
    }
    if (query.cursor !== undefined) {
      const c = decodeCursor(query.cursor, ['t', 'a']);
      where.push('(time_us < ? OR (time_us = ? AND aid < ?))');
      values.push(c.t, c.t, c.a);
    }
    const sql = `SELECT ${ALERT_COLUMNS} FROM alerts ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
                 ORDER BY time_us DESC, aid DESC LIMIT ?`;
    const rows = this.#db.prepare(sql).all(...values, query.limit + 1) as unknown as AlertRow[];
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      alerts: page.map(alertFromRow),
      next: rows.length > query.limit && last !== undefined ? encodeCursor({ t: String(last.time_us), a: String(last.aid) }) : null,
    };
  }

  countByIntegration(statuses: readonly AlertStatus[]): Record<string, number> {
    const where = statuses.length > 0 ? `WHERE status IN (${statuses.map(() => '?').join(', ')})` : '';
    const rows = this.#db.prepare(`SELECT integration, count(*) AS n FROM alerts ${where} GROUP BY integration`).all(...statuses) as Array<{
      integration: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.integration, Number(r.n)]));
  }
}
