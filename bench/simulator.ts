// Simulator benchmark (issue 2): how many sign-ins per second the simulator serves over HTTPS with throttling off,
// so that it is never the bottleneck when the collector is measured against it. One tenant holds 1,000,000
// sign-ins (AZSEC_BENCH_SIM_RECORDS to change); a fetch client pages through all of them with $top=1000, following
// @odata.nextLink and parsing every page, three times: in this process, where client and server share one thread,
// in Graph's default order (newest first) and with the collector's query shape (a createdDateTime window, oldest
// first); then the collector's query from a client in its own process, as the collector benchmark runs it, so the
// simulator has its thread to itself (the figure to compare with the collector's rate).
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { trustExtraCa } from '../src/core/extra-ca.ts';
import { startSimulator } from '../src/simulator/start-simulator.ts';
import type { Simulator } from '../src/simulator/types.ts';
import { pageThrough } from './simulator-client.ts';
import type { PagingResult } from './simulator-client.ts';

export interface SimulatorPassResult {
  name: string;
  records: number;
  pages: number;
  bytes: number;
  ms: number;
  recordsPerSecond: number;
  mbPerSecond: number;
}

export interface SimulatorBenchResult {
  records: number;
  /** Time to start the simulator and generate the tenant's index. */
  startMs: number;
  passes: SimulatorPassResult[];
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function token(sim: Simulator): Promise<string> {
  const t = sim.tenants[0];
  if (t === undefined) throw new Error('the bench simulator has no tenant');
  const res = await fetch(`${sim.url}/${t.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: t.clientId, client_secret: t.clientSecret, scope: 'https://graph.microsoft.com/.default' }),
  });
  if (res.status !== 200) throw new Error(`token request failed with ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

function result(name: string, r: PagingResult): SimulatorPassResult {
  return { name, ...r, recordsPerSecond: r.records / (r.ms / 1000), mbPerSecond: r.bytes / 1e6 / (r.ms / 1000) };
}

/** The same paging from a child process that trusts the simulator's CA through NODE_EXTRA_CA_CERTS. */
function pageThroughInChild(sim: Simulator, firstUrl: string, bearer: string): Promise<PagingResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(import.meta.dirname, 'simulator-client.ts'), JSON.stringify({ firstUrl, bearer })], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: sim.caFile },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as PagingResult) : reject(new Error(`simulator client exited ${String(code)}`))));
  });
}

export async function benchSimulator(opts: { records?: number } = {}): Promise<SimulatorBenchResult> {
  const total = opts.records ?? Number(process.env.AZSEC_BENCH_SIM_RECORDS ?? 1_000_000);
  console.log(`\n== simulator: serving ${fmt(total)} sign-ins over HTTPS (throttling off, live rate 0), $top=1000 ==`);
  const startedAt = performance.now();
  const sim = await startSimulator({
    // The directory the other benchmarks use: one CA per process, because fetch caches its TLS context.
    stateDir: path.join(tmpdir(), 'azsec-bench-ca'),
    throttling: false,
    liveRatePerMinute: 0,
    tenants: [{ name: 'bench', profile: 'full', volume: { 'auditLogs.signIns': total }, historyMs: 30 * 86_400_000 }],
  });
  const startMs = performance.now() - startedAt;
  trustExtraCa(sim.caPem);
  try {
    console.log(`simulator start with ${fmt(total)} sign-ins: ${fmt(startMs)} ms`);
    const bearer = await token(sim);
    const from = new Date(sim.now() - 31 * 86_400_000).toISOString();
    const to = new Date(sim.now()).toISOString();
    const newestFirst = `${sim.url}/v1.0/auditLogs/signIns?$top=1000`;
    const window = `${sim.url}/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(`createdDateTime ge ${from} and createdDateTime le ${to}`)}&$orderby=createdDateTime asc&$top=1000`;
    const runs: Array<[string, () => Promise<PagingResult>]> = [
      ['same process, default order (newest first)', () => pageThrough(newestFirst, bearer)],
      ['same process, collector query (window, asc)', () => pageThrough(window, bearer)],
      // The collector is measured with the simulator in another process; this is the comparable figure.
      ['client process, collector query (window, asc)', () => pageThroughInChild(sim, window, bearer)],
    ];
    const passes: SimulatorPassResult[] = [];
    for (const [name, run] of runs) {
      sim.clearRequestLog();
      const p = result(name, await run());
      if (p.records !== total) throw new Error(`${p.name}: paged ${p.records} records, expected ${total}`);
      // The simulator's own share: from a request's arrival to its body being ready (paging, rendering, JSON).
      const serverMs = sim.requestLog().reduce((sum, e) => sum + (e.endedAt - e.startedAt), 0);
      passes.push(p);
      console.log(
        `${p.name.padEnd(46)} ${fmt(p.recordsPerSecond)} records/s, ${p.mbPerSecond.toFixed(1)} MB/s ` +
          `(${fmt(p.records)} records, ${fmt(p.pages)} pages, ${(p.bytes / 1e6).toFixed(0)} MB, ${(p.bytes / p.records).toFixed(0)} bytes/record, ` +
          `${(p.ms / 1000).toFixed(1)} s, of which ${(serverMs / 1000).toFixed(1)} s building pages in the simulator)`,
      );
    }
    // Capacity: three client processes page disjoint thirds of the window at once, so the simulator is busy while
    // each client parses; records/s over the wall time is what the simulator serves when it is the bottleneck.
    sim.clearRequestLog();
    const t0 = Date.parse(from);
    const span = Date.parse(to) - t0;
    const thirds = [0, 1, 2].map((k) => {
      const a = new Date(t0 + Math.floor((span * k) / 3)).toISOString();
      const b = new Date(t0 + Math.floor((span * (k + 1)) / 3) - 1).toISOString();
      return `${sim.url}/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(`createdDateTime ge ${a} and createdDateTime le ${b}`)}&$orderby=createdDateTime asc&$top=1000`;
    });
    const wallStart = performance.now();
    const parts = await Promise.all(thirds.map((u) => pageThroughInChild(sim, u, bearer)));
    const wallMs = performance.now() - wallStart;
    const served = parts.reduce((n, r) => n + r.records, 0);
    const serverMs = sim.requestLog().reduce((sum, e) => sum + (e.endedAt - e.startedAt), 0);
    console.log(
      `${'3 client processes at once (capacity)'.padEnd(46)} ${fmt(served / (wallMs / 1000))} records/s over ${(wallMs / 1000).toFixed(1)} s ` +
        `(${fmt(served)} records); page building alone ${fmt(served / (serverMs / 1000))} records/s`,
    );
    passes.push({ name: '3 client processes at once', records: served, pages: parts.reduce((n, r) => n + r.pages, 0), bytes: parts.reduce((n, r) => n + r.bytes, 0), ms: wallMs, recordsPerSecond: served / (wallMs / 1000), mbPerSecond: parts.reduce((n, r) => n + r.bytes, 0) / 1e6 / (wallMs / 1000) });
    return { records: total, startMs, passes };
  } finally {
    await sim.close();
  }
}

// Run alone: node bench/simulator.ts
if (import.meta.main) await benchSimulator();
