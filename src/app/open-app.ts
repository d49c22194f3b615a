// Wires the pieces a command needs from the global options: the store (SQLite in the data dir, or PostgreSQL), the
// secret-encryption key, the logger and the collector. Commands call this; it never listens or parses arguments.
import { loadSecretKey } from '../config/secrets.ts';
import { systemClock } from '../core/clock.ts';
import type { Clock } from '../core/clock.ts';
import { createLogger } from '../log/logger.ts';
import type { Logger } from '../log/logger.ts';
import { Collector } from '../scheduler/collector.ts';
import type { CollectorOptions } from '../scheduler/collector.ts';
import { openStore } from '../store/open-store.ts';
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
  close(): Promise<void>;
}

export async function openApp(opts: AppOptions): Promise<App> {
  const clock = opts.clock ?? systemClock;
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
    close: () => store.close(),
  };
}
