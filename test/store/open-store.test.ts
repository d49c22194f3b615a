// openStore: the URL (or its absence) selects the backend; a bad URL is refused without echoing secrets.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAzsecError } from '../../src/core/errors.ts';
import { signalDeriver } from '../../src/signals/signal-of-record.ts';
import { openStore } from '../../src/store/open-store.ts';
import { postgresAvailable, withTempDatabase } from '../helpers/postgres.ts';
import { collect, contractClock, rec } from './store-contract.ts';

const pgAvailable = await postgresAvailable();

describe('openStore', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), 'azsec-open-'));
    dirs.push(dir);
    return dir;
  }

  it('opens the embedded SQLite store at <dataDir>/azsec.db, creating the data directory with mode 0700', async () => {
    const dataDir = path.join(await tempDir(), 'nested', 'data');
    const store = await openStore({ dataDir, clock: contractClock, signalDeriver });
    try {
      await store.commit('acme', 'users', [rec('a')], { n: 1 });
      const [exported] = await collect(store.exportRecords({}));
      expect(exported?.storedAt).toBe('2026-03-01T12:00:00.000Z');
    } finally {
      await store.close();
    }
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(dataDir, 'azsec.db'))).isFile()).toBe(true);
    const reopened = await openStore({ dataDir, storeUrl: '  ', signalDeriver });
    try {
      expect(await reopened.getCheckpoint('acme', 'users')).toEqual({ n: 1 });
    } finally {
      await reopened.close();
    }
  });

  it.skipIf(!pgAvailable)('opens PostgreSQL for postgres:// and postgresql:// URLs', async () => {
    const db = await withTempDatabase();
    try {
      for (const url of [db.url, db.url.replace(/^postgres:/, 'postgresql:')]) {
        const dataDir = path.join(await tempDir(), 'unused');
        const store = await openStore({ dataDir, storeUrl: url, signalDeriver });
        try {
          await store.commit('pg', 'users', [rec('p')], undefined);
          expect(await store.countRecords({ integration: 'pg' })).toBe(1);
        } finally {
          await store.close();
        }
        // The data directory is only for the embedded store.
        await expect(stat(dataDir)).rejects.toThrow();
      }
    } finally {
      await db.drop();
    }
  });

  it('refuses another scheme with ERR_CONFIG_INVALID naming the option and the scheme, never the password', async () => {
    const dataDir = await tempDir();
    const error = await openStore({ dataDir, storeUrl: 'mysql://azsec:hunter2-secret@db.example/azsec', signalDeriver }).catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_CONFIG_INVALID')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('--store or AZSEC_STORE_URL');
    expect(message).toContain('"mysql:"');
    expect(message).not.toContain('hunter2');
    expect(JSON.stringify((error as { details: unknown }).details)).not.toContain('hunter2');
  });

  it('refuses a value that is not a URL without echoing any of it', async () => {
    for (const storeUrl of ['azsec:hunter2-secret@db.example/azsec', 'hunter2-secret', '/var/lib/azsec.db']) {
      const error = await openStore({ dataDir: await tempDir(), storeUrl, signalDeriver }).catch((e: unknown) => e);
      expect(isAzsecError(error, 'ERR_CONFIG_INVALID')).toBe(true);
      expect((error as Error).message).toMatch(/--store or AZSEC_STORE_URL\) is not a URL/);
      expect((error as Error).message).not.toContain('hunter2');
      expect(JSON.stringify((error as { details: unknown }).details)).not.toContain('hunter2');
    }
  });
});
