// The PostgreSQL backend: the shared Store contract on a throwaway database per test, plus what only a networked
// database has to prove (driver-level failures, TLS settings, unreachable servers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAzsecError } from '../../src/core/errors.ts';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { NewRecord } from '../../src/store/store.ts';
import { postgresAvailable, withTempDatabase } from '../helpers/postgres.ts';
import type { TempDatabase } from '../helpers/postgres.ts';
import { contractClock, rec, storeContract } from './store-contract.ts';

const available = await postgresAvailable();

if (available) {
  storeContract('PostgreSQL', async ({ clock, exportPageSize }) => {
    const db = await withTempDatabase();
    const store = await createPostgresStore({ url: db.url, poolSize: 4, clock, exportPageSize }).catch(async (error: unknown) => {
      await db.drop();
      throw error;
    });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await db.drop();
      },
    };
  });
}

describe.skipIf(!available)('PostgreSQL store', () => {
  let db: TempDatabase;
  let store: PostgresStore;

  beforeAll(async () => {
    db = await withTempDatabase();
    store = await createPostgresStore({ url: db.url, poolSize: 4, clock: contractClock, exportPageSize: 7 });
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('writes nothing when PostgreSQL rejects a value the port allows (a NUL character in raw)', async () => {
    await store.commit('atomic', 'users', [rec('ok1')], { at: 1 });
    // A NUL character is invalid in PostgreSQL text: the second record makes the statement fail.
    const bad: NewRecord = { id: 'bad', version: 'v', time: '2026-02-01T00:00:00Z', raw: '{"x":"\u0000"}' };
    const error = await store.commit('atomic', 'users', [rec('ok2'), bad], { at: 2 }).catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_STORE')).toBe(true);
    expect(await store.countRecords({ integration: 'atomic' })).toBe(1);
    expect(await store.getCheckpoint('atomic', 'users')).toEqual({ at: 1 });
  });

  it('passes TLS settings to the driver, the ssl option taking precedence over the URL', async () => {
    // The test server has TLS off, so asking for TLS must fail (and not silently fall back to plain text).
    const server = await store.pool.query<{ ssl: string }>('SHOW ssl');
    if (server.rows[0]?.ssl !== 'off') {
      console.warn('TLS precedence test skipped: the test server has TLS enabled');
      return;
    }
    for (const attempt of [{ url: db.url, ssl: true }, { url: `${db.url}?sslmode=verify-full` }]) {
      const error = await createPostgresStore({ ...attempt, poolSize: 1 }).catch((e: unknown) => e);
      expect(isAzsecError(error, 'ERR_STORE')).toBe(true);
      expect((error as Error).message).toMatch(/SSL/i);
    }
    const plain = await createPostgresStore({ url: `${db.url}?sslmode=verify-full`, ssl: false, poolSize: 1 });
    expect(await plain.countRecords({ integration: 'nobody' })).toBe(0);
    await plain.close();
  });

  it('reports an unreachable server as ERR_STORE without the password', async () => {
    const error = await createPostgresStore({ url: 'postgres://azsec:hunter2-secret@127.0.0.1:1/none' }).catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_STORE')).toBe(true);
    expect(String((error as Error).message)).not.toContain('hunter2-secret');
  });
});
