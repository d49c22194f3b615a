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
import { signalDeriver } from '../signals/signal-of-record.ts';
import { createPostgresLeases } from '../store/postgres/postgres-leases.ts';
import type { PostgresStore } from '../store/postgres/postgres-store.ts';
import type { Store } from '../store/store.ts';
import { SignalStage } from '../signals/stage/signal-stage.ts';
import { startSignalStageThread } from '../signals/stage/signal-stage-thread.ts';

export interface AppOptions {
  dataDir: string;
  storeUrl?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  logFormat: 'human' | 'json';
  logWrite?: (line: string) => void;
  clock?: Clock;
  collector?: Partial<Omit<CollectorOptions, 'store' | 'secretKey' | 'logger'>>;
  /** Signal stage tuning (tests): lease and idle check. */
  stage?: { leaseMs?: number; idleCheckMs?: number };
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
  /**
   * Turns every stored record without a signal into its signal and runs the detection rules on it, in this thread
   * (`azsec poll --once`). False when another process runs the signal stage (it does the work instead).
   */
  drainSignals(): Promise<boolean>;
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
  const store = await openStore({ dataDir: opts.dataDir, storeUrl: opts.storeUrl, clock, signalDeriver });
  let secretKey: Buffer;
  try {
    secretKey = await loadSecretKey({ dataDir: opts.dataDir, env: opts.env });
  } catch (error) {
    await store.close();
    throw error;
  }
  const logger = createLogger({ format: opts.logFormat, ...(opts.logWrite ? { write: opts.logWrite } : {}) });
  let collector: Collector | undefined;
  // While collection runs, the signal stage runs in a worker thread and each commit of new records wakes it.
  const startStage = (): ReturnType<typeof startSignalStageThread> =>
    startSignalStageThread({
      dataDir: opts.dataDir,
      storeUrl: opts.storeUrl,
      logFormat: opts.logFormat,
      ...opts.stage,
      ...(opts.logWrite ? { logWrite: opts.logWrite } : {}),
      onFailure: (code, message) => logger.child({ component: 'azure-security' }).error({ code, reason: message }, 'signal stage stopped; records are kept and get their signals when it runs again'),
    });
  return {
    store,
    secretKey,
    logger,
    clock,
    collector: () => (collector ??= new Collector({ store, secretKey, logger, clock, ...opts.collector })),
    async runCollection(signal, runOpts = {}) {
      const stage = startStage();
      const onStored = (): void => stage.wake();
      try {
        if (!('pool' in store)) {
          await new Collector({ store, secretKey, logger, clock, ...opts.collector, onStored }).run(signal);
          return;
        }
        const workerId = opts.env.AZSEC_WORKER_ID ?? `${hostname()}-${process.pid}`;
        const c = new Collector({ store, secretKey, logger, clock, ...opts.collector, onStored, graph: { ...opts.collector?.graph, userAgentSuffix: `worker/${workerId}` } });
        const leases = await createPostgresLeases({ pool: (store as PostgresStore).pool });
        try {
          await new LeaseWorker({ store, leases, collector: c, logger, clock, workerId, ...(runOpts.leaseMs === undefined ? {} : { leaseMs: runOpts.leaseMs }) }).run(signal);
        } finally {
          await leases.close();
        }
      } finally {
        await stage.stop();
      }
    },
    drainSignals() {
      return new SignalStage({ store, logger: logger.child({ component: 'azure-security' }), clock, ...opts.stage }).drain();
    },
    close: () => store.close(),
  };
}
