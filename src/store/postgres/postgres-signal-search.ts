// Reads signals on PostgreSQL: getSignal, countSignals and searchSignals. Results are ordered by (time_us, sid)
// descending and paged by keyset on that pair (never OFFSET):
// - an indicator drives the query through indicators_by_value / indicators_by_type (value prefix, time_us, sid),
//   scanned backwards; signals are joined by primary key and filtered row by row;
// - text alone is `search @@ tsquery`; the planner chooses the GIN index (rare words) or signals_by_time (common
//   words, where the first page is found after a few hundred rows);
// - filters alone walk signals_by_time backwards.
// The tsquery is built from azsec's own tokens (search-text.ts), each quoted as a lexeme, so user text never reaches
// PostgreSQL's query syntax.
import type { Pool } from 'pg';
import type { CheckId } from '../../core/check-ids.ts';
import { AzsecError } from '../../core/errors.ts';
import type { Indicators, Severity, Signal, SignalKind } from '../../signals/signal.ts';
import { searchPhrases } from '../search-text.ts';
import { checkLimit, decodeCursor, encodeCursor } from '../signal-cursor.ts';
import type { RecordFilter, SignalHit, SignalQuery } from '../store.ts';
import { isoToMicros } from './iso-micros.ts';
import { runQuery } from './pg-pool.ts';
import { pgText } from './write-signals.ts';

/** Must match the expression of indicators_by_value / indicators_by_type (migration 3). */
const VALUE_PREFIX = 256;

interface HitRow {
  time_us: string;
  sid: string;
  integration: string;
  check_id: string;
  record_id: string;
  version: string;
  time: string;
  severity: string;
  kind: string;
  hit_json: string;
}

function micros(name: string, iso: string): number {
  const us = isoToMicros(iso);
  if (us === null) throw new AzsecError('ERR_CONFIG_INVALID', `"${name}" is not an ISO 8601 timestamp: ${iso}`, { [name]: iso });
  return us;
}

/** to_tsquery text: phrases of quoted lexemes (letters and digits only, so quoting is all the escaping needed). */
function tsQuery(phrases: string[][]): string {
  return phrases.map((tokens) => `(${tokens.map((t) => `'${t}'`).join(' <-> ')})`).join(' & ');
}

export async function searchPostgresSignals(pool: Pool, query: SignalQuery): Promise<{ results: SignalHit[]; next: string | null }> {
  checkLimit(query.limit);
  const blankText = query.text === undefined || query.text.trim() === '';
  const phrases = blankText ? [] : searchPhrases(query.text ?? '');
  if (!blankText && phrases.length === 0) return { results: [], next: null };

  const values: unknown[] = [];
  // PostgreSQL text cannot hold NUL: stored values had it replaced (write-signals.ts), so the query is treated alike.
  const param = (value: unknown): string => {
    values.push(typeof value === 'string' ? pgText(value) : value);
    return `$${values.length}`;
  };
  const where: string[] = [];
  let from: string;
  // t and k: the columns the order and every bound refer to (the indicator row's copy of time_us when it drives).
  let t: string;
  let k: string;
  let distinct = '';
  if (query.indicator !== undefined) {
    from = 'indicators i JOIN signals s ON s.sid = i.sid';
    t = 'i.time_us';
    k = 'i.sid';
    const value = param(query.indicator);
    where.push(`left(i.value, ${VALUE_PREFIX}) = left(${value}::text, ${VALUE_PREFIX})`, `i.value = ${value}`);
    if (query.indicatorType !== undefined) where.push(`i.type = ${param(query.indicatorType)}`);
    // Without a type one value can be stored under several types of one signal; its rows are adjacent in this order.
    else distinct = `DISTINCT ON (${t}, ${k}) `;
  } else {
    from = 'signals s';
    t = 's.time_us';
    k = 's.sid';
  }
  if (phrases.length > 0) where.push(`s.search @@ to_tsquery('simple', ${param(tsQuery(phrases))})`);
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor, ['t', 's']);
    where.push(`(${t}, ${k}) < (${param(cursor.t.toString())}::bigint, ${param(cursor.s.toString())}::bigint)`);
  }
  if (query.since !== undefined) where.push(`${t} >= ${param(micros('since', query.since))}`);
  if (query.until !== undefined) where.push(`${t} < ${param(micros('until', query.until))}`);
  if (query.integration !== undefined) where.push(`s.integration = ${param(query.integration)}`);
  if (query.check !== undefined) where.push(`s.check_id = ${param(query.check)}`);
  if (query.kind !== undefined) where.push(`s.kind = ${param(query.kind)}`);
  if (query.severities !== undefined && query.severities.length > 0) where.push(`s.severity = ANY (${param(query.severities)}::text[])`);

  // Title and indicators come from hit_json: exact even where the title column had NUL replaced.
  const sql = `
    SELECT ${distinct}${t} AS time_us, ${k} AS sid, s.integration, s.check_id, s.record_id, s.version, s.time,
           s.severity, s.kind, s.hit_json
    FROM ${from}
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${t} DESC, ${k} DESC
    LIMIT ${param(query.limit + 1)}`;
  const rows = await runQuery<HitRow>(pool, 'searchSignals', sql, values);
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const last = page.at(-1);
  return {
    results: page.map(hitFromRow),
    next: more && last !== undefined ? encodeCursor({ t: String(last.time_us), s: String(last.sid) }) : null,
  };
}

export async function getPostgresSignal(pool: Pool, integration: string, check: CheckId, recordId: string, version: string): Promise<Signal | null> {
  const rows = await runQuery<{ signal: string }>(
    pool,
    'getSignal',
    'SELECT signal FROM signals WHERE integration = $1 AND check_id = $2 AND record_id = $3 AND version = $4',
    [integration, check, recordId, version],
  );
  const row = rows[0];
  return row === undefined ? null : (JSON.parse(row.signal) as Signal);
}

export async function countPostgresSignals(pool: Pool, filter: RecordFilter): Promise<number> {
  const values: unknown[] = [];
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
    values.push(micros('since', filter.since));
    where.push(`time_us >= $${values.length}`);
  }
  const rows = await runQuery<{ n: string }>(
    pool,
    'countSignals',
    `SELECT count(*) AS n FROM signals${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''}`,
    values,
  );
  return Number(rows[0]?.n ?? 0);
}

function hitFromRow(row: HitRow): SignalHit {
  const hit = JSON.parse(row.hit_json) as { title: string; indicators: Indicators | null };
  return {
    integration: row.integration,
    check: row.check_id as CheckId,
    recordId: row.record_id,
    version: row.version,
    time: row.time,
    severity: row.severity as Severity,
    kind: row.kind as SignalKind,
    title: hit.title,
    indicators: hit.indicators ?? {},
  };
}
