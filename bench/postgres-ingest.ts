// Ingest benchmark: the same batches of records committed through any Store (PostgreSQL, SQLite), as the pipeline
// would commit Graph pages. Prints records/s per store and the ratio to the first store measured (the baseline),
// once for new records and once for a re-delivery of the same records (all skipped as already stored).
// Never part of the test pass/fail. Run alone against PostgreSQL (in a throwaway database on that server):
//   AZSEC_BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/test node bench/postgres-ingest.ts
import { randomUUID } from 'node:crypto';
import type { CheckId } from '../src/core/check-ids.ts';
import type { NewRecord, Store } from '../src/store/store.ts';

export interface IngestResult {
  name: string;
  records: number;
  inserted: number;
  ms: number;
  perSecond: number;
}

export interface BenchIngestOptions {
  name?: string;
  integration?: string;
  check?: CheckId;
}

/** Commits each batch (one commit per batch, with a moving checkpoint) and measures the wall time. */
export async function benchIngest(store: Store, batches: readonly NewRecord[][], opts: BenchIngestOptions = {}): Promise<IngestResult> {
  const integration = opts.integration ?? `bench-${randomUUID()}`;
  const check = opts.check ?? 'auditLogs.signIns';
  let inserted = 0;
  let records = 0;
  const start = performance.now();
  for (const [index, batch] of batches.entries()) {
    const result = await store.commit(integration, check, batch, { page: index });
    inserted += result.inserted;
    records += batch.length;
  }
  const ms = performance.now() - start;
  return { name: opts.name ?? 'store', records, inserted, ms, perSecond: records / (ms / 1000) };
}

/** Sign-in-shaped records of about 1.5 KB, with Graph's key order and 7-digit fractions, in pages of `pageSize`. */
export function makeBenchBatches(total: number, pageSize = 1_000, seed = 'bench'): NewRecord[][] {
  const base = Date.parse('2026-01-01T00:00:00Z');
  const records: NewRecord[] = [];
  for (let i = 0; i < total; i += 1) {
    const id = `${seed}-${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const time = `${new Date(base + i * 997).toISOString().slice(0, 19)}.${String(i % 10_000_000).padStart(7, '0')}Z`;
    const raw = JSON.stringify({
      id,
      createdDateTime: time,
      userDisplayName: `User ${i % 500}`,
      userPrincipalName: `user${i % 500}@contoso.example`,
      userId: `00000000-0000-4000-8000-${String(i % 500).padStart(12, '0')}`,
      appId: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064',
      appDisplayName: 'Graph Explorer',
      ipAddress: `203.0.113.${i % 250}`,
      clientAppUsed: 'Browser',
      correlationId: `${seed}-corr-${i}`,
      conditionalAccessStatus: 'notApplied',
      isInteractive: true,
      riskDetail: 'none',
      riskLevelAggregated: 'none',
      riskLevelDuringSignIn: 'none',
      riskState: 'none',
      riskEventTypes_v2: [],
      resourceDisplayName: 'Microsoft Graph',
      resourceId: '00000003-0000-0000-c000-000000000000',
      status: { errorCode: 0, failureReason: 'Other.', additionalDetails: 'MFA requirement satisfied by claim in the token' },
      deviceDetail: { deviceId: '', displayName: '', operatingSystem: 'Windows 10', browser: 'Edge 120.0.0', isCompliant: false, isManaged: false, trustType: '' },
      location: { city: 'Redmond', state: 'Washington', countryOrRegion: 'US', geoCoordinates: { altitude: null, latitude: 47.68, longitude: -122.12 } },
      appliedConditionalAccessPolicies: [],
    });
    records.push({ id, version: id, time, raw });
  }
  const batches: NewRecord[][] = [];
  for (let i = 0; i < records.length; i += pageSize) batches.push(records.slice(i, i + pageSize));
  return batches;
}

function format(result: IngestResult, baseline: IngestResult | undefined): string {
  const ratio = baseline === undefined || result === baseline ? '' : `  (${(result.perSecond / baseline.perSecond).toFixed(2)}x ${baseline.name})`;
  return `${result.name.padEnd(12)} ${String(Math.round(result.perSecond)).padStart(9)} records/s  ${result.records} records, ${result.inserted} new, ${result.ms.toFixed(0)} ms${ratio}`;
}

/**
 * Ingests the same batches into each store (the first is the baseline), then re-delivers them (all duplicates),
 * printing records/s and ratios. Each store gets its own fresh integration name; the caller owns the stores.
 */
export async function compareIngest(
  stores: readonly { name: string; store: Store }[],
  batches: readonly NewRecord[][],
  print: (line: string) => void = console.log,
): Promise<{ fresh: IngestResult[]; duplicates: IngestResult[] }> {
  const fresh: IngestResult[] = [];
  const duplicates: IngestResult[] = [];
  for (const { name, store } of stores) {
    const integration = `bench-${randomUUID()}`;
    fresh.push(await benchIngest(store, batches, { name, integration }));
    duplicates.push(await benchIngest(store, batches, { name, integration }));
    await store.removeIntegration(integration, { purgeRecords: true });
  }
  print('ingest, new records:');
  for (const r of fresh) print(`  ${format(r, fresh[0])}`);
  print('ingest, re-delivered records (all already stored):');
  for (const r of duplicates) print(`  ${format(r, duplicates[0])}`);
  return { fresh, duplicates };
}

/**
 * Runs `work` against a throwaway database created next to the one `serverUrl` names, and drops it afterwards, so
 * a benchmark never leaves tables in a real database.
 */
export async function withBenchDatabase<T>(serverUrl: string, work: (url: string) => Promise<T>): Promise<T> {
  const { Client } = await import('pg');
  const name = `azsec_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  // The name is built here from hex digits only, so it is safe to interpolate into DDL.
  await admin(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return await work(url.toString());
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

if (import.meta.main) {
  const { createPostgresStore } = await import('../src/store/postgres/postgres-store.ts');
  const serverUrl = process.env.AZSEC_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const total = Number(process.env.AZSEC_BENCH_RECORDS ?? 50_000);
  await withBenchDatabase(serverUrl, async (url) => {
    const store = await createPostgresStore({ url, poolSize: 2 });
    try {
      await compareIngest([{ name: 'postgresql', store }], makeBenchBatches(total));
    } finally {
      await store.close();
    }
  });
}
