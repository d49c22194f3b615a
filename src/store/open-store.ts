// Chooses the store backend from the configuration: a postgres:// (or postgresql://) URL selects PostgreSQL, no URL the
// embedded SQLite file <dataDir>/azsec.db. Anything else is refused rather than guessed at. A store URL may carry a
// password, so no message here ever contains the URL; at most its scheme.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Clock } from '../core/clock.ts';
import { AzsecError } from '../core/errors.ts';
import { createPostgresStore } from './postgres/postgres-store.ts';
import { createSqliteStore, sqliteWriteLockBuffers } from './sqlite/sqlite-store.ts';
import type { SqliteWriteLockBuffers } from './sqlite/sqlite-store.ts';
import type { SignalDeriver, Store } from './store.ts';

export interface OpenStoreOptions {
  /** Where the SQLite file (and the key file) live; created with mode 0700 when the SQLite store is used. */
  dataDir: string;
  /** postgres://user:password@host:port/database for PostgreSQL; absent or empty for the embedded SQLite store. */
  storeUrl?: string | undefined;
  clock?: Clock | undefined;
  /** SQLite only: checkpoint the WAL from a worker thread (default true; a second connection of a process says no). */
  backgroundCheckpoints?: boolean;
  /** SQLite only: see SqliteStoreOptions.replayableWrites (the signal stage's connection). */
  replayableWrites?: boolean;
  /** SQLite only: see SqliteStoreOptions.sharedWriteLocks (sqliteWriteLocks() of the starting thread). */
  sharedWriteLocks?: SqliteWriteLockBuffers | undefined;
  /** The normalizer (src/signals/signal-of-record.ts): SQLite computes with it the signals it keeps no JSON for. */
  signalDeriver: SignalDeriver;
}

export const SQLITE_FILE_NAME = 'azsec.db';

const POSTGRES_SCHEMES = new Set(['postgres:', 'postgresql:']);

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const clock = opts.clock === undefined ? {} : { clock: opts.clock };
  const storeUrl = opts.storeUrl?.trim() ?? '';
  if (storeUrl === '') {
    await createDataDir(opts.dataDir);
    return createSqliteStore({
      path: path.join(opts.dataDir, SQLITE_FILE_NAME),
      ...clock,
      ...(opts.backgroundCheckpoints === undefined ? {} : { backgroundCheckpoints: opts.backgroundCheckpoints }),
      ...(opts.replayableWrites === undefined ? {} : { replayableWrites: opts.replayableWrites }),
      ...(opts.sharedWriteLocks === undefined ? {} : { sharedWriteLocks: opts.sharedWriteLocks }),
      signalDeriver: opts.signalDeriver,
    });
  }
  const scheme = urlScheme(storeUrl);
  if (scheme !== null && POSTGRES_SCHEMES.has(scheme)) {
    return createPostgresStore({ url: storeUrl, ...clock });
  }
  throw new AzsecError(
    'ERR_CONFIG_INVALID',
    scheme === null
      ? 'The store URL (--store or AZSEC_STORE_URL) is not a URL; give a postgres:// or postgresql:// URL, or leave it unset for the embedded SQLite store.'
      : `The store URL (--store or AZSEC_STORE_URL) has the unsupported scheme "${scheme}"; give a postgres:// or postgresql:// URL, or leave it unset for the embedded SQLite store.`,
    { option: 'storeUrl', ...(scheme === null ? {} : { scheme }) },
  );
}

/**
 * The write locks that this thread's connections to the SQLite store of `dataDir` use, to hand to a worker thread that
 * opens the same store (process-write-lock.ts); undefined for PostgreSQL, which has no such lock.
 */
export function sqliteWriteLocks(dataDir: string, storeUrl: string | undefined): SqliteWriteLockBuffers | undefined {
  if ((storeUrl?.trim() ?? '') !== '') return undefined;
  return sqliteWriteLockBuffers(path.join(dataDir, SQLITE_FILE_NAME));
}

/** The URL's scheme in lower case ("postgres:"), or null when the value is not a URL. Never echoes the rest. */
function urlScheme(value: string): string | null {
  // Only "scheme://" counts: in "user:password@host" the part before the colon is not a scheme, and echoing it
  // would be one step from echoing the password.
  const match = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (match?.[1] === undefined) return null;
  const scheme = `${match[1].toLowerCase()}:`;
  return scheme.length <= 32 ? scheme : null;
}

async function createDataDir(dataDir: string): Promise<void> {
  try {
    // mode applies to directories this call creates; an existing data directory keeps the mode its owner chose.
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new AzsecError('ERR_STORE', `Cannot create the data directory ${dataDir}: ${(error as Error).message}`, { dataDir }, { cause: error });
  }
}
