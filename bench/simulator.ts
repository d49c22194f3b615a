// Simulator benchmark (issue 2): how many sign-ins per second the simulator serves over HTTPS with throttling off,
// so that it is never the bottleneck when the collector is measured against it. One tenant holds 1,000,000
// sign-ins (AZSEC_BENCH_SIM_RECORDS to change); a fetch client in the same process pages through all of them with
// $top=1000, following @odata.nextLink and parsing every page, once in Graph's default order (newest first) and
// once with the collector's query shape (a createdDateTime window, oldest first). Client and server share one
// thread here, so the figures are a floor for what the simulator serves to a client in another process.
import { tmpdir } from 'node:os';
import path from 'node:path';
import { trustExtraCa } from '../src/core/extra-ca.ts';
import { startSimulator } from '../src/simulator/start-simulator.ts';
import type { Simulator } from '../src/simulator/types.ts';

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

/** Follows nextLinks from `firstUrl` to the end, parsing each page; fails on any non-200 answer. */
async function pass(name: string, sim: Simulator, bearer: string, firstUrl: string): Promise<SimulatorPassResult> {
  let records = 0;
  let pages = 0;
  let bytes = 0;
  let next: string | undefined = firstUrl;
  const started = performance.now();
  while (next !== undefined) {
    const res: Response = await fetch(next, { headers: { authorization: `Bearer ${bearer}` } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`GET ${next} answered ${res.status}: ${text.slice(0, 200)}`);
    bytes += Buffer.byteLength(text);
    const page = JSON.parse(text) as { value: unknown[]; '@odata.nextLink'?: string };
    records += page.value.length;
    pages++;
    next = page['@odata.nextLink'];
  }
  const ms = performance.now() - started;
  return { name, records, pages, bytes, ms, recordsPerSecond: records / (ms / 1000), mbPerSecond: bytes / 1e6 / (ms / 1000) };
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
    const passes = [
      await pass('default order (newest first)', sim, bearer, `${sim.url}/v1.0/auditLogs/signIns?$top=1000`),
      await pass(
        'collector query (window, oldest first)',
        sim,
        bearer,
        `${sim.url}/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(`createdDateTime ge ${from} and createdDateTime le ${to}`)}&$orderby=createdDateTime asc&$top=1000`,
      ),
    ];
    for (const p of passes) {
      if (p.records !== total) throw new Error(`${p.name}: paged ${p.records} records, expected ${total}`);
      console.log(
        `${p.name.padEnd(40)} ${fmt(p.recordsPerSecond)} records/s, ${p.mbPerSecond.toFixed(1)} MB/s ` +
          `(${fmt(p.records)} records, ${fmt(p.pages)} pages, ${(p.bytes / 1e6).toFixed(0)} MB, ${(p.bytes / p.records).toFixed(0)} bytes/record, ${(p.ms / 1000).toFixed(1)} s)`,
      );
    }
    return { records: total, startMs, passes };
  } finally {
    await sim.close();
  }
}

// Run alone: node bench/simulator.ts
if (import.meta.main) await benchSimulator();
