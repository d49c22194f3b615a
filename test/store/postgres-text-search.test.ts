// PostgreSQL free text (migration 7): the search probes the newest signals in time order, then walks the days that
// hold signals from the newest down, one probe of signals_search_by_day per day. The store contract sees few signals,
// all inside the recent window; here the walk itself is checked against a plain oracle, with the window off, tiny
// and at its default: pages across days, words whose matches are years apart, days before 1970 and around day 0
// (bigint division truncates toward zero, so day 0 spans two days), phrases, filters, since/until and cursors.
import { describe, expect, it } from 'vitest';
import type { CheckId } from '../../src/core/check-ids.ts';
import type { Severity, SignalKind } from '../../src/signals/signal.ts';
import { searchPostgresSignals } from '../../src/store/postgres/postgres-signal-search.ts';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { searchTokens } from '../../src/store/search-text.ts';
import type { SignalQuery } from '../../src/store/store.ts';
import { cleanupAfterEach } from '../helpers/cleanups.ts';
import { postgresAvailable, withTempDatabase } from '../helpers/postgres.ts';
import { signalRecord } from './signal-contract.ts';
import type { SignalSpec } from './signal-contract.ts';

const available = await postgresAvailable();

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega'];
const TIMES = [
  '0001-01-01T00:00:00.000Z',
  '1900-06-01T12:00:00.000Z',
  '1969-12-30T23:59:59.999Z',
  '1969-12-31T00:00:00.000Z',
  '1969-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00.000Z',
  '1970-01-01T23:59:59.999Z',
  '1970-01-02T00:00:00.000Z',
  '2001-09-09T01:46:40.000Z',
  '2026-01-31T23:59:59.999Z',
  '2026-02-01T00:00:00.000Z',
  '2026-02-01T10:00:00.000Z',
  '2026-02-03T10:00:00.000Z',
];
const INTEGRATIONS = ['contoso', 'fabrikam'];
const CHECKS: CheckId[] = ['auditLogs.signIns', 'security.alerts_v2'];
const SEVERITIES: Severity[] = ['low', 'high'];
const KINDS: SignalKind[] = ['sign_in', 'alert'];

interface Stored extends SignalSpec {
  /** Commit order: sids follow it, so it breaks ties in time as the store's (time_us, sid) order does. */
  order: number;
  tokens: string[];
}

/** A deterministic mix: each signal gets a time, filters and a few words (some none of the searched ones). */
function corpus(): Stored[] {
  const out: Stored[] = [];
  let state = 7;
  const next = (n: number): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % n;
  };
  for (let i = 0; i < 240; i += 1) {
    // A few rare words: 'omega' only in year 1 and 2026 (matches years apart), 'delta' only before 1970.
    const time = TIMES[next(TIMES.length)]!;
    const words = Array.from({ length: 1 + next(4) }, () => WORDS[next(3)]!);
    if (time.startsWith('0001') || time.startsWith('2026-02-03')) words.push('omega');
    if (time < '1970' && next(2) === 0) words.push('delta');
    const title = `T ${words.join(' ')}`;
    const text = `filler ${next(2) === 0 ? 'beta gamma' : 'gamma beta'}`;
    out.push({
      order: i,
      id: `t${String(i).padStart(3, '0')}`,
      time,
      integration: INTEGRATIONS[next(2)]!,
      check: CHECKS[next(2)]!,
      severity: SEVERITIES[next(2)]!,
      kind: KINDS[next(2)]!,
      title,
      text,
      // The indexed document is the title's words, then the text's (write-signals.ts).
      tokens: searchTokens(`${title} ${text}`),
    });
  }
  return out;
}

/** The oracle: every phrase of the query as consecutive tokens, the filters, newest first by (time, commit order). */
function expected(all: Stored[], query: Omit<SignalQuery, 'limit'>): string[] {
  const phrases = (query.text ?? '').split(/\s+/u).map(searchTokens).filter((p) => p.length > 0);
  const has = (tokens: string[], phrase: string[]): boolean =>
    tokens.some((_, i) => phrase.every((word, j) => tokens[i + j] === word));
  const micros = (iso: string): number => Date.parse(iso);
  return all
    .filter((s) => phrases.every((p) => has(s.tokens, p)))
    .filter((s) => query.integration === undefined || s.integration === query.integration)
    .filter((s) => query.check === undefined || s.check === query.check)
    .filter((s) => query.kind === undefined || s.kind === query.kind)
    .filter((s) => query.severities === undefined || query.severities.includes(s.severity!))
    .filter((s) => query.since === undefined || micros(s.time!) >= micros(query.since))
    .filter((s) => query.until === undefined || micros(s.time!) < micros(query.until))
    .sort((a, b) => micros(b.time!) - micros(a.time!) || b.order - a.order)
    .map((s) => s.id);
}

describe.skipIf(!available)('PostgreSQL free-text search by day', () => {
  const cleanups = cleanupAfterEach();

  async function open(): Promise<PostgresStore> {
    const db = await withTempDatabase();
    cleanups.add(() => db.drop());
    const store = await createPostgresStore({ url: db.url, poolSize: 2 });
    cleanups.add(() => store.close());
    return store;
  }

  async function pages(store: PostgresStore, query: SignalQuery, recentWindow?: number): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let n = 0; ; n += 1) {
      const page = await searchPostgresSignals(store.pool, cursor === undefined ? query : { ...query, cursor }, recentWindow === undefined ? {} : { recentWindow });
      seen.push(...page.results.map((h) => h.recordId));
      if (page.next === null) return seen;
      expect(page.results).toHaveLength(query.limit);
      cursor = page.next;
      if (n > 500) throw new Error('paging does not end');
    }
  }

  it('pages every query exactly like the oracle, with the recent window off, tiny and at its default', async () => {
    const store = await open();
    const all = corpus();
    // Commit one signal at a time so that sid order is the corpus order exactly.
    for (const s of all) await store.commit(s.integration!, s.check!, [signalRecord(s)], undefined);

    const queries: Omit<SignalQuery, 'limit'>[] = [
      { text: 'alpha' },
      { text: 'omega' },
      { text: 'delta' },
      { text: 'alpha beta' },
      { text: 'gamma omega' },
      { text: '"beta gamma"' },
      { text: 'gamma-beta alpha' },
      { text: 'nowhere' },
      { text: 'alpha', integration: 'fabrikam' },
      { text: 'beta', check: 'security.alerts_v2', severities: ['high'] },
      { text: 'gamma', kind: 'alert', integration: 'contoso' },
      { text: 'alpha', since: '1969-12-31T00:00:00Z', until: '1970-01-02T00:00:00Z' },
      { text: 'beta', since: '1969-12-31T23:59:59.999Z' },
      { text: 'gamma', until: '1970-01-01T00:00:00Z' },
      { text: 'omega', since: '2001-01-01T00:00:00Z' },
      { text: 'delta', until: '1969-12-31T23:59:59.999Z', severities: ['low'] },
    ];
    for (const query of queries) {
      const want = expected(all, query);
      for (const recentWindow of [0, 3, undefined]) {
        for (const limit of recentWindow === 0 ? [1, 7, 1_000] : [3, 1_000]) {
          expect({ query, recentWindow, limit, found: await pages(store, { ...query, limit }, recentWindow) }).toEqual({ query, recentWindow, limit, found: want });
        }
      }
    }
    // The store's own search is the same function with the default window.
    expect((await store.searchSignals({ text: 'omega', limit: 1_000 })).results.map((h) => h.recordId)).toEqual(expected(all, { text: 'omega' }));
  });

  it('builds the day index on migration, the plain GIN index gone, and probes it with the day and the words', async () => {
    const store = await open();
    const indexes = await store.pool.query<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'signals' AND indexdef LIKE '%USING gin%' ORDER BY indexname",
    );
    expect(indexes.rows.map((r) => r.indexname)).toEqual(['signals_search_by_day']);
    expect(indexes.rows[0]?.indexdef).toContain("USING gin (((time_us / '86400000000'::bigint)), search)");
    // The search's day expression matches the index's: both conditions are index conditions (seq scan only disabled
    // because the table is empty).
    const client = await store.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        "EXPLAIN SELECT sid FROM signals s WHERE (s.time_us / 86400000000) = $1::bigint AND s.search @@ to_tsquery('simple', $2)",
        ['20485', "'word':D"],
      );
      const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(text).toContain('Bitmap Index Scan on signals_search_by_day');
      expect(text).toMatch(/Index Cond: \(\(\(time_us \/ '86400000000'::bigint\) = '20485'::bigint\) AND \(search @@/u);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });
});
