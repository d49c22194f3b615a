// PostgreSQL signal searches run on connections of their own whose statements have a time limit (statement_timeout):
// a search that runs past it fails with ERR_SEARCH_TIMEOUT instead of holding a server process, and the limit never
// reaches the store's other connections (commits, the stage, migrations). A lock held by another session makes a
// search wait for as long as the test wants, so the limit is reached without timing anything.
import { describe, expect, it } from 'vitest';
import { Client } from 'pg';
import { isAzsecError } from '../../src/core/errors.ts';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { SignalQuery } from '../../src/store/store.ts';
import { cleanupAfterEach } from '../helpers/cleanups.ts';
import { postgresAvailable, withTempDatabase } from '../helpers/postgres.ts';
import { signalRecord } from './signal-contract.ts';

const available = await postgresAvailable();

describe.skipIf(!available)('PostgreSQL search time limit', () => {
  const cleanups = cleanupAfterEach();

  async function open(searchTimeoutMs: number): Promise<{ store: PostgresStore; url: string }> {
    const db = await withTempDatabase();
    cleanups.add(() => db.drop());
    const store = await createPostgresStore({ url: db.url, poolSize: 1, searchTimeoutMs });
    cleanups.add(() => store.close());
    await store.commit('contoso', 'auditLogs.signIns', [signalRecord({ id: 'r1', title: 'Sign-in alpha', indicators: { ip: ['198.51.100.7'] } })], undefined);
    return { store, url: db.url };
  }

  /** Another session holding the signals table, as a long write would, until release(). */
  async function lockSignals(url: string): Promise<{ release: () => Promise<void> }> {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query('BEGIN');
    await client.query('LOCK TABLE signals IN ACCESS EXCLUSIVE MODE');
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      await client.query('ROLLBACK');
      await client.end();
    };
    cleanups.add(release);
    return { release };
  }

  const queries: SignalQuery[] = [
    { text: 'alpha', limit: 10 },
    { indicator: '198.51.100.7', limit: 10 },
    { indicator: '198.51.100.7', text: 'alpha', limit: 10 },
    { check: 'auditLogs.signIns', limit: 10 },
  ];

  it('stops a search past the limit with ERR_SEARCH_TIMEOUT, for every search shape', async () => {
    const { store, url } = await open(200);
    const lock = await lockSignals(url);
    for (const query of queries) {
      const error = await store.searchSignals(query).then(() => null, (e: unknown) => e);
      expect(isAzsecError(error, 'ERR_SEARCH_TIMEOUT'), `${JSON.stringify(query)}: ${String(error)}`).toBe(true);
      expect((error as Error).message).toContain('200 ms');
      expect((error as Error).message).not.toContain(url);
    }
    await lock.release();
    for (const query of queries) expect((await store.searchSignals(query)).results.map((h) => h.recordId)).toEqual(['r1']);
  });

  it('bounds searches only: the other connections of the store have no limit and write afterwards', async () => {
    const { store, url } = await open(200);
    // poolSize 1: the one connection of the store's main pool.
    const settings = async (): Promise<string[]> => [
      (await store.pool.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]?.statement_timeout ?? '',
      (await store.pool.query<{ transaction_read_only: string }>('SHOW transaction_read_only')).rows[0]?.transaction_read_only ?? '',
    ];
    expect((await store.searchSignals(queries[0]!)).results).toHaveLength(1);
    expect(await settings()).toEqual(['0', 'off']);
    const lock = await lockSignals(url);
    expect(isAzsecError(await store.searchSignals(queries[0]!).catch((e: unknown) => e), 'ERR_SEARCH_TIMEOUT')).toBe(true);
    await lock.release();
    expect(await settings()).toEqual(['0', 'off']);
    await store.commit('contoso', 'auditLogs.signIns', [signalRecord({ id: 'r2', title: 'Sign-in alpha again' })], undefined);
    expect((await store.searchSignals(queries[0]!)).results.map((h) => h.recordId)).toEqual(['r2', 'r1']);
  });

  it('leaves searches that finish in time alone, at the default limit', async () => {
    const db = await withTempDatabase();
    cleanups.add(() => db.drop());
    const store = await createPostgresStore({ url: db.url, poolSize: 1 });
    cleanups.add(() => store.close());
    await store.commit('contoso', 'auditLogs.signIns', [signalRecord({ id: 'r1', title: 'Sign-in alpha' })], undefined);
    expect((await store.searchSignals({ text: 'alpha', limit: 10 })).results.map((h) => h.recordId)).toEqual(['r1']);
  });
});
