// Opens the SQLite file with the settings every azsec connection needs. Durability choices, made for exactly-once:
// - journal_mode=WAL: readers (export, status) never block the collector's writes, and a killed process leaves the
//   database consistent (a transaction is in the WAL entirely or not at all).
// - synchronous=FULL: the WAL is fsynced at every COMMIT. With NORMAL, a power loss or OS crash can drop the last
//   transactions that commit() already reported as done; their records would be fetched again (harmless), but a
//   check whose cursor cannot be rewound (the users deltaLink) could lose its place. FULL makes "commit returned"
//   mean "on disk", for one fsync per commit, i.e. per page of records.
// - busy_timeout: another process holding the write lock (a second collector, a CLI command) is waited for instead
//   of failing at once. Writers use BEGIN IMMEDIATE so the lock is taken up front: a deferred transaction that
//   upgrades from read to write can fail with SQLITE_BUSY without the busy handler being consulted.
// - foreign_keys=ON: off by default in SQLite; on, so any future reference between tables is enforced.
import { DatabaseSync } from 'node:sqlite';
import { AzsecError } from '../../core/errors.ts';

export const DEFAULT_BUSY_TIMEOUT_MS = 30_000;

export function openDatabase(path: string, busyTimeoutMs = DEFAULT_BUSY_TIMEOUT_MS): DatabaseSync {
  const timeout = Math.max(0, Math.trunc(busyTimeoutMs));
  const db = new DatabaseSync(path, { enableForeignKeyConstraints: true, timeout });
  try {
    // busy_timeout before anything else: switching a new file to WAL needs a moment of exclusive access, and another
    // process may be opening the same new file.
    db.exec(`PRAGMA busy_timeout = ${timeout}`);
    const mode = db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode?: string } | undefined;
    // An in-memory database (tests only) cannot use WAL and answers "memory"; anything else means WAL was refused.
    if (mode?.journal_mode !== 'wal' && mode?.journal_mode !== 'memory') {
      throw new AzsecError('ERR_STORE', `SQLite refused WAL journal mode (got "${mode?.journal_mode ?? 'nothing'}").`);
    }
    db.exec('PRAGMA synchronous = FULL');
    db.exec('PRAGMA foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
