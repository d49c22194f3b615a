// A whole-run harness: a simulator on loopback, a SQLite store in a temporary directory, one integration per simulated
// tenant, and a collector whose clock is the simulator's (sleeps shortened so retries and pacing cost no real time).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sealSecret } from '../../src/config/secrets.ts';
import type { CheckId } from '../../src/core/check-ids.ts';
import { systemClock } from '../../src/core/clock.ts';
import type { Clock } from '../../src/core/clock.ts';
import { trustExtraCa } from '../../src/core/extra-ca.ts';
import { createLogger } from '../../src/log/logger.ts';
import { Collector } from '../../src/scheduler/collector.ts';
import type { CollectorOptions } from '../../src/scheduler/collector.ts';
import { startSimulator } from '../../src/simulator/start-simulator.ts';
import type { SimTenantSpec, Simulator, SimulatorOptions } from '../../src/simulator/types.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Integration, Store, StoredRecord } from '../../src/store/store.ts';
import { SignalStage } from '../../src/signals/stage/signal-stage.ts';
import { simulatorStateDir } from './simulator-state-dir.ts';
import { signalDeriver } from '../../src/signals/signal-of-record.ts';

export interface Harness {
  sim: Simulator;
  store: Store;
  dir: string;
  secretKey: Buffer;
  logs: string[];
  clock: Clock;
  collector: Collector;
  /** Adds an integration for a simulated tenant (name = tenant name unless given). */
  addIntegration(tenant: string, overrides?: Partial<Integration> & { secret?: string }): Promise<Integration>;
  records(integration: string, check?: CheckId): Promise<StoredRecord[]>;
  /** Runs the signal stage (signals and detections) over everything stored so far, in this thread. */
  drainSignals(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  tenants: SimTenantSpec[];
  sim?: Partial<SimulatorOptions>;
  collector?: Partial<CollectorOptions>;
  /** Add an integration per tenant at start (default true). */
  integrations?: boolean;
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'azsec-harness-'));
  const sim = await startSimulator({
    stateDir: simulatorStateDir(),
    throttling: false,
    liveRatePerMinute: 0,
    seed: 11,
    tenants: opts.tenants,
    ...opts.sim,
  });
  trustExtraCa(sim.caPem);
  const store = await createSqliteStore({ signalDeriver, path: path.join(dir, 'azsec.db') });
  const secretKey = randomBytes(32);
  const logs: string[] = [];
  const logger = createLogger({ format: 'json', write: (line) => logs.push(line) });
  const clock: Clock = { now: () => sim.now(), sleep: (ms, signal) => systemClock.sleep(Math.min(ms, 5), signal) };
  const collector = new Collector({ store, secretKey, logger, clock, random: () => 0.5, graph: { random: () => 0.5 }, ...opts.collector });

  const addIntegration: Harness['addIntegration'] = async (tenant, overrides = {}) => {
    const info = sim.tenants.find((t) => t.name === tenant);
    if (info === undefined) throw new Error(`no tenant ${tenant}`);
    const { secret, ...rest } = overrides;
    const integration: Integration = {
      name: tenant,
      tenantId: info.tenantId,
      clientId: info.clientId,
      credentialKind: 'secret',
      certificatePem: null,
      cloud: 'custom',
      loginUrl: sim.url,
      graphUrl: sim.url,
      intervalMs: 300_000,
      initialLookbackMs: 30 * 86_400_000,
      lateWindowMs: 600_000,
      enabled: true,
      disabledChecks: [],
      createdAt: new Date(sim.now()).toISOString(),
      updatedAt: new Date(sim.now()).toISOString(),
      ...rest,
    };
    await store.addIntegration(integration, sealSecret(secretKey, secret ?? info.clientSecret, integration.name));
    return integration;
  };
  if (opts.integrations !== false) for (const t of opts.tenants) await addIntegration(t.name);

  return {
    sim,
    store,
    dir,
    secretKey,
    logs,
    clock,
    collector,
    addIntegration,
    async records(integration, check) {
      const out: StoredRecord[] = [];
      for await (const r of store.exportRecords({ integration, ...(check ? { check } : {}) })) out.push(r);
      return out;
    },
    async drainSignals() {
      if (!(await new SignalStage({ store, logger, clock }).drain())) throw new Error('the signal stage lease is held elsewhere');
    },
    async close() {
      await store.close();
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** "id|version" keys of stored records. */
export function keys(records: readonly StoredRecord[]): string[] {
  return records.map((r) => `${r.id}|${r.version}`);
}

export function ids(records: ReadonlyArray<{ id?: unknown }>): string[] {
  return [...new Set(records.map((r) => String(r.id)))].sort();
}
