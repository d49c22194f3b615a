// The PostgreSQL backend's own behaviour: transactions, de-duplication, exact round trips, paging of exports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.ts';
import { isAzsecError } from '../../src/core/errors.ts';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { CheckState, Integration, NewRecord, StoredRecord } from '../../src/store/store.ts';
import { postgresAvailable, withTempDatabase } from '../helpers/postgres.ts';
import type { TempDatabase } from '../helpers/postgres.ts';

const available = await postgresAvailable();

const fixedClock: Clock = { now: () => Date.parse('2026-03-01T12:00:00.000Z'), sleep: async () => undefined };

function integration(name: string, overrides: Partial<Integration> = {}): Integration {
  return {
    name,
    tenantId: '11111111-2222-3333-4444-555555555555',
    clientId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    credentialKind: 'secret',
    certificatePem: null,
    cloud: 'global',
    loginUrl: null,
    graphUrl: null,
    intervalMs: 300_000,
    initialLookbackMs: 7 * 86_400_000,
    lateWindowMs: 900_000,
    enabled: true,
    disabledChecks: [],
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

function rec(id: string, version = 'v1', time = '2026-02-01T10:00:00.1234567Z'): NewRecord {
  // Key order and spacing deliberately unusual: raw must come back byte for byte.
  return { id, version, time, raw: `{"z":1, "id":"${id}","a":[3,2,1],"version":"${version}"}` };
}

async function collect(iterable: AsyncIterable<StoredRecord>): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  for await (const r of iterable) out.push(r);
  return out;
}

describe.skipIf(!available)('PostgreSQL store', () => {
  let db: TempDatabase;
  let store: PostgresStore;

  beforeAll(async () => {
    db = await withTempDatabase();
    store = await createPostgresStore({ url: db.url, poolSize: 4, clock: fixedClock, exportPageSize: 7 });
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('round-trips an integration and its sealed secret exactly', async () => {
    const original = integration('rt', {
      credentialKind: 'certificate',
      certificatePem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      cloud: 'custom',
      loginUrl: 'https://login.example.test',
      graphUrl: 'https://graph.example.test',
      disabledChecks: ['users', 'security.secureScores'],
      enabled: false,
    });
    await store.addIntegration(original, { ciphertext: 'sealed-1' });
    expect(await store.getIntegration('rt')).toEqual(original);
    expect(await store.getSecret('rt')).toEqual({ ciphertext: 'sealed-1' });
    expect(await store.getIntegration('missing')).toBeNull();
    expect(await store.getSecret('missing')).toBeNull();
  });

  it('refuses a second integration with the same name', async () => {
    await store.addIntegration(integration('dup'), { ciphertext: 'x' });
    const error = await store.addIntegration(integration('dup'), { ciphertext: 'y' }).catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_INTEGRATION_EXISTS')).toBe(true);
    expect(await store.getSecret('dup')).toEqual({ ciphertext: 'x' });
  });

  it('updates an integration, keeping the secret unless a new one is given', async () => {
    await store.addIntegration(integration('upd'), { ciphertext: 'old' });
    const changed = integration('upd', { intervalMs: 60_000, updatedAt: '2026-02-02T00:00:00Z', disabledChecks: ['users'] });
    await store.updateIntegration(changed);
    expect(await store.getIntegration('upd')).toEqual(changed);
    expect(await store.getSecret('upd')).toEqual({ ciphertext: 'old' });
    await store.updateIntegration(changed, { ciphertext: 'new' });
    expect(await store.getSecret('upd')).toEqual({ ciphertext: 'new' });
    const error = await store.updateIntegration(integration('nobody')).catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_INTEGRATION_NOT_FOUND')).toBe(true);
  });

  it('stores each (integration, check, id, version) once, counting only new records', async () => {
    const first = await store.commit('acme', 'security.alerts_v2', [rec('a'), rec('b'), rec('a')], { page: 1 });
    expect(first.inserted).toBe(2);
    const second = await store.commit('acme', 'security.alerts_v2', [rec('a'), rec('b', 'v2'), rec('c')], undefined);
    expect(second.inserted).toBe(2);
    // Same id under another check or integration is another record.
    expect((await store.commit('acme', 'users', [rec('a')], undefined)).inserted).toBe(1);
    expect((await store.commit('other', 'security.alerts_v2', [rec('a')], undefined)).inserted).toBe(1);
    expect(await store.countRecords({ integration: 'acme', check: 'security.alerts_v2' })).toBe(4);
    expect(await store.getCheckpoint('acme', 'security.alerts_v2')).toEqual({ page: 1 });
  });

  it('keeps the checkpoint when cursor is undefined and replaces it otherwise', async () => {
    await store.commit('cp', 'users', [], { deltaLink: 'https://graph/1', n: [1, { b: null }] });
    await store.commit('cp', 'users', [rec('u1')], undefined);
    expect(await store.getCheckpoint('cp', 'users')).toEqual({ deltaLink: 'https://graph/1', n: [1, { b: null }] });
    await store.commit('cp', 'users', [], 'plain');
    expect(await store.getCheckpoint('cp', 'users')).toBe('plain');
    expect(await store.getCheckpoint('cp', 'auditLogs.signIns')).toBeNull();
  });

  it('writes nothing, neither records nor checkpoint, when the commit fails', async () => {
    await store.commit('atomic', 'users', [rec('ok1')], { at: 1 });
    // A NUL character is invalid in PostgreSQL text: the second record makes the statement fail.
    const bad: NewRecord = { id: 'bad', version: 'v', time: '2026-02-01T00:00:00Z', raw: '{"x":"\u0000"}' };
    const error = await store.commit('atomic', 'users', [rec('ok2'), bad], { at: 2 }).catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_STORE')).toBe(true);
    expect(await store.countRecords({ integration: 'atomic' })).toBe(1);
    expect(await store.getCheckpoint('atomic', 'users')).toEqual({ at: 1 });
  });

  it('exports in insertion order across pages with raw, time and storedAt exactly as stored', async () => {
    const records = Array.from({ length: 23 }, (_, i) => rec(`e${String(i).padStart(2, '0')}`, 'v1', `2026-02-0${(i % 9) + 1}T00:00:00Z`));
    await store.commit('exp', 'auditLogs.signIns', records.slice(0, 10), undefined);
    await store.commit('exp', 'auditLogs.signIns', records.slice(10), undefined);
    const out = await collect(store.exportRecords({ integration: 'exp' }));
    expect(out.map((r) => r.id)).toEqual(records.map((r) => r.id));
    expect(out[0]).toMatchObject({
      integration: 'exp',
      check: 'auditLogs.signIns',
      raw: records[0]?.raw,
      time: records[0]?.time,
      storedAt: '2026-03-01T12:00:00.000Z',
    });
    const seqs = out.map((r) => r.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('filters exports and counts by check and by record time (at or after since)', async () => {
    await store.commit('flt', 'auditLogs.directoryAudits', [
      rec('old', 'v', '2026-01-01T00:00:00Z'),
      rec('edge', 'v', '2026-01-10T00:00:00.1234567Z'),
      rec('new', 'v', '2026-01-20T00:00:00+02:00'),
    ], undefined);
    await store.commit('flt', 'users', [rec('u', 'v', '2026-01-30T00:00:00Z')], undefined);
    const since = { integration: 'flt', since: '2026-01-10T00:00:00.123456Z' };
    expect((await collect(store.exportRecords(since))).map((r) => r.id)).toEqual(['edge', 'new', 'u']);
    expect(await store.countRecords(since)).toBe(3);
    expect(await store.countRecords({ ...since, since: '2026-01-10T00:00:00.1234571Z' })).toBe(2);
    expect(await store.countRecords({ integration: 'flt', check: 'users' })).toBe(1);
    expect(await collect(store.exportRecords({ integration: 'nobody' }))).toEqual([]);
  });

  it('upserts check states and lists them in order', async () => {
    const state: CheckState = {
      integration: 'cs',
      check: 'security.incidents',
      state: 'throttled',
      reason: 'Graph answered 429',
      errorCode: 'ERR_GRAPH_THROTTLED',
      lastAttemptAt: '2026-02-01T00:00:00Z',
      lastSuccessAt: null,
      nextDueAt: '2026-02-01T00:05:00.000Z',
      collected: 12,
      lastRunCollected: 0,
      consecutiveFailures: 2,
      warnedAt: '2026-02-01T00:00:00Z',
    };
    await store.putCheckState(state);
    await store.putCheckState({ ...state, check: 'auditLogs.signIns', state: 'ok', reason: null, errorCode: null });
    const updated = { ...state, state: 'ok' as const, consecutiveFailures: 0, collected: 40 };
    await store.putCheckState(updated);
    expect(await store.getCheckState('cs', 'security.incidents')).toEqual(updated);
    expect((await store.listCheckStates('cs')).map((s) => s.check)).toEqual(['auditLogs.signIns', 'security.incidents']);
    expect((await store.listCheckStates()).filter((s) => s.integration === 'cs')).toHaveLength(2);
    expect(await store.getCheckState('cs', 'users')).toBeNull();
  });

  it('removes an integration with its checkpoints and states, and its records only when asked', async () => {
    for (const name of ['keep', 'purge']) {
      await store.addIntegration(integration(name), { ciphertext: 's' });
      await store.commit(name, 'users', [rec('x')], { c: 1 });
      await store.putCheckState({
        integration: name, check: 'users', state: 'ok', reason: null, errorCode: null, lastAttemptAt: null,
        lastSuccessAt: null, nextDueAt: null, collected: 1, lastRunCollected: 1, consecutiveFailures: 0, warnedAt: null,
      });
    }
    expect(await store.removeIntegration('keep', { purgeRecords: false })).toBe(true);
    expect(await store.removeIntegration('purge', { purgeRecords: true })).toBe(true);
    expect(await store.removeIntegration('purge', { purgeRecords: true })).toBe(false);
    for (const name of ['keep', 'purge']) {
      expect(await store.getIntegration(name)).toBeNull();
      expect(await store.getSecret(name)).toBeNull();
      expect(await store.getCheckpoint(name, 'users')).toBeNull();
      expect(await store.listCheckStates(name)).toEqual([]);
    }
    expect(await store.countRecords({ integration: 'keep' })).toBe(1);
    expect(await store.countRecords({ integration: 'purge' })).toBe(0);
  });

  it('lets concurrent commits of the same records insert each exactly once', async () => {
    const batch = Array.from({ length: 200 }, (_, i) => rec(`cc${i}`));
    const results = await Promise.all([1, 2, 3, 4].map(() => store.commit('conc', 'users', batch, undefined)));
    expect(results.reduce((sum, r) => sum + r.inserted, 0)).toBe(200);
    expect(await store.countRecords({ integration: 'conc' })).toBe(200);
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
