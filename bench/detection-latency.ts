// Detection latency (issue 7): how long after its matching record is stored an alert exists, with the signal stage
// running in its worker thread as `azsec serve`/`run` run it, on each store. Each round stores one page of 1,000
// records: ordinary sign-ins plus, at the end, the tenth failed sign-in of a fresh user within ten minutes (what
// brute-force fires on). The clock starts when commit() returns and the stage is woken (as the collector does) and
// stops when the stage reports the batch with the alert stored (its transaction committed). Prints p50, p95 and max.
// Run alone: node bench/detection-latency.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSignalStageThread } from '../src/signals/stage/signal-stage-thread.ts';
import { signalDeriver } from '../src/signals/signal-of-record.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Integration, NewRecord, Store } from '../src/store/store.ts';
import { withBenchDatabase } from './postgres-ingest.ts';

const ROUNDS = 40;
const PAGE = 1_000;
const START = Date.parse('2026-11-20T08:00:00Z');

function signIn(n: number, user: string, minute: number, failed: boolean): NewRecord {
  const time = new Date(START + minute * 60_000 + (n % 60_000)).toISOString();
  const raw = {
    id: `bench-${n}`,
    createdDateTime: time,
    userPrincipalName: user,
    userId: `id-${user}`,
    appDisplayName: 'Office 365 Exchange Online',
    ipAddress: `198.51.100.${n % 250}`,
    clientAppUsed: 'Browser',
    status: failed ? { errorCode: 50126, failureReason: 'Invalid username or password.' } : { errorCode: 0 },
    location: { city: 'Lisbon', countryOrRegion: 'PT', geoCoordinates: { latitude: 38.7, longitude: -9.1 } },
  };
  return { id: raw.id, version: raw.id, time, raw: JSON.stringify(raw) };
}

function integration(): Integration {
  const now = new Date().toISOString();
  return {
    name: 'bench',
    tenantId: '00000000-0000-0000-0000-00000000b3c4',
    clientId: '00000000-0000-0000-0000-0000000000c1',
    credentialKind: 'secret',
    certificatePem: null,
    cloud: 'global',
    loginUrl: null,
    graphUrl: null,
    intervalMs: 300_000,
    initialLookbackMs: 86_400_000,
    lateWindowMs: 600_000,
    enabled: true,
    disabledChecks: [],
    createdAt: now,
    updatedAt: now,
  };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function measure(name: string, dataDir: string, storeUrl: string | undefined): Promise<void> {
  const store: Store = await openStore({ dataDir, storeUrl, signalDeriver });
  const thread = startSignalStageThread({ dataDir, storeUrl, logFormat: 'json', logWrite: () => undefined });
  try {
    await store.addIntegration(integration(), { ciphertext: 'bench' });
    let waiting: ((at: number) => void) | undefined;
    thread.onAlerts((_count, at) => waiting?.(at));
    await thread.whenIdle();
    const latencies: number[] = [];
    let n = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const user = `victim-${round}@contoso.example`;
      // Nine earlier failures of this user, already processed: the tenth, in the measured page, completes the window.
      await store.commit('bench', 'auditLogs.signIns', Array.from({ length: 9 }, (_, i) => signIn(n++, user, round * 20 + i, true)), { round, part: 1 });
      thread.wake();
      await thread.whenIdle();
      const page = Array.from({ length: PAGE - 1 }, () => signIn(n++, `user-${n % 400}@contoso.example`, round * 20 + 5, false));
      page.push(signIn(n++, user, round * 20 + 9, true));
      const stored = new Promise<number>((resolve) => (waiting = resolve));
      await store.commit('bench', 'auditLogs.signIns', page, { round, part: 2 });
      const committed = Date.now();
      thread.wake();
      const at = await stored;
      waiting = undefined;
      latencies.push(at - committed);
      await thread.whenIdle();
    }
    const alerts = (await store.listAlerts({ limit: 1000, ruleId: 'brute-force' })).alerts.length;
    latencies.sort((a, b) => a - b);
    console.log(
      `${name.padEnd(10)} alert stored after its record: p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms, max ${latencies.at(-1)} ms over ${ROUNDS} rounds (${alerts} brute-force alerts; target: within 1,000 ms)`,
    );
  } finally {
    await thread.stop();
    await store.close();
  }
}

export async function benchDetectionLatency(): Promise<void> {
  console.log(`\n== detections: time from a record being stored to its alert being stored (signal stage in its worker thread, pages of ${PAGE.toLocaleString('en-US')}) ==`);
  const dir = await mkdtemp(path.join(tmpdir(), 'azsec-bench-latency-'));
  try {
    await measure('SQLite', dir, undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const serverUrl = process.env.AZSEC_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  try {
    const pgDir = await mkdtemp(path.join(tmpdir(), 'azsec-bench-latency-pg-'));
    try {
      await withBenchDatabase(serverUrl, (url) => measure('PostgreSQL', pgDir, url));
    } finally {
      await rm(pgDir, { recursive: true, force: true });
    }
  } catch (error) {
    console.log(`PostgreSQL skipped: ${(error as Error).message.replace(/postgres(ql)?:\/\/\S+/g, '<url>')}`);
  }
}

if (import.meta.main) await benchDetectionLatency();
