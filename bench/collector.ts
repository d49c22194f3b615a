// Collector benchmark (issue 3): backfill throughput and peak RSS of the real collector on sign-ins served by the
// simulator (throttling off), next to this machine's ceiling measured in the same run (the same pages fetched,
// parsed and committed to the same kind of store with no collector logic), as a ratio; peak RSS at two volumes to
// show it does not grow with the volume; and the Graph requests of one steady-state cycle of an idle integration.
// What signals cost is measured on PostgreSQL too (a quarter of the volume, in throwaway databases on
// AZSEC_BENCH_PG_URL's server; skipped when that server is not reachable).
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { trustExtraCa } from '../src/core/extra-ca.ts';
import { startSimulator } from '../src/simulator/start-simulator.ts';
import type { Simulator } from '../src/simulator/types.ts';
import { signalDeriver } from '../src/signals/signal-of-record.ts';
import { withBenchDatabase } from './postgres-ingest.ts';

interface ChildResult {
  records: number;
  signals?: number;
  ms: number;
  maxRssMb: number;
  /** CPU time of the child process (all its threads: collector, signal stage, WAL checkpointer). */
  cpuMs: number;
  /** MB the child process wrote (store files, above all). */
  writeMb: number;
  /** MB of it that reached the disk. */
  diskMb: number;
}

function runChild(mode: 'collector' | 'collector-no-rules' | 'collector-records-only' | 'ceiling', sim: Simulator, tenant: string, storeUrl?: string): Promise<ChildResult> {
  const t = sim.tenants.find((x) => x.name === tenant);
  if (t === undefined) throw new Error(`no tenant ${tenant}`);
  const input = JSON.stringify({ mode, url: sim.url, tenantId: t.tenantId, clientId: t.clientId, clientSecret: t.clientSecret, storeUrl });
  return new Promise((resolve, reject) => {
    // Same V8 flags as bin/azsec.js, so the figures are the product's.
    const child = spawn(process.execPath, ['--max-semi-space-size=4', path.join(import.meta.dirname, 'collector-child.ts'), input], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: sim.caFile },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`${mode} child exited ${code}`))));
  });
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Records only, then with the signal stage (rules off), each in a throwaway PostgreSQL database. */
async function benchPostgresSignalCost(sim: Simulator, records: number): Promise<void> {
  const serverUrl = process.env.AZSEC_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  let recordsOnly: ChildResult;
  let noRules: ChildResult;
  try {
    recordsOnly = await withBenchDatabase(serverUrl, (url) => runChild('collector-records-only', sim, 'small', url));
    noRules = await withBenchDatabase(serverUrl, (url) => runChild('collector-no-rules', sim, 'small', url));
  } catch (error) {
    console.log(`PostgreSQL skipped: ${(error as Error).message.replace(/postgres(ql)?:\/\/\S+/g, '<url>')}`);
    return;
  }
  const rate = (r: ChildResult): number => r.records / (r.ms / 1000);
  console.log(`\n== collector: backfill of ${fmt(records)} sign-ins, PostgreSQL store (the server's own CPU is not in the process figures) ==`);
  for (const [name, r] of [['collector, records and checkpoints', recordsOnly], ['collector + signal stage, rules off', noRules]] as const) {
    console.log(`${name.padEnd(58)} ${fmt(rate(r)).padStart(7)} records/s, ${fmt((r.cpuMs * 1000) / r.records)} µs CPU per record in the azsec process, ${fmt(r.records)} records, peak RSS ${fmt(r.maxRssMb)} MB`);
  }
  if (noRules.signals !== noRules.records) console.log(`WARNING: ${fmt(noRules.signals ?? 0)} signals for ${fmt(noRules.records)} records`);
  console.log(`PostgreSQL normalization and indexing cost: +${((rate(recordsOnly) / rate(noRules) - 1) * 100).toFixed(0)} % of the collector's ingest time (target <= 30 %)`);
}

export async function benchCollector(opts: { records?: number } = {}): Promise<void> {
  const total = opts.records ?? Number(process.env.AZSEC_BENCH_RECORDS ?? 1_000_000);
  const small = Math.round(total / 4);
  const sim = await startSimulator({
    stateDir: path.join(tmpdir(), 'azsec-bench-ca'),
    throttling: false,
    liveRatePerMinute: 0,
    tenants: [
      { name: 'big', profile: 'full', volume: { 'auditLogs.signIns': total } },
      { name: 'small', profile: 'full', volume: { 'auditLogs.signIns': small } },
      { name: 'idle', profile: 'full' },
    ],
  });
  trustExtraCa(sim.caPem);
  try {
    console.log(`\n== collector: backfill of ${fmt(total)} sign-ins from the simulator (throttling off), SQLite store ==`);
    const ceiling = await runChild('ceiling', sim, 'big');
    const recordsOnly = await runChild('collector-records-only', sim, 'big');
    const recordsOnlySmall = await runChild('collector-records-only', sim, 'small');
    const withSignals = await runChild('collector', sim, 'big');
    const withSignalsSmall = await runChild('collector', sim, 'small');
    const noRules = await runChild('collector-no-rules', sim, 'big');
    const rate = (r: ChildResult): number => r.records / (r.ms / 1000);
    const cpuPerRecord = (r: ChildResult): number => (r.cpuMs * 1000) / r.records;
    const line = (name: string, r: ChildResult): void =>
      console.log(`${name.padEnd(58)} ${fmt(rate(r)).padStart(7)} records/s, ${fmt(cpuPerRecord(r))} µs CPU and ${((r.writeMb * 1000) / r.records).toFixed(1)} KB written (${((r.diskMb * 1000) / r.records).toFixed(1)} KB to disk) per record, ${fmt(r.records)} records, peak RSS ${fmt(r.maxRssMb)} MB (${fmt(recordsOnlySmall.records)} records: ${fmt((r === withSignals ? withSignalsSmall : recordsOnlySmall).maxRssMb)} MB)`);
    console.log(`${'ceiling (fetch + JSON.parse + commit, no collector logic)'.padEnd(58)} ${fmt(rate(ceiling)).padStart(7)} records/s, ${fmt(ceiling.records)} records, peak RSS ${fmt(ceiling.maxRssMb)} MB`);
    line('collector, records and checkpoints (issue 3)', recordsOnly);
    line('collector + signal stage, rules off (issue 5)', noRules);
    line('collector + signal stage with every built-in rule (issue 7)', withSignals);
    for (const r of [noRules, withSignals]) if (r.signals !== r.records) console.log(`WARNING: ${fmt(r.signals ?? 0)} signals for ${fmt(r.records)} records`);
    console.log('(with the signal stage, the time runs until every record has its signal and has been through the rules)');
    console.log(`collector / ceiling: ${(rate(recordsOnly) / rate(ceiling)).toFixed(2)} records only (target >= 0.50); ${(rate(withSignals) / rate(ceiling)).toFixed(2)} with signals and rules`);
    console.log(`normalization and indexing cost: +${((rate(recordsOnly) / rate(noRules) - 1) * 100).toFixed(0)} % of the collector's ingest time (target <= 30 %); +${((cpuPerRecord(noRules) / cpuPerRecord(recordsOnly) - 1) * 100).toFixed(0)} % CPU per record, +${((noRules.diskMb / recordsOnly.diskMb - 1) * 100).toFixed(0)} % bytes written to disk`);
    console.log(`detection rules: throughput with every built-in rule on = ${(rate(withSignals) / rate(noRules)).toFixed(2)} of rules off (target >= 0.80)`);
    console.log(`peak RSS: records only ${fmt(recordsOnly.maxRssMb)} MB, with signals and rules ${fmt(withSignals.maxRssMb)} MB (target <= 256 MB, flat with volume: compare the small run in brackets)`);
    await benchPostgresSignalCost(sim, small);

    // Steady state: an integration whose data does not change, after its first cycle.
    const { Collector } = await import('../src/scheduler/collector.ts');
    const { createSqliteStore } = await import('../src/store/sqlite/sqlite-store.ts');
    const { sealSecret } = await import('../src/config/secrets.ts');
    const { createLogger } = await import('../src/log/logger.ts');
    const { randomBytes } = await import('node:crypto');
    const { mkdtemp, rm } = await import('node:fs/promises');
    const dir = await mkdtemp(path.join(tmpdir(), 'azsec-bench-idle-'));
    const store = await createSqliteStore({ signalDeriver, path: path.join(dir, 'azsec.db') });
    const key = randomBytes(32);
    const t = sim.tenant('idle').info;
    const now = new Date().toISOString();
    await store.addIntegration(
      { name: 'idle', tenantId: t.tenantId, clientId: t.clientId, credentialKind: 'secret', certificatePem: null, cloud: 'custom', loginUrl: sim.url, graphUrl: sim.url, intervalMs: 300_000, initialLookbackMs: 86_400_000, lateWindowMs: 600_000, enabled: true, disabledChecks: [], createdAt: now, updatedAt: now },
      sealSecret(key, t.clientSecret, 'idle'),
    );
    const c = new Collector({ store, secretKey: key, logger: createLogger({ format: 'json', write: () => undefined }) });
    await c.pollOnce();
    sim.clearRequestLog();
    await c.pollOnce();
    const requests = sim.requestLog().filter((e) => e.tenantId === t.tenantId && e.endpoint !== 'token' && e.endpoint !== 'metadata').length;
    console.log(`steady-state cycle of an idle integration: ${requests} Graph requests (target <= 8)`);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  } finally {
    await sim.close();
  }
}
