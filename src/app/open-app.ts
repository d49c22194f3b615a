// Wires the pieces a command needs from the global options: the store (SQLite in the data dir, or PostgreSQL), the
// secret-encryption key, the logger and the collector. Commands call this; it never listens or parses arguments.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { AzsecError } from '../core/errors.ts';
import { trustExtraCa } from '../core/extra-ca.ts';
import { loadSecretKey } from '../config/secrets.ts';
import { systemClock } from '../core/clock.ts';
import type { Clock } from '../core/clock.ts';
import { createLogger } from '../log/logger.ts';
import type { Logger } from '../log/logger.ts';
import { Collector } from '../scheduler/collector.ts';
import type { CollectorOptions } from '../scheduler/collector.ts';
import { LeaseWorker } from '../scheduler/lease-worker.ts';
import { openStore } from '../store/open-store.ts';
import { createPostgresLeases } from '../store/postgres/postgres-leases.ts';
import type { PostgresStore } from '../store/postgres/postgres-store.ts';
import type { Store } from '../store/store.ts';

export interface AppOptions {
  dataDir: string;
  storeUrl?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  logFormat: 'human' | 'json';
  logWrite?: (line: string) => void;
  clock?: Clock;
  collector?: Partial<Omit<CollectorOptions, 'store' | 'secretKey' | 'logger'>>;
}

export interface App {
  store: Store;
  secretKey: Buffer;
  logger: Logger;
  clock: Clock;
  collector(): Collector;
  /**
   * Runs collection until `signal` aborts: a single collector on the embedded store, or a lease-holding worker on
   * PostgreSQL so that any number of processes share the integrations.
   */
  runCollection(signal: AbortSignal, opts?: { leaseMs?: number }): Promise<void>;
  close(): Promise<void>;
}

export async function openApp(opts: AppOptions): Promise<App> {
  const clock = opts.clock ?? systemClock;
  const caFile = opts.env.AZSEC_CA_FILE;
  if (caFile !== undefined && caFile !== '') {
    // An extra CA to trust (a TLS-inspecting proxy), read at start like NODE_EXTRA_CA_CERTS but settable any time.
    try {
      trustExtraCa(await readFile(caFile, 'utf8'));
    } catch (error) {
      throw new AzsecError('ERR_CONFIG_INVALID', `AZSEC_CA_FILE: cannot read ${caFile} as a PEM certificate (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  const store = await openStore({ dataDir: opts.dataDir, storeUrl: opts.storeUrl, clock });
  let secretKey: Buffer;
  try {
    secretKey = await loadSecretKey({ dataDir: opts.dataDir, env: opts.env });
  } catch (error) {
    await store.close();
    throw error;
  }
  const logger = createLogger({ format: opts.logFormat, ...(opts.logWrite ? { write: opts.logWrite } : {}) });
  let collector: Collector | undefined;
  return {
    store,
    secretKey,
    logger,
    clock,
    collector: () => (collector ??= new Collector({ store, secretKey, logger, clock, ...opts.collector })),
    async runCollection(signal, runOpts = {}) {
      if (!('pool' in store)) {
        await (collector ??= new Collector({ store, secretKey, logger, clock, ...opts.collector })).run(signal);
        return;
      }
      const workerId = opts.env.AZSEC_WORKER_ID ?? `${hostname()}-${process.pid}`;
      const c = new Collector({ store, secretKey, logger, clock, ...opts.collector, graph: { ...opts.collector?.graph, userAgentSuffix: `worker/${workerId}` } });
      const leases = await createPostgresLeases({ pool: (store as PostgresStore).pool });
      try {
        await new LeaseWorker({ store, leases, collector: c, logger, clock, workerId, ...(runOpts.leaseMs === undefined ? {} : { leaseMs: runOpts.leaseMs }) }).run(signal);
      } finally {
        await leases.close();
      }
    },
    close: () => store.close(),
  };
}
