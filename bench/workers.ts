// Scale-out benchmark (issue 4): 1, 2 and 3 `azsec run` worker processes sharing one PostgreSQL database collect
// 300 simulated tenants with Graph's throttling limits on. For each worker count, in a fresh database and a fresh
// simulator: cycles completed, cycles started on time, Graph requests and 429s per cycle, and whether a tenant was
// ever polled by two workers at once (from the simulator's request log). Then the lease overhead (claim + renew +
// release, measured in this process on the PostgreSQL lease store) against the average cycle, and the ingest
// throughput of PostgreSQL against SQLite on the same records. Figures only, never assertions.
// Scale down with AZSEC_BENCH_WORKER_SECONDS (per run, default 75), AZSEC_BENCH_WORKER_TENANTS (default 300) and
// AZSEC_BENCH_INGEST_RECORDS (default 200,000); AZSEC_BENCH_PG_URL names the server (a throwaway database is made).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sealSecret } from '../src/config/secrets.ts';
import { startSimulator } from '../src/simulator/start-simulator.ts';
import type { Simulator } from '../src/simulator/types.ts';
import { createPostgresLeases } from '../src/store/postgres/postgres-leases.ts';
import { createPostgresStore } from '../src/store/postgres/postgres-store.ts';
import type { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import type { Integration, Store } from '../src/store/store.ts';
import { compareIngest, makeBenchBatches, withBenchDatabase } from './postgres-ingest.ts';
import { concurrentWorkerOverlaps, cyclesOf, requestsByTenant } from './worker-cycles.ts';
import type { Cycle } from './worker-cycles.ts';
import { signalDeriver } from '../src/signals/signal-of-record.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const MAIN = path.join(ROOT, 'src', 'main.ts');
const INTERVAL_MS = 30_000;
const LEASE_MS = 10_000;
const LIVE_RATE_PER_MINUTE = 60;
/** Scheduling slack on top of interval + 10 % jitter: the check's own duration and the 1 s claim round. */
const ON_TIME_SLACK_MS = 5_000;
/** The LeaseWorker's default concurrency: how many integrations one claim round asks for at most. */
const CLAIM_BATCH = 16;

export interface BenchWorkersOptions {
  seconds?: number;
  tenants?: number;
  workerCounts?: number[];
  ingestRecords?: number;
  serverUrl?: string;
}

interface RunResult {
  workers: number;
  cycles: Cycle[];
  inFlight: number;
  overdue: number;
  onTime: number;
  withPredecessor: number;
  /** Start-to-start times of consecutive cycles of a tenant, ms. */
  gaps: number[];
  firstCyclesWithinMs: number | undefined;
  tenantsStarted: number;
  overlaps: number;
  perWorker: Map<string, number>;
  stopMs: number;
  claims: number;
  exitCodes: Array<number | null>;
  errorLines: number;
  tails: string[];
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const per = (n: number, d: number): string => (d === 0 ? '-' : (n / d).toFixed(2));
const secs = (ms: number): string => (ms / 1000).toFixed(1);
const avg = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const quantile = (xs: number[], q: number): number | undefined => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function reachable(serverUrl: string): Promise<string | undefined> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: serverUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function integrationFor(sim: Simulator, name: string): Integration {
  const t = sim.tenant(name).info;
  const now = new Date().toISOString();
  return {
    name,
    tenantId: t.tenantId,
    clientId: t.clientId,
    credentialKind: 'secret',
    certificatePem: null,
    cloud: 'custom',
    loginUrl: sim.url,
    graphUrl: sim.url,
    // Below the CLI's 1-minute minimum on purpose: several cycles per tenant fit in a short run.
    intervalMs: INTERVAL_MS,
    initialLookbackMs: 30 * 86_400_000,
    lateWindowMs: 600_000,
    enabled: true,
    disabledChecks: [],
    createdAt: now,
    updatedAt: now,
  };
}

async function addIntegrations(store: Store, sim: Simulator, key: Buffer): Promise<void> {
  for (const t of sim.tenants) await store.addIntegration(integrationFor(sim, t.name), sealSecret(key, t.clientSecret, t.name));
}

interface Worker {
  id: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  errorLines: number;
  tail: string;
}

function spawnWorker(id: string, url: string, sim: Simulator, key: Buffer, dataDir: string): Worker {
  const child = spawn(NODE, ['--max-semi-space-size=4', MAIN, '--store', url, '--log-format', 'json', 'run', '--lease-period', `${LEASE_MS / 1000}s`], {
    env: { ...process.env, AZSEC_SECRET_KEY: key.toString('base64'), AZSEC_WORKER_ID: id, NODE_EXTRA_CA_CERTS: sim.caFile, AZSEC_DATA_DIR: path.join(dataDir, id) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const worker: Worker = { id, child, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))), errorLines: 0, tail: '' };
  const take = (d: Buffer): void => {
    const text = d.toString();
    // pino levels: 50 error, 60 fatal. Only counted and the tail kept: a run logs thousands of lines.
    worker.errorLines += (text.match(/"level":(50|60)/g) ?? []).length;
    worker.tail = (worker.tail + text).slice(-2_000);
  };
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  return worker;
}

/** Integrations leased right now, with the claim time (database clock, epoch ms). */
async function heldLeases(store: PostgresStore): Promise<Map<string, number>> {
  const result = await store.pool.query<{ integration: string; claimed_ms: string }>(
    `SELECT integration, claimed_ms FROM leases
     WHERE worker_id IS NOT NULL AND expires_ms > floor(extract(epoch FROM clock_timestamp()) * 1000)`,
  );
  return new Map(result.rows.map((r) => [r.integration, Number(r.claimed_ms)]));
}

async function runWorkers(count: number, tenants: number, seconds: number, serverUrl: string): Promise<RunResult> {
  const sim = await startSimulator({
    stateDir: path.join(tmpdir(), 'azsec-bench-ca'),
    throttling: true,
    liveRatePerMinute: LIVE_RATE_PER_MINUTE,
    seed: 4,
    tenants: Array.from({ length: tenants }, (_, i) => ({ name: `tenant-${String(i).padStart(3, '0')}`, profile: 'full', volume: { 'auditLogs.signIns': 200 } })),
  });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'azsec-bench-workers-'));
  try {
    return await withBenchDatabase(serverUrl, async (url) => {
      const store = await createPostgresStore({ url, poolSize: 2 });
      const workers: Worker[] = [];
      try {
        const key = randomBytes(32);
        await addIntegrations(store, sim, key);
        const nameOf = new Map(sim.tenants.map((t) => [t.name, t.tenantId]));
        sim.clearRequestLog();
        const startedAt = Date.now();
        for (let i = 1; i <= count; i += 1) workers.push(spawnWorker(`w${i}`, url, sim, key, dataDir));
        await sleep(seconds * 1000);

        // What is in flight right before the stop: a lease is held for exactly the length of a cycle.
        const held = await heldLeases(store);
        const stopAt = Date.now();
        for (const w of workers) w.child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const exitCodes = await Promise.race([
          Promise.all(workers.map((w) => w.exited)),
          new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 30_000))),
        ]);
        clearTimeout(timer);
        const stopMs = Date.now() - stopAt;
        if (exitCodes === undefined) for (const w of workers) w.child.kill('SIGKILL');
        // Every claim of any integration draws one fencing token from this sequence.
        const tokens = await store.pool.query<{ last_value: string; is_called: boolean }>('SELECT last_value, is_called FROM lease_tokens');
        const claims = tokens.rows[0]?.is_called === true ? Number(tokens.rows[0].last_value) : 0;

        const log = sim.requestLog();
        const byTenant = requestsByTenant(log);
        const heldByTenant = new Map([...held].map(([name, claimedMs]) => [nameOf.get(name) ?? name, claimedMs]));
        const limitMs = INTERVAL_MS * 1.1 + ON_TIME_SLACK_MS;
        const result: RunResult = {
          workers: count, cycles: [], inFlight: 0, overdue: 0, onTime: 0, withPredecessor: 0, gaps: [], firstCyclesWithinMs: undefined,
          tenantsStarted: byTenant.size, overlaps: 0, perWorker: new Map(), stopMs, claims, exitCodes: exitCodes ?? workers.map(() => null),
          errorLines: workers.reduce((n, w) => n + w.errorLines, 0), tails: workers.filter((w) => w.errorLines > 0).map((w) => `${w.id}: ${w.tail}`),
        };
        for (const t of sim.tenants) {
          const requests = byTenant.get(t.tenantId) ?? [];
          result.overlaps += concurrentWorkerOverlaps(requests);
          const cycles = cyclesOf(t.tenantId, requests, INTERVAL_MS / 2);
          const last = cycles.at(-1);
          const claimedMs = heldByTenant.get(t.tenantId);
          // The last cycle was still running at the stop if its tenant was leased and it sent requests under that
          // lease, or if it sent a request after the snapshot.
          const lastInFlight = last !== undefined && ((claimedMs !== undefined && last.lastRequestStart >= claimedMs) || last.lastRequestStart >= stopAt);
          if (lastInFlight) result.inFlight += 1;
          else if (claimedMs === undefined && (last === undefined || stopAt - last.start > limitMs)) result.overdue += 1;
          for (const [i, c] of cycles.entries()) {
            const prev = cycles[i - 1];
            if (prev !== undefined) {
              result.withPredecessor += 1;
              result.gaps.push(c.start - prev.start);
              if (c.start - prev.start <= limitMs) result.onTime += 1;
            }
            if (c === last && lastInFlight) continue;
            result.cycles.push(c);
            result.perWorker.set(c.worker, (result.perWorker.get(c.worker) ?? 0) + 1);
          }
          const first = cycles[0];
          if (first !== undefined) result.firstCyclesWithinMs = Math.max(result.firstCyclesWithinMs ?? 0, first.start - startedAt);
        }
        return result;
      } finally {
        for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
        await store.close();
      }
    });
  } finally {
    await sim.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function printRun(r: RunResult, tenants: number): void {
  const first = r.cycles.filter((c) => c.first);
  const later = r.cycles.filter((c) => !c.first);
  const sum = (cs: Cycle[], f: (c: Cycle) => number): number => cs.reduce((n, c) => n + f(c), 0);
  const label = `${r.workers} worker${r.workers === 1 ? ' ' : 's'}:`;
  const pad = ' '.repeat(label.length);
  const onTimeDen = r.withPredecessor + r.overdue;
  const gap = (q: number): string => {
    const v = quantile(r.gaps, q);
    return v === undefined ? '-' : secs(v);
  };
  console.log(
    `${label} cycles completed ${fmt(r.cycles.length)} (${fmt(first.length)} first, ${fmt(later.length)} later), ${r.inFlight} in flight at the stop; ` +
      `later cycles on time ${r.onTime}/${onTimeDen} (${onTimeDen === 0 ? '-' : ((100 * r.onTime) / onTimeDen).toFixed(0)} %, counting ${r.overdue} tenants overdue at the stop), ` +
      `start to start median ${gap(0.5)} s, p95 ${gap(0.95)} s; ` +
      `${r.tenantsStarted}/${tenants} tenants collected, the last first cycle started ${r.firstCyclesWithinMs === undefined ? '-' : secs(r.firstCyclesWithinMs)} s after the workers were started`,
  );
  console.log(
    `${pad} Graph requests per cycle ${per(sum(first, (c) => c.requests), first.length)} first, ${per(sum(later, (c) => c.requests), later.length)} later; ` +
      `429s per cycle ${per(sum(first, (c) => c.throttled), first.length)} first, ${per(sum(later, (c) => c.throttled), later.length)} later; ` +
      `average cycle ${secs(avg(first.map((c) => c.end - c.start)))} s first, ${secs(avg(later.map((c) => c.end - c.start)))} s later`,
  );
  const spread = [...r.perWorker.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([w, n]) => `${w} ${n}`).join(', ');
  console.log(
    `${pad} requests to one tenant by two workers at once: ${r.overlaps} (target 0); cycles per worker: ${spread}; ` +
      `lease claims ${fmt(r.claims)} (${per(r.claims, r.cycles.length + r.inFlight)} per cycle); ` +
      `stopped (SIGTERM) in ${secs(r.stopMs)} s, exit codes ${r.exitCodes.map(String).join(',')}; error lines logged ${r.errorLines}`,
  );
  for (const tail of r.tails) console.log(`${pad} last output of ${tail.replaceAll('\n', `\n${pad}   `)}`);
}

/** Claim (in rounds of CLAIM_BATCH, like a worker), renew once and release every integration, `rounds` times. */
async function measureLeases(serverUrl: string, tenants: number, rounds = 3): Promise<{ claim: number; renew: number; release: number; idleClaim: number }> {
  return withBenchDatabase(serverUrl, async (url) => {
    const store = await createPostgresStore({ url, poolSize: 2 });
    const leases = await createPostgresLeases({ pool: store.pool });
    try {
      const now = new Date().toISOString();
      const key = randomBytes(32);
      for (let i = 0; i < tenants; i += 1) {
        const name = `lease-${String(i).padStart(3, '0')}`;
        await store.addIntegration(
          { name, tenantId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, clientId: '11111111-1111-4111-8111-111111111111', credentialKind: 'secret', certificatePem: null, cloud: 'global', loginUrl: null, graphUrl: null, intervalMs: INTERVAL_MS, initialLookbackMs: 86_400_000, lateWindowMs: 600_000, enabled: true, disabledChecks: [], createdAt: now, updatedAt: now },
          sealSecret(key, 'not-a-real-secret', name),
        );
      }
      let claimMs = 0;
      let renewMs = 0;
      let releaseMs = 0;
      let idleMs = 0;
      let cycles = 0;
      for (let round = 0; round < rounds; round += 1) {
        const all = [];
        let t = performance.now();
        for (;;) {
          const got = await leases.claim('bench', CLAIM_BATCH, LEASE_MS);
          if (got.length === 0) break;
          all.push(...got);
        }
        claimMs += performance.now() - t;
        // The last, empty claim round is what a worker pays every second when nothing is due.
        t = performance.now();
        await leases.claim('bench', CLAIM_BATCH, LEASE_MS);
        idleMs += performance.now() - t;
        t = performance.now();
        for (const lease of all) await leases.renew(lease, LEASE_MS);
        renewMs += performance.now() - t;
        t = performance.now();
        for (const lease of all) await leases.release(lease);
        releaseMs += performance.now() - t;
        cycles += all.length;
      }
      return { claim: claimMs / cycles, renew: renewMs / cycles, release: releaseMs / cycles, idleClaim: idleMs / rounds };
    } finally {
      await leases.close();
      await store.close();
    }
  });
}

async function benchIngestStores(serverUrl: string, total: number): Promise<void> {
  const { createSqliteStore } = await import('../src/store/sqlite/sqlite-store.ts');
  const batches = makeBenchBatches(total);
  console.log(`\n== ingest: the same ${fmt(total)} sign-in-shaped records (about 1.5 KB each) in pages of 1,000, SQLite (baseline) vs PostgreSQL ==`);
  const dir = await mkdtemp(path.join(tmpdir(), 'azsec-bench-ingest-'));
  try {
    await withBenchDatabase(serverUrl, async (url) => {
      const sqlite = await createSqliteStore({ signalDeriver, path: path.join(dir, 'azsec.db') });
      const postgres = await createPostgresStore({ url, poolSize: 2 });
      try {
        await compareIngest([{ name: 'sqlite', store: sqlite }, { name: 'postgresql', store: postgres }], batches);
      } finally {
        await postgres.close();
        await sqlite.close();
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function benchWorkers(opts: BenchWorkersOptions = {}): Promise<void> {
  const seconds = opts.seconds ?? Number(process.env.AZSEC_BENCH_WORKER_SECONDS ?? 75);
  const tenants = opts.tenants ?? Number(process.env.AZSEC_BENCH_WORKER_TENANTS ?? 300);
  const counts = opts.workerCounts ?? [1, 2, 3];
  const ingestRecords = opts.ingestRecords ?? Number(process.env.AZSEC_BENCH_INGEST_RECORDS ?? 200_000);
  const serverUrl = opts.serverUrl ?? process.env.AZSEC_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const redacted = new URL(serverUrl);
  if (redacted.password !== '') redacted.password = '***';

  console.log(`\n== workers: 1, 2 and 3 \`azsec run\` processes on one PostgreSQL, ${tenants} simulated tenants (throttling on) ==`);
  const unreachable = await reachable(serverUrl);
  if (unreachable !== undefined) {
    console.log(`skipped (workers, lease overhead, PostgreSQL vs SQLite ingest): PostgreSQL not reachable at ${redacted.toString()} (${unreachable}); set AZSEC_BENCH_PG_URL`);
    return;
  }
  console.log(
    `each tenant: 200 sign-ins to backfill plus the simulator's small defaults, ${LIVE_RATE_PER_MINUTE} new records/min; integrations inserted directly through the store ` +
      `with a ${INTERVAL_MS / 1000} s interval (below the CLI's 1-minute minimum, so that several cycles fit); lease period ${LEASE_MS / 1000} s; ` +
      `${seconds} s per worker count, then SIGTERM; a fresh database and simulator each time`,
  );
  console.log(
    `cycles from the simulator's request log: a tenant's Graph requests until a gap over ${INTERVAL_MS / 2000} s; on time = started within ` +
      `interval + 10 % jitter + ${ON_TIME_SLACK_MS / 1000} s (${secs(INTERVAL_MS * 1.1 + ON_TIME_SLACK_MS)} s) of the previous cycle's start; the first cycle is the backfill`,
  );
  const runs: RunResult[] = [];
  for (const count of counts) {
    const r = await runWorkers(count, tenants, seconds, serverUrl);
    printRun(r, tenants);
    runs.push(r);
  }

  const last = runs.at(-1);
  const cycleMs = avg((last?.cycles ?? []).map((c) => c.end - c.start));
  // A cycle may take more than one claim: each check is rescheduled from its own end, so checks drift apart.
  const claimsPerCycle = last === undefined || last.cycles.length + last.inFlight === 0 ? 1 : last.claims / (last.cycles.length + last.inFlight);
  const lease = await measureLeases(serverUrl, tenants);
  const perClaim = lease.claim + lease.renew + lease.release;
  const perCycle = perClaim * claimsPerCycle;
  console.log(
    `lease overhead (measured in this process on ${tenants} integrations, claims of ${CLAIM_BATCH} like a worker): claim ${lease.claim.toFixed(2)} + renew ${lease.renew.toFixed(2)} + release ${lease.release.toFixed(2)} ` +
      `= ${perClaim.toFixed(2)} ms per claim; x ${claimsPerCycle.toFixed(2)} claims per cycle = ${perCycle.toFixed(2)} ms per integration-cycle, ` +
      `${cycleMs === 0 ? '-' : ((100 * perCycle) / cycleMs).toFixed(2)} % of the average cycle (${secs(cycleMs)} s; both from the ${last?.workers ?? '-'}-worker run); ` +
      `plus an idle claim round (nothing due) of ${lease.idleClaim.toFixed(2)} ms once a second per worker`,
  );

  await benchIngestStores(serverUrl, ingestRecords);
}

if (import.meta.main) {
  const { quietSqliteExperimentalWarning } = await import('../src/core/quiet-warnings.ts');
  quietSqliteExperimentalWarning();
  await benchWorkers();
}
