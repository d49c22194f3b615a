// Worker thread of wal-checkpointer.ts: its own connection to the database file, used only to copy committed WAL
// frames into the database (PASSIVE checkpoints never block the writer). It is driven through one shared Int32 so
// that neither side needs its event loop: the committing thread may be in a long synchronous loop of commits.
// Signal values: 0 idle, 1 checkpoint wanted, 2 close. A failure is posted once and ends the thread.
import type { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { quietSqliteExperimentalWarning } from '../../core/quiet-warnings.ts';
import { CLOSE, IDLE } from './wal-checkpoint-signal.ts';

// A worker thread has its own process 'warning' listeners: filter there too, before node:sqlite loads.
quietSqliteExperimentalWarning();
const { DatabaseSync: Database } = await import('node:sqlite');


interface CheckpointWorkerData {
  path: string;
  busyTimeoutMs: number;
  signal: SharedArrayBuffer;
}

if (parentPort !== null) {
  const { path, busyTimeoutMs, signal: buffer } = workerData as CheckpointWorkerData;
  const signal = new Int32Array(buffer);
  let db: DatabaseSync | undefined;
  try {
    db = new Database(path, { timeout: busyTimeoutMs });
    // FULL: the database file is fsynced before the WAL may be reused, as the writer's own checkpoints would do.
    db.exec('PRAGMA synchronous = FULL');
    const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
    for (;;) {
      Atomics.wait(signal, 0, IDLE);
      // Taking the value resets it, so nudges that arrive during this checkpoint ask for exactly one more.
      if (Atomics.exchange(signal, 0, IDLE) === CLOSE) break;
      checkpoint.get();
    }
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) });
  } finally {
    db?.close();
  }
}
