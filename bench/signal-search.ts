// Signal search benchmark (issue 5): bulk-loads n synthetic signals through Store.commit (pages of 1,000 records,
// 8-15 indicators each drawn from pools where a few values are hot, as in real tenants), then measures the first
// page (limit 50) of 200 indicator searches and 200 free-text searches, half on hot values or words and half on
// rare ones. Also measures what storing signals adds to a commit: the same pages committed with and without their
// signals, alternately, in the same run. Prints its figures; never part of the test pass/fail.
// Run alone (both stores unless one is named; SQLite in a temporary directory, PostgreSQL in a throwaway database):
//   node bench/signal-search.ts [sqlite|postgres]   (n = 200,000)
//   AZSEC_BENCH_SIGNALS=1000000 AZSEC_BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test node bench/signal-search.ts postgres
// AZSEC_BENCH_PG_KEEP=<name> (lower-case letters, digits, _) keeps the PostgreSQL database under that name instead of
// dropping it, and reuses it when a previous run finished loading the same n signals into it (marked in `settings`):
// the load is then skipped (the generator is replayed so the queries are the same) and so is the commit comparison
// (the first run deletes the comparison's records and signals again). The store migrates it on opening, so a new migration is applied to the loaded data.
// Drop it when done: psql -c 'DROP DATABASE <name>'.
import type { CheckId } from '../src/core/check-ids.ts';
import type { IndicatorType, Indicators, Severity, Signal, SignalKind } from '../src/signals/signal.ts';
import type { NewRecord, Store } from '../src/store/store.ts';
import { signalDeriver } from '../src/signals/signal-of-record.ts';

export interface LatencyFigures {
  p50: number;
  p95: number;
  max: number;
  /** Mean hits on the first page. */
  meanHits: number;
}

export interface SignalSearchFigures {
  signals: number;
  loadMs: number;
  /** Load time scaled to one million signals. */
  loadSecondsPerMillion: number;
  indicator: LatencyFigures;
  text: LatencyFigures;
  /** Commit time with signals divided by commit time of the same records without them. */
  commitRatio: number;
}

const PAGE = 1_000;
const QUERIES = 200;
const DAY_MS = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00Z');
const SPAN_DAYS = 30;

/** A small deterministic generator (mulberry32), so every run loads the same data. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Zipf-like choice among `size` ranks: rank 0 is the hottest. */
function zipf(size: number, rnd: () => number, exponent = 1.05): () => number {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let rank = 0; rank < size; rank += 1) {
    total += 1 / (rank + 1) ** exponent;
    cumulative[rank] = total;
  }
  return () => {
    const target = rnd() * total;
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

interface Pool {
  type: IndicatorType;
  size: number;
  value: (rank: number) => string;
}

const POOLS: Pool[] = [
  { type: 'ip', size: 20_000, value: (r) => `10.${(r >> 16) & 255}.${(r >> 8) & 255}.${r & 255}` },
  { type: 'upn', size: 5_000, value: (r) => `user${r}@contoso.example` },
  { type: 'user_id', size: 5_000, value: (r) => `00000000-0000-4000-8000-${r.toString(16).padStart(12, '0')}` },
  { type: 'domain', size: 2_000, value: (r) => `site${r}.example` },
  { type: 'url', size: 10_000, value: (r) => `https://site${r % 2_000}.example/path/${r}` },
  { type: 'device_id', size: 3_000, value: (r) => `dev-${r.toString(16).padStart(8, '0')}` },
  { type: 'host', size: 3_000, value: (r) => `host-${r}.corp.example` },
  { type: 'app_id', size: 200, value: (r) => `app-${r.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000` },
  { type: 'sha256', size: 50_000, value: (r) => (r * 2_654_435_761).toString(16).padStart(64, '0') },
  { type: 'file_name', size: 2_000, value: (r) => `file${r}.exe` },
  { type: 'country', size: 50, value: (r) => `C${r}` },
  { type: 'email', size: 8_000, value: (r) => `sender${r}@mail${r % 300}.example` },
];

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'xe', 'zu', 'pra', 'sten', 'dor', 'quil', 'mar', 'fen'];
const VOCABULARY = Array.from({ length: 3_000 }, (_, i) => {
  let word = '';
  let n = i + 17;
  do {
    word += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  } while (n > 0);
  return word;
});

const SHAPES: { check: CheckId; kind: SignalKind }[] = [
  { check: 'auditLogs.signIns', kind: 'sign_in' },
  { check: 'security.alerts_v2', kind: 'alert' },
  { check: 'auditLogs.directoryAudits', kind: 'directory_audit' },
];
const INTEGRATIONS = ['contoso', 'fabrikam', 'northwind'];
const SEVERITIES: Severity[] = ['informational', 'low', 'medium', 'high', 'critical'];

class SignalFactory {
  readonly #rnd = random(20_260_101);
  readonly #pick = POOLS.map((pool) => zipf(pool.size, this.#rnd));
  readonly #word = zipf(VOCABULARY.length, this.#rnd);

  words(count: number): string {
    return Array.from({ length: count }, () => VOCABULARY[this.#word()]).join(' ');
  }

  indicators(): Indicators {
    const out: Indicators = {};
    const count = 8 + Math.floor(this.#rnd() * 8);
    for (let i = 0; i < count; i += 1) {
      const p = Math.floor(this.#rnd() * POOLS.length);
      const pool = POOLS[p];
      const pick = this.#pick[p];
      if (pool === undefined || pick === undefined) continue;
      const value = pool.value(pick());
      const list = (out[pool.type] ??= []);
      if (!list.includes(value)) list.push(value);
    }
    return out;
  }

  /** Page `page` of signals: one (integration, check) per page, times rising with a little disorder. */
  page(page: number, total: number, prefix: string): { integration: string; check: CheckId; records: NewRecord[] } {
    const shape = SHAPES[page % SHAPES.length] ?? SHAPES[0]!;
    const integration = INTEGRATIONS[Math.floor(page / SHAPES.length) % INTEGRATIONS.length] ?? 'contoso';
    const records: NewRecord[] = [];
    for (let i = 0; i < PAGE; i += 1) {
      const index = page * PAGE + i;
      const ms = START + (index / total) * SPAN_DAYS * DAY_MS - this.#rnd() * 600_000;
      const time = new Date(ms).toISOString();
      const id = `${prefix}-${index.toString(16).padStart(8, '0')}`;
      const title = `${shape.kind} ${this.words(3 + Math.floor(this.#rnd() * 5))}`;
      const signal: Signal = {
        integration,
        check: shape.check,
        recordId: id,
        version: id,
        tenantId: `tenant-${integration}`,
        time,
        kind: shape.kind,
        title,
        severity: SEVERITIES[Math.floor(this.#rnd() * SEVERITIES.length)] ?? 'low',
        outcome: this.#rnd() < 0.8 ? 'success' : 'failure',
        actor: { type: 'user', id: `u-${index % 5_000}`, name: `User ${index % 5_000}`, upn: `user${index % 5_000}@contoso.example` },
        targets: [],
        location: null,
        indicators: this.indicators(),
        artifacts: [],
        text: `${title} ${this.words(15 + Math.floor(this.#rnd() * 15))}`,
      };
      // About 1 KB of raw JSON, as a sign-in page carries.
      const raw = JSON.stringify({ id, createdDateTime: time, title, indicators: signal.indicators, padding: 'x'.repeat(400) });
      records.push({ id, version: id, time, raw, signal });
    }
    return { integration, check: shape.check, records };
  }

  indicatorQuery(hot: boolean): { indicator: string } {
    const p = Math.floor(this.#rnd() * POOLS.length);
    const pool = POOLS[p] ?? POOLS[0]!;
    const rank = hot ? (this.#pick[p] ?? (() => 0))() : Math.floor(this.#rnd() * pool.size);
    return { indicator: pool.value(rank) };
  }

  textQuery(hot: boolean): { text: string } {
    const word = (): string => VOCABULARY[hot ? this.#word() : Math.floor(this.#rnd() * VOCABULARY.length)] ?? 'ka';
    return { text: this.#rnd() < 0.5 ? word() : `${word()} ${word()}` };
  }
}

function figures(samples: { ms: number; hits: number }[]): LatencyFigures {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    p50: at(0.5),
    p95: at(0.95),
    max: sorted.at(-1) ?? 0,
    meanHits: samples.reduce((sum, s) => sum + s.hits, 0) / Math.max(1, samples.length),
  };
}

async function timeQueries(store: Store, queries: { indicator?: string; text?: string }[]): Promise<LatencyFigures> {
  const samples: { ms: number; hits: number }[] = [];
  for (const query of queries) {
    const start = performance.now();
    const page = await store.searchSignals({ ...query, limit: 50 });
    samples.push({ ms: performance.now() - start, hits: page.results.length });
  }
  return figures(samples);
}

export interface BenchSignalSearchOptions {
  print?: (line: string) => void;
  /** Runs between loading and searching (PostgreSQL: ANALYZE, as autovacuum would soon after a bulk load). */
  afterLoad?: () => Promise<void>;
  /** The store already holds this benchmark's n signals: generate them without committing, skip the commit comparison. */
  loaded?: boolean;
}

export async function benchSignalSearch(store: Store, n: number, opts: BenchSignalSearchOptions = {}): Promise<SignalSearchFigures> {
  const print = opts.print ?? console.log;
  const factory = new SignalFactory();
  const pages = Math.max(1, Math.ceil(n / PAGE));
  const loadStart = performance.now();
  for (let page = 0; page < pages; page += 1) {
    const { integration, check, records } = factory.page(page, pages * PAGE, 'sig');
    if (opts.loaded !== true) await store.commit(integration, check, records, { page });
  }
  const loadMs = performance.now() - loadStart;
  const signals = pages * PAGE;
  await opts.afterLoad?.();

  // Warm-up, so the first measured query does not pay for opening pages of the indexes.
  await store.searchSignals({ indicator: 'warm-up', limit: 50 });
  await store.searchSignals({ text: 'warm', limit: 50 });
  const indicatorQueries = Array.from({ length: QUERIES }, (_, i) => factory.indicatorQuery(i % 2 === 0));
  const textQueries = Array.from({ length: QUERIES }, (_, i) => factory.textQuery(i % 2 === 0));
  const indicator = await timeQueries(store, indicatorQueries);
  const text = await timeQueries(store, textQueries);

  // The cost of signals in a commit: the same kind of pages with and without them, alternating, 20 each.
  let withMs = 0;
  let withoutMs = 0;
  for (let i = 0; i < (opts.loaded === true ? 0 : 20); i += 1) {
    const withSignals = factory.page(pages + 2 * i, pages * PAGE, 'cmp');
    const without = factory.page(pages + 2 * i + 1, pages * PAGE, 'cmp');
    let start = performance.now();
    await store.commit('bench-with', withSignals.check, withSignals.records, undefined);
    withMs += performance.now() - start;
    const plain = without.records.map(({ id, version, time, raw }) => ({ id, version, time, raw }));
    start = performance.now();
    await store.commit('bench-without', without.check, plain, undefined);
    withoutMs += performance.now() - start;
  }
  const result: SignalSearchFigures = {
    signals,
    loadMs,
    loadSecondsPerMillion: (loadMs / 1000) * (1_000_000 / signals),
    indicator,
    text,
    commitRatio: withMs / withoutMs,
  };
  const ms = (v: number): string => `${v.toFixed(1)} ms`;
  print(`signal search, ${signals.toLocaleString('en-US')} signals:`);
  if (opts.loaded === true) print('  load: skipped (the kept database holds them)');
  else print(`  load through commit: ${(loadMs / 1000).toFixed(1)} s (${result.loadSecondsPerMillion.toFixed(0)} s per million signals)`);
  print(`  indicator search (first page of 50, ${QUERIES} queries): p50 ${ms(indicator.p50)}  p95 ${ms(indicator.p95)}  max ${ms(indicator.max)}  (${indicator.meanHits.toFixed(1)} hits per page)`);
  print(`  free-text search (first page of 50, ${QUERIES} queries): p50 ${ms(text.p50)}  p95 ${ms(text.p95)}  max ${ms(text.max)}  (${text.meanHits.toFixed(1)} hits per page)`);
  if (opts.loaded !== true) print(`  commit with signals / without: ${result.commitRatio.toFixed(2)}x (${ms(withMs / 20)} vs ${ms(withoutMs / 20)} per page of ${PAGE})`);
  return result;
}

export type BenchStoreName = 'sqlite' | 'postgres';

/** The search benchmark on both stores, or the ones named (PostgreSQL skipped with a message when unreachable). */
export async function benchSignalSearchBothStores(
  n = Number(process.env.AZSEC_BENCH_SIGNALS ?? 5_000_000),
  stores: readonly BenchStoreName[] = ['sqlite', 'postgres'],
): Promise<void> {
  console.log(`\n== signals: search with ${n.toLocaleString('en-US')} stored signals, each store (targets: indicator p95 <= 50 ms, free text p95 <= 200 ms) ==`);
  if (stores.includes('sqlite')) {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { createSqliteStore } = await import('../src/store/sqlite/sqlite-store.ts');
    const dir = await mkdtemp(path.join(tmpdir(), 'azsec-bench-signals-'));
    const sqlite = await createSqliteStore({ signalDeriver, path: path.join(dir, 'azsec.db') });
    try {
      console.log('-- SQLite');
      await benchSignalSearch(sqlite, n);
    } finally {
      await sqlite.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (!stores.includes('postgres')) return;
  const { withBenchDatabase } = await import('./postgres-ingest.ts');
  const { createPostgresStore } = await import('../src/store/postgres/postgres-store.ts');
  const serverUrl = process.env.AZSEC_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const keep = process.env.AZSEC_BENCH_PG_KEEP;
  const run = async (url: string): Promise<void> => {
    const store = await createPostgresStore({ url, poolSize: 2 });
    try {
      const marker = await store.pool.query<{ value: string }>("SELECT value FROM settings WHERE name = 'bench.signals'");
      const loaded = marker.rows[0]?.value === String(n);
      console.log(`-- PostgreSQL${loaded ? ' (kept database, already loaded)' : ''}`);
      await benchSignalSearch(store, n, {
        loaded,
        afterLoad: async () => {
          await store.pool.query('ANALYZE');
          await store.pool.query("INSERT INTO settings (name, value) VALUES ('bench.signals', $1) ON CONFLICT (name) DO UPDATE SET value = $1", [String(n)]);
        },
      });
      // A kept database must hold the same signals on every run: drop the commit comparison's.
      if (keep && !loaded) {
        await store.pool.query("DELETE FROM signals WHERE integration IN ('bench-with', 'bench-without')");
        await store.pool.query("DELETE FROM records WHERE integration IN ('bench-with', 'bench-without')");
      }
    } finally {
      await store.close();
    }
  };
  try {
    if (keep === undefined || keep === '') {
      await withBenchDatabase(serverUrl, run);
    } else {
      // Checked to be a plain identifier, so it is safe to interpolate into DDL.
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(keep)) throw new Error(`AZSEC_BENCH_PG_KEEP must be a lower-case identifier, not ${keep}`);
      const { Client } = await import('pg');
      const admin = new Client({ connectionString: serverUrl });
      await admin.connect();
      try {
        const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [keep]);
        if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${keep}`);
      } finally {
        await admin.end();
      }
      const url = new URL(serverUrl);
      url.pathname = `/${keep}`;
      await run(url.toString());
    }
  } catch (error) {
    console.log(`PostgreSQL part skipped: ${(error as Error).message}`);
  }
}

if (import.meta.main) {
  const { quietSqliteExperimentalWarning } = await import('../src/core/quiet-warnings.ts');
  quietSqliteExperimentalWarning();
  // Optional arguments name the stores to run ("sqlite", "postgres"); none runs both.
  const named = process.argv.slice(2).filter((a): a is BenchStoreName => a === 'sqlite' || a === 'postgres');
  await benchSignalSearchBothStores(Number(process.env.AZSEC_BENCH_SIGNALS ?? 200_000), named.length > 0 ? named : undefined);
}
