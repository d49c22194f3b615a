// Reads signals on PostgreSQL: getSignal, countSignals and searchSignals. Results are ordered by (time_us, sid)
// descending and paged by keyset on that pair (never OFFSET):
// - an indicator reads its key's range in signal_keys_by_day (day, key, time_us, sid) backwards, day by day from the
//   newest day that holds keys: newest first, stopping after one page, whether the value is common or rare (a rare
//   one costs one index probe per day that holds keys; migration 6). With text as well, a value held by more than
//   KEY_BUDGET signals lets the text lead instead (below), each candidate checked for the key by sid;
// - text alone (words, a `search @@ tsquery`): the newest RECENT_WINDOW signals are probed first in time order
//   (common words fill the page there); only when they do not, the days that hold signals are walked from the newest
//   down, one probe of the GIN index signals_search_by_day ((day), search) per day (migration 7), stopping after one
//   page. GIN yields matches in no order: a plain `search @@` read and sorted every match of a word (seconds);
// - filters alone walk signals_by_time backwards.
// The tsquery is built from azsec's own word tokens (search-text.ts), each quoted, so user text never reaches
// PostgreSQL's query syntax; an indicator is looked up by its key (indicator-keys.ts), a bound parameter.
import type { Pool } from 'pg';
import type { CheckId } from '../../core/check-ids.ts';
import type { Indicators, Severity, Signal, SignalKind } from '../../signals/signal.ts';
import { anyTypeKey, holdsIndicator, isExactKey } from '../indicator-keys.ts';
import { searchPhrases } from '../search-text.ts';
import { checkLimit, decodeCursor, encodeCursor } from '../signal-cursor.ts';
import type { RecordFilter, SignalHit, SignalQuery } from '../store.ts';
import { queryMicros } from '../query-time.ts';
import { runQuery } from './pg-pool.ts';
import { pgText, typeCode } from './write-signals.ts';

/**
 * How many of the newest signals a text search probes in time order before it walks the days. A word in more than
 * 1 in 40 signals fills a page there, at most this many rows read; a rarer one costs these rows, then its first
 * day's matches through the GIN index (at 5 million signals over 30 days, a word in 1 in 40 has 4,000 matches a
 * day). 2,000 measured faster than 10,000 at 200,000 and 5 million signals: most words miss the window.
 */
const RECENT_WINDOW = 2_000;

/** One day in microseconds: the unit of signal_keys_by_day (migration 6); the expression must match the index's. */
const DAY_US = 86_400_000_000n;

/** The day of the greatest bigint time (no time_us is beyond it): "no upper bound". */
const MAX_DAY = 9_223_372_036_854_775_807n / DAY_US;

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
  signal: string;
}

/**
 * to_tsquery text of the words: phrases of quoted words of weight D (letters and digits only, so quoting is all the
 * escaping needed), parsed by the same 'simple' configuration that indexed them.
 */
function wordsQuery(phrases: string[][]): string {
  return phrases.map((tokens) => `(${tokens.map((t) => `'${t}':D`).join(' <-> ')})`).join(' & ');
}

/** Up to how many of an indicator's newest signals a search with text reads before it lets the text lead instead. */
const KEY_BUDGET = 5_000;

type Param = (value: unknown) => string;

/** The conditions on a signal_keys row `k` that select the indicator (and its type). */
function keyConditions(param: Param, indicator: string, type: SignalQuery['indicatorType']): string[] {
  const conditions = [`k.key = ${param(anyTypeKey(indicator))}`];
  if (type !== undefined) conditions.push(`${param(typeCode(type))} = ANY (k.types)`);
  return conditions;
}

/** Cursor, since and until as conditions on the time and sid columns named. */
function timeBounds(param: Param, query: SignalQuery, t: string, k: string): string[] {
  const bounds: string[] = [];
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor, ['t', 's']);
    bounds.push(`(${t}, ${k}) < (${param(cursor.t.toString())}::bigint, ${param(cursor.s.toString())}::bigint)`);
  }
  if (query.since !== undefined) bounds.push(`${t} >= ${param(queryMicros('since', query.since))}`);
  if (query.until !== undefined) bounds.push(`${t} < ${param(queryMicros('until', query.until))}`);
  return bounds;
}

/** A walk over days, newest first: its recursive CTE, the CTE's name, and the condition that cuts it at the lowest day. */
interface DayWalk {
  cte: string;
  name: string;
  inRange: string;
}

/**
 * The time range a day walk covers: the newest microsecond it may start at (the cursor's or until's, whichever is
 * lower; null when unbounded) and the lowest day (since's).
 */
function walkRange(query: SignalQuery): { hi: bigint | null; loDay: bigint } {
  let hi: bigint | null = query.cursor === undefined ? null : decodeCursor(query.cursor, ['t', 's']).t;
  if (query.until !== undefined) {
    const until = BigInt(queryMicros('until', query.until)) - 1n;
    hi = hi === null || until < hi ? until : hi;
  }
  // BigInt division truncates toward zero, as PostgreSQL's bigint division does: the same day numbers.
  const loDay = query.since === undefined ? -MAX_DAY - 1n : BigInt(queryMicros('since', query.since)) / DAY_US;
  return { hi, loDay };
}

/**
 * The days that hold keys, newest first, as a recursive CTE `days (day)` (evaluated only as far as the query reads
 * it), and the condition that cuts it at the lowest day. Each next day is found through signal_keys_by_day (the
 * greatest day below the current one), so a gap of years, or one signal dated in year 1, costs one step rather than
 * one per empty day. Days are bounded by since, until and the cursor (time bounds then cut inside the edge days).
 */
function keyDays(param: Param, query: SignalQuery): DayWalk {
  const { hi, loDay } = walkRange(query);
  const hiDay = hi === null ? MAX_DAY : hi / DAY_US;
  const day = `(time_us / ${DAY_US})`;
  const lo = param(loDay.toString());
  return {
    cte: `
    WITH RECURSIVE days (day) AS (
      SELECT (SELECT max${day} FROM signal_keys WHERE ${day} <= ${param(hiDay.toString())}::bigint)
      UNION ALL
      SELECT (SELECT max${day} FROM signal_keys WHERE ${day} < days.day)
      FROM days WHERE days.day > ${lo}::bigint
    )`,
    name: 'days',
    inRange: `days.day >= ${lo}::bigint`,
  };
}

/**
 * The days that hold signals, newest first, as a recursive CTE `text_days (day)` evaluated only as far as the query
 * reads it, and the condition that cuts it at the lowest day. Each next day is the day of the greatest time_us below
 * the current day's first microsecond (one backward probe of signals_by_time), so a gap of years costs one step.
 * The first day is that of the newest signal at or below the cursor's or until's time.
 */
function signalDays(param: Param, query: SignalQuery): DayWalk {
  const { hi, loDay } = walkRange(query);
  const lo = param(loDay.toString());
  // Day d > 0 starts at d * DAY_US; day 0 spans (-DAY_US, DAY_US) and a day d < 0 ((d - 1) * DAY_US, d * DAY_US]
  // (division truncates toward zero), so "a lower day" is time_us < (d - 1) * DAY_US + 1 there.
  const before = `CASE WHEN text_days.day > 0 THEN text_days.day * ${DAY_US} ELSE (text_days.day - 1) * ${DAY_US} + 1 END`;
  return {
    cte: `
    WITH RECURSIVE text_days (day) AS (
      SELECT (SELECT max(time_us) FROM signals${hi === null ? '' : ` WHERE time_us <= ${param(hi.toString())}::bigint`}) / ${DAY_US}
      UNION ALL
      SELECT (SELECT max(time_us) FROM signals WHERE time_us < ${before}) / ${DAY_US}
      FROM text_days WHERE text_days.day > ${lo}::bigint
    )`,
    name: 'text_days',
    inRange: `text_days.day >= ${lo}::bigint`,
  };
}

/** How many signals hold the indicator within the query's time bounds, counted up to `cap` (index only). */
async function countKeyed(pool: Pool, query: SignalQuery & { indicator: string }, cap: number): Promise<number> {
  const values: unknown[] = [];
  const param: Param = (value) => {
    values.push(typeof value === 'string' ? pgText(value) : value);
    return `$${values.length}`;
  };
  const conditions = [...keyConditions(param, query.indicator, query.indicatorType), ...timeBounds(param, query, 'k.time_us', 'k.sid')];
  const days = keyDays(param, query);
  const capParam = param(cap);
  const rows = await runQuery<{ n: string }>(
    pool,
    'searchSignals',
    `${days.cte}
    SELECT count(*) AS n FROM (
      SELECT 1 FROM days
      CROSS JOIN LATERAL (
        SELECT 1 FROM signal_keys k WHERE k.time_us / ${DAY_US} = days.day AND ${conditions.join(' AND ')} LIMIT ${capParam}
      ) h
      WHERE ${days.inRange}
      LIMIT ${capParam}
    ) c`,
    values,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Tuning for tests: how many of the newest signals the text search probes before it walks the days (0: none). */
export interface SearchTuning {
  recentWindow?: number;
}

export function searchPostgresSignals(pool: Pool, query: SignalQuery, tuning: SearchTuning = {}): Promise<{ results: SignalHit[]; next: string | null }> {
  return search(pool, query, 'walk', Math.max(0, Math.floor(tuning.recentWindow ?? RECENT_WINDOW)));
}

/**
 * `walk`: an indicator walks its keys by day (the page of a common value comes from its newest day). With text as
 * well, a common value could walk far for a rare word; past KEY_BUDGET keys the search runs `exists`: the text leads
 * (as without an indicator) and each candidate must hold the key.
 */
async function search(
  pool: Pool,
  query: SignalQuery,
  mode: 'walk' | 'exists',
  recentWindow: number,
): Promise<{ results: SignalHit[]; next: string | null }> {
  checkLimit(query.limit);
  const blankText = query.text === undefined || query.text.trim() === '';
  const phrases = blankText ? [] : searchPhrases(query.text ?? '');
  if (!blankText && phrases.length === 0) return { results: [], next: null };

  const values: unknown[] = [];
  // PostgreSQL text cannot hold NUL: stored values had it replaced (write-signals.ts), so the query is treated alike.
  const param: Param = (value) => {
    values.push(typeof value === 'string' ? pgText(value) : value);
    return `$${values.length}`;
  };
  if (mode === 'walk' && query.indicator !== undefined && phrases.length > 0) {
    if ((await countKeyed(pool, { ...query, indicator: query.indicator }, KEY_BUDGET)) >= KEY_BUDGET) return search(pool, query, 'exists', recentWindow);
  }
  const where: string[] = [];
  // With an indicator the walk is signal_keys' range of its key (time and sid come from there, so the order is the
  // index's); other filters look the signal up by sid.
  const keyed = query.indicator !== undefined && mode === 'walk';
  const t = keyed ? 'k.time_us' : 's.time_us';
  const k = keyed ? 'k.sid' : 's.sid';
  const keyWhere: string[] = [];
  if (query.indicator !== undefined) {
    const conditions = keyConditions(param, query.indicator, query.indicatorType);
    if (keyed) keyWhere.push(...conditions);
    else where.push(`EXISTS (SELECT 1 FROM signal_keys k WHERE k.sid = s.sid AND ${conditions.join(' AND ')})`);
  }
  const textAt = where.length;
  if (phrases.length > 0) where.push(`s.search @@ to_tsquery('simple', ${param(wordsQuery(phrases))})`);
  // Time bounds go into `bounds` (they also limit the recent-window probe below), the other filters into `where`.
  const bounds = timeBounds(param, query, t, k);
  if (query.integration !== undefined) where.push(`s.integration = ${param(query.integration)}`);
  if (query.check !== undefined) where.push(`s.check_id = ${param(query.check)}`);
  if (query.kind !== undefined) where.push(`s.kind = ${param(query.kind)}`);
  if (query.severities !== undefined && query.severities.length > 0) where.push(`s.severity = ANY (${param(query.severities)}::text[])`);
  const limit = param(query.limit + 1);

  // Title and indicators come from the signal JSON, exact even where the title column had NUL replaced.
  const columns = 's.time_us, s.sid, s.integration, s.check_id, s.record_id, s.version, s.time, s.severity, s.kind, s.signal';
  const all = [...keyWhere, ...bounds, ...where];
  // Which signals, by keys only; the wide columns (the signal JSON, often TOASTed) are read for the page alone. An
  // indicator search without other filters never touches signals until then.
  const from = !keyed ? 'signals s' : where.length > 0 ? 'signal_keys k JOIN signals s ON s.sid = k.sid' : 'signal_keys k';
  // An indicator walks the days that hold keys, from the newest down (signal_keys_by_day: one index range of the key
  // per day, stopping once a page is full).
  // A day walk: `perDay` (the page of one day, `sid` only) for each day from the newest, stopping once a page is full.
  const walkSql = (days: DayWalk, perDay: string): string => `${days.cte}
    SELECT ${columns}
    FROM signals s
    JOIN (
      SELECT h.sid
      FROM ${days.name}
      CROSS JOIN LATERAL (${perDay}) h
      WHERE ${days.inRange}
      LIMIT ${limit}
    ) hit ON hit.sid = s.sid
    ORDER BY s.time_us DESC, s.sid DESC`;
  const keyedSql = (): string =>
    walkSql(
      keyDays(param, query),
      `SELECT ${k} AS sid FROM ${from}
        WHERE ${t} / ${DAY_US} = days.day AND ${all.join(' AND ')}
        ORDER BY ${t} DESC, ${k} DESC
        LIMIT ${limit}`,
    );
  const full = `
    SELECT ${columns}
    FROM signals s
    JOIN (
      SELECT ${k} AS sid FROM ${from}
      ${all.length > 0 ? `WHERE ${all.join(' AND ')}` : ''}
      ORDER BY ${t} DESC, ${k} DESC
      LIMIT ${limit}
    ) hit ON hit.sid = s.sid
    ORDER BY s.time_us DESC, s.sid DESC`;
  // Words without an indicator walk the days that hold signals, from the newest down: each day is one probe of
  // signals_search_by_day with the day and the words (GIN intersects the day's entry with the words' inside the
  // index), so only that day's matches are read from the heap and sorted; the walk stops once a page is full. The
  // probe is fenced (OFFSET 0) so that it stays that bitmap scan whatever the filters above it.
  const textDaysSql = (): string => {
    const days = signalDays(param, query);
    const probe = `SELECT time_us, sid, integration, check_id, kind, severity FROM signals s
          WHERE (s.time_us / ${DAY_US}) = text_days.day AND ${where[textAt] ?? 'true'} OFFSET 0`;
    const rest = [...bounds, ...where.filter((_, i) => i !== textAt)];
    return walkSql(
      days,
      `SELECT s.sid FROM (${probe}) s
        ${rest.length > 0 ? `WHERE ${rest.join(' AND ')}` : ''}
        ORDER BY s.time_us DESC, s.sid DESC
        LIMIT ${limit}`,
    );
  };
  let rows: HitRow[];
  if (keyed) {
    rows = await runQuery<HitRow>(pool, 'searchSignals', keyedSql(), values);
  } else if (phrases.length === 0) {
    rows = await runQuery<HitRow>(pool, 'searchSignals', full, values);
  } else {
    // A common word matches many signals: the GIN index would yield them all and PostgreSQL sort them (seconds at
    // millions of signals), while the newest page lies among the most recent rows. So first probe the newest
    // RECENT_WINDOW signals in time order (common words fill the page there); only when they do not, walk the days.
    const recent = `
      SELECT ${columns}
      FROM signals s
      JOIN (
        SELECT s.sid
        FROM (
          SELECT time_us, sid, search, integration, check_id, kind, severity FROM signals s
          ${bounds.length > 0 ? `WHERE ${bounds.join(' AND ')}` : ''}
          ORDER BY ${t} DESC, ${k} DESC LIMIT ${recentWindow}
        ) s
        WHERE ${where.join(' AND ')}
        ORDER BY ${t} DESC, ${k} DESC
        LIMIT ${limit}
      ) hit ON hit.sid = s.sid
      ORDER BY s.time_us DESC, s.sid DESC`;
    rows = recentWindow > 0 ? await runQuery<HitRow>(pool, 'searchSignals', recent, values) : [];
    if (rows.length <= query.limit) rows = await runQuery<HitRow>(pool, 'searchSignals', textDaysSql(), values);
  }
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  const last = page.at(-1);
  const hits = page.map(hitFromRow);
  const verify = query.indicator === undefined || isExactKey(query.indicator) ? null : query.indicator;
  return {
    // Long values are looked up by a hash: hits are checked against the stored value. The cursor follows the last
    // row read, so a dropped hit never shifts the next page.
    results: verify === null ? hits : hits.filter((hit) => holdsIndicator(hit.indicators, verify, query.indicatorType)),
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
    values.push(queryMicros('since', filter.since));
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
  const hit = JSON.parse(row.signal) as { title: string; indicators: Indicators | null };
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
