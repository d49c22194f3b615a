// Moves WAL checkpoints off the committing thread. In WAL mode a commit appends to the -wal file; a checkpoint later
// copies those pages into the database file. By default SQLite runs the checkpoint inside the COMMIT that crosses
// 1,000 WAL pages, on the thread that commits: for pages of large records that is about 40 % of the commit time.
// Here a worker thread with its own connection checkpoints after commits, in parallel with the next one, and the
// writer's own automatic checkpoint stays on at a higher mark, bounding the WAL when the worker falls behind (or has
// failed). Durability is unchanged: a commit is durable once its WAL frames are fsynced (synchronous=FULL);
// checkpointing only decides when the main file catches up.
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { CLOSE, IDLE, WANTED } from './wal-checkpoint-signal.ts';

/** WAL pages after which the committing connection checkpoints by itself (SQLite's default is 1,000). */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 8_192;
const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;

export interface WalCheckpointer {
  /** Asks for a checkpoint soon; nudges while one runs are folded into one more run. Never blocks. */
  nudge(): void;
  close(): Promise<void>;
}

export const NO_CHECKPOINTER: WalCheckpointer = { nudge: () => undefined, close: async () => undefined };

/**
 * Starts the worker for the database that `db` has open at `path`. When no worker can be started, the connection
 * keeps SQLite's ordinary in-commit checkpoints.
 */
export function startWalCheckpointer(db: DatabaseSync, path: string, busyTimeoutMs: number): WalCheckpointer {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker;
  try {
    worker = new Worker(new URL('./wal-checkpoint-worker.ts', import.meta.url), {
      workerData: { path, busyTimeoutMs, signal: signal.buffer },
    });
  } catch {
    return NO_CHECKPOINTER;
  }
  // An application that forgets close() must still be able to exit.
  worker.unref();
  db.exec(`PRAGMA wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);

  let alive = true;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const fallBack = (): void => {
    if (!alive) return;
    alive = false;
    // The worker failed: the writer checkpoints by itself again, as with no worker at all.
    try {
      db.exec(`PRAGMA wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    } catch {
      // The connection is already closed: nothing left to configure.
    }
  };
  worker.on('message', fallBack);
  worker.on('error', fallBack);
  worker.on('exit', fallBack);

  return {
    nudge(): void {
      if (!alive) return;
      if (Atomics.compareExchange(signal, 0, IDLE, WANTED) === IDLE) Atomics.notify(signal, 0);
    },
    async close(): Promise<void> {
      if (alive) {
        alive = false;
        Atomics.store(signal, 0, CLOSE);
        Atomics.notify(signal, 0);
        // Referenced again, or a process whose last task is awaiting this could exit before the worker has closed.
        worker.ref();
      }
      await exited;
    },
  };
}
