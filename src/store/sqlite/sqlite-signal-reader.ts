// Reads signals on SQLite: getSignal, countSignals and searchSignals. Every search walks one integer key, the time
// key (sqlite-time-key.ts), newest first:
// - an indicator and/or text: the FTS index (its rowid is the time key) in descending rowid order, matching the
//   indicator's keys in the keys column and the words in title and text, stopping after one page;
// - filters only: the signals table itself, by key.
// Filters are checked on each candidate row.
// plan() validates the query (ERR_CONFIG_INVALID) before anything touches the database.
// Reads run on a connection that has both files (signals-file.ts): a signal stored without its JSON is computed again
// from its record (joined by seq) with the store's normalizer, for a hit's title and indicators and for getSignal.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { CheckId } from '../../core/check-ids.ts';
import type { Indicators, Severity, Signal, SignalKind } from '../../signals/signal.ts';
import { queryMicros } from '../query-time.ts';
import { holdsIndicator, isExactKey, searchKeys } from '../indicator-keys.ts';
import { searchPhrases } from '../search-text.ts';
import { checkLimit, decodeCursor, encodeCursor } from '../signal-cursor.ts';
import { signalFromRow } from './sqlite-signal-body.ts';
import type { SignalColumns } from './sqlite-signal-body.ts';
import type { RecordFilter, SignalDeriver, SignalHit, SignalQuery } from '../store.ts';
import { AzsecError } from '../../core/errors.ts';
import { keyBase } from './sqlite-time-key.ts';

export interface SearchPlan {
  /** Null when the query cannot match anything (text without a single word). */
  sql: string | null;
  params: SQLInputValue[];
  limit: number;
  /** For a value too long for an exact key: the exact check each hit must pass. */
  verify: ((hit: SignalHit) => boolean) | null;
}

/** Long values are looked up by a hash; their hits are checked against the stored value. */
export function verification(query: SignalQuery): ((hit: SignalHit) => boolean) | null {
  const value = query.indicator;
  if (value === undefined || isExactKey(value)) return null;
  return (hit) => holdsIndicator(hit.indicators, value, query.indicatorType);
}

export interface CountPlan {
  sql: string;
  params: SQLInputValue[];
}

interface HitRow {
  sid: string;
  integration: string;
  check_id: string;
  record_id: string;
  version: string;
  time: string;
  severity: string;
  kind: string;
  title: string;
  indicators: string | null;
  tenant_id: string;
  record_time: string | null;
  /** The record's raw JSON, only for a signal stored without its JSON. */
  raw: string | null;
}

// Title and indicators as JSON text (->): exact, where reading the title column would stop at a NUL character. The
// record's raw text is read only for a signal stored without JSON (SQLite reads a column's value when it is used).
const HIT_COLUMNS = `CAST(s.sid AS TEXT) AS sid, s.integration, s.check_id, s.record_id, s.version, s.time, s.severity,
  s.kind, coalesce(s.signal -> '$.title', json_quote(s.title)) AS title, s.signal -> '$.indicators' AS indicators, s.tenant_id, r.time AS record_time,
  CASE WHEN s.signal IS NULL THEN r.raw END AS raw`;

/** A signal stored without JSON, computed from its record; null when the record is gone. */
function derivedSignal(
  deriver: SignalDeriver | undefined,
  row: { integration: string; check_id: string; record_id: string; version: string; tenant_id: string; record_time: string | null; raw: string | null },
): Signal | null {
  if (row.raw === null || row.record_time === null) return null;
  if (deriver === undefined) {
    throw new AzsecError(
      'ERR_STORE',
      'This SQLite store keeps signals that are computed from their records when read, and it was opened without the normalizer to compute them.',
      {},
    );
  }
  return deriver.derive({
    integration: row.integration,
    tenantId: row.tenant_id,
    check: row.check_id as CheckId,
    id: row.record_id,
    version: row.version,
    time: row.record_time,
    raw: row.raw,
  });
}

function timeBound(name: string, iso: string): bigint {
  return keyBase(queryMicros(name, iso));
}

/** FTS5 query text: each phrase quoted (its tokens hold only letters and digits, so nothing needs escaping), ANDed. */
function ftsQuery(phrases: string[][]): string {
  return phrases.map((tokens) => `"${tokens.join(' ')}"`).join(' AND ');
}

export class SqliteSignalReader {
  readonly #db: DatabaseSync;
  readonly #deriver: SignalDeriver | undefined;
  readonly #getSignal: StatementSync;
  readonly #statements = new Map<string, StatementSync>();

  /** `db` has both files (signals-file.ts); `deriver` computes the signals stored without JSON. */
  constructor(db: DatabaseSync, deriver: SignalDeriver | undefined) {
    this.#db = db;
    this.#deriver = deriver;
    // By the records' identity index: signals are keyed by their record's seq.
    this.#getSignal = db.prepare(
      `SELECT s.integration, s.check_id, s.record_id, s.version, s.tenant_id, s.time, s.kind, s.severity, s.outcome, s.signal,
              r.time AS record_time, CASE WHEN s.signal IS NULL THEN r.raw END AS raw
       FROM records r JOIN signals s ON s.seq = r.seq WHERE r.integration = ? AND r.check_id = ? AND r.id = ? AND r.version = ?`,
    );
  }

  get(integration: string, check: CheckId, recordId: string, version: string): Signal | null {
    const row = this.#getSignal.get(integration, check, recordId, version) as
      | (SignalColumns & { signal: string | null; record_time: string; raw: string | null })
      | undefined;
    if (row === undefined) return null;
    return row.signal === null ? derivedSignal(this.#deriver, row) : signalFromRow({ ...row, signal: row.signal });
  }

  countPlan(filter: RecordFilter): CountPlan {
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    // Signals have no index on integration or check: those filters go through the records' (integration, check, seq).
    const byRecord = filter.integration !== undefined || filter.check !== undefined;
    if (filter.integration !== undefined) {
      where.push('r.integration = ?');
      params.push(filter.integration);
    }
    if (filter.check !== undefined) {
      where.push('r.check_id = ?');
      params.push(filter.check);
    }
    if (filter.since !== undefined) {
      where.push('s.sid >= ?');
      params.push(timeBound('since', filter.since));
    }
    const from = byRecord ? 'records r JOIN signals s ON s.seq = r.seq' : 'signals s';
    return { sql: `SELECT count(*) AS n FROM ${from}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`, params };
  }

  count(plan: CountPlan): number {
    const row = this.#prepare(plan.sql).get(...plan.params) as { n: number } | undefined;
    return row?.n ?? 0;
  }

  plan(query: SignalQuery): SearchPlan {
    checkLimit(query.limit);
    const params: SQLInputValue[] = [];
    const where: string[] = [];
    const blankText = query.text === undefined || query.text.trim() === '';
    const phrases = blankText ? [] : searchPhrases(query.text ?? '');
    const verify = verification(query);
    if (!blankText && phrases.length === 0) return { sql: null, params: [], limit: query.limit, verify };

    // The driving key column: what the ORDER BY and every key bound refer to. The FTS index yields its rowids (the
    // time keys) in descending order and intersects indicator keys with words itself.
    let from: string;
    let key: string;
    const match: string[] = [];
    if (query.indicator !== undefined) {
      match.push(`{keys} : (${searchKeys(query.indicator, query.indicatorType).map((k) => `"${k}"`).join(' OR ')})`);
    }
    if (phrases.length > 0) match.push(`{title text} : (${ftsQuery(phrases)})`);
    if (match.length > 0) {
      key = 'f.rowid';
      from = 'signals_fts(?) f CROSS JOIN signals s ON s.sid = f.rowid LEFT JOIN records r ON r.seq = s.seq';
      params.push(match.join(' AND '));
    } else {
      key = 's.sid';
      from = 'signals s LEFT JOIN records r ON r.seq = s.seq';
    }
    if (query.cursor !== undefined) {
      where.push(`${key} < ?`);
      params.push(decodeCursor(query.cursor, ['k']).k);
    }
    if (query.since !== undefined) {
      where.push(`${key} >= ?`);
      params.push(timeBound('since', query.since));
    }
    if (query.until !== undefined) {
      where.push(`${key} < ?`);
      params.push(timeBound('until', query.until));
    }
    if (query.integration !== undefined) {
      where.push('s.integration = ?');
      params.push(query.integration);
    }
    if (query.check !== undefined) {
      where.push('s.check_id = ?');
      params.push(query.check);
    }
    if (query.kind !== undefined) {
      where.push('s.kind = ?');
      params.push(query.kind);
    }
    if (query.severities !== undefined && query.severities.length > 0) {
      where.push(`s.severity IN (${query.severities.map(() => '?').join(', ')})`);
      params.push(...query.severities);
    }
    params.push(query.limit + 1);
    const sql = `SELECT ${HIT_COLUMNS} FROM ${from}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${key} DESC LIMIT ?`;
    return { sql, params, limit: query.limit, verify };
  }

  run(plan: SearchPlan): { results: SignalHit[]; next: string | null } {
    if (plan.sql === null) return { results: [], next: null };
    const rows = this.#prepare(plan.sql).all(...plan.params) as unknown as HitRow[];
    const more = rows.length > plan.limit;
    const page = more ? rows.slice(0, plan.limit) : rows;
    const last = page.at(-1);
    const hits = page.map((row) => hitFromRow(row, this.#deriver));
    return {
      // The cursor follows the last row read, so a hit dropped by verification never shifts the next page.
      results: plan.verify === null ? hits : hits.filter(plan.verify),
      next: more && last !== undefined ? encodeCursor({ k: last.sid }) : null,
    };
  }

  /** Search statements differ only in which filters are present: a few dozen shapes, each prepared once. */
  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      if (this.#statements.size >= 256) this.#statements.clear();
      this.#statements.set(sql, statement);
    }
    return statement;
  }
}

function hitFromRow(row: HitRow, deriver: SignalDeriver | undefined): SignalHit {
  const derived = row.raw === null ? null : derivedSignal(deriver, row);
  return {
    integration: row.integration,
    check: row.check_id as CheckId,
    recordId: row.record_id,
    version: row.version,
    time: row.time,
    severity: row.severity as Severity,
    kind: row.kind as SignalKind,
    title: derived !== null ? derived.title : (JSON.parse(row.title) as string),
    indicators: derived !== null ? derived.indicators : row.indicators === null ? {} : (JSON.parse(row.indicators) as Indicators),
  };
}
