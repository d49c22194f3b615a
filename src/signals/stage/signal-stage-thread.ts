// Runs the signal stage (signal-stage.ts) in a worker thread beside the collector, so normalizing, indexing and
// detection use another core instead of slowing down collection. The collector wakes it after each commit.
import { Worker } from 'node:worker_threads';
import type { LogFormat } from '../../log/logger.ts';
import { sqliteWriteLocks } from '../../store/open-store.ts';
import type { SqliteWriteLockBuffers } from '../../store/sqlite/sqlite-store.ts';

export interface StageThreadInput {
  dataDir: string;
  storeUrl?: string | undefined;
  logFormat: LogFormat;
  owner?: string;
  detections?: boolean;
  leaseMs?: number;
  idleCheckMs?: number;
  /** The SQLite store's write locks of the starting thread (set by startSignalStageThread). */
  sqliteWriteLocks?: SqliteWriteLockBuffers | undefined;
}

export type StageThreadRequest = { type: 'wake' } | { type: 'idle'; id: number } | { type: 'stop' };

export type StageThreadMessage =
  | { type: 'ready' }
  | { type: 'log'; line: string }
  | { type: 'alerts'; count: number; at: number }
  | { type: 'idle'; id: number; held: boolean }
  | { type: 'stopped' }
  | { type: 'failed'; code: string; message: string };

export interface StageThread {
  /** New records were stored. */
  wake(): void;
  /** Resolves when everything stored so far has signals (true), or false when another process runs the stage. */
  whenIdle(): Promise<boolean>;
  /** Called with each batch's alert count and when they were stored (ms since the epoch). */
  onAlerts(listener: (count: number, at: number) => void): void;
  stop(): Promise<void>;
}

export interface StageThreadOptions extends StageThreadInput {
  /** Where the thread's log lines go (already formatted); default stderr. */
  logWrite?: (line: string) => void;
  /** Called when the thread fails to start or dies; the collector keeps running (records are never lost). */
  onFailure?: (code: string, message: string) => void;
}

export function startSignalStageThread(opts: StageThreadOptions): StageThread {
  const { logWrite, onFailure, ...input } = opts;
  // V8's default young generation (16 MB semi-spaces), not the main thread's small one (--max-semi-space-size=4): the
  // detection rules allocate a batch's worth of short-lived objects (matches, alert copies, the state snapshot), and
  // with 4 MB semi-spaces a part of them was promoted and collected again as old objects. Measured on 200,000
  // simulated sign-ins drained alone, the rules cost 29 µs of CPU per record with 4 MB semi-spaces and 7 µs with 16 MB;
  // in paired backfills of 500,000, the collector with every rule ran 0.77–0.84 as fast as with rules off, against
  // 0.70–0.74 (at the price of up to 36 MB more resident memory).
  const worker = new Worker(new URL('./signal-stage-worker.ts', import.meta.url), { workerData: { ...input, sqliteWriteLocks: sqliteWriteLocks(input.dataDir, input.storeUrl) } satisfies StageThreadInput, resourceLimits: { maxYoungGenerationSizeMb: 48 } });
  const write = logWrite ?? ((line: string) => process.stderr.write(line));
  const idleWaiters = new Map<number, (held: boolean) => void>();
  const alertListeners: Array<(count: number, at: number) => void> = [];
  let nextId = 0;
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    worker.on('exit', () => {
      exited = true;
      for (const resolveIdle of idleWaiters.values()) resolveIdle(false);
      idleWaiters.clear();
      resolve();
    });
  });
  worker.on('message', (message: StageThreadMessage) => {
    if (message.type === 'log') write(message.line);
    else if (message.type === 'alerts') for (const l of alertListeners) l(message.count, message.at);
    else if (message.type === 'idle') {
      idleWaiters.get(message.id)?.(message.held);
      idleWaiters.delete(message.id);
    } else if (message.type === 'failed') onFailure?.(message.code, message.message);
  });
  worker.on('error', (error) => onFailure?.('ERR_INTERNAL', error.message));
  return {
    wake() {
      if (!exited) worker.postMessage({ type: 'wake' } satisfies StageThreadRequest);
    },
    whenIdle() {
      if (exited) return Promise.resolve(false);
      const id = nextId++;
      const done = new Promise<boolean>((resolve) => idleWaiters.set(id, resolve));
      worker.postMessage({ type: 'idle', id } satisfies StageThreadRequest);
      return done;
    },
    onAlerts(listener) {
      alertListeners.push(listener);
    },
    async stop() {
      if (!exited) worker.postMessage({ type: 'stop' } satisfies StageThreadRequest);
      await exit;
    },
  };
}
