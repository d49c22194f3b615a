// The Store contract: what every backend (SQLite, PostgreSQL) must do the same way. Each test gets a fresh, empty
// store from the backend's factory; backend-specific behaviour (TLS, driver errors, crash safety) stays in the
// backend's own test file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.ts';
import { isAzsecError } from '../../src/core/errors.ts';
import type { CheckState, Integration, NewRecord, Store, StoredRecord } from '../../src/store/store.ts';
import { signalContract } from './signal-contract.ts';
import { stageContract } from './stage-contract.ts';

export interface StoreHarness {
  store: Store;
  /** Closes the store and removes what the factory created (files, databases). */
  cleanup(): Promise<void>;
}

export interface StoreFactoryOptions {
  clock: Clock;
  exportPageSize: number;
}

export type StoreFactory = (opts: StoreFactoryOptions) => Promise<StoreHarness>;

const STORED_AT = '2026-03-01T12:00:00.000Z';
export const contractClock: Clock = { now: () => Date.parse(STORED_AT), sleep: async () => undefined };

/** Small on purpose, so that exports cross page boundaries with a few dozen records. */
const PAGE_SIZE = 7;

export function integration(name: string, overrides: Partial<Integration> = {}): Integration {
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

export function rec(id: string, version = 'v1', time = '2026-02-01T10:00:00.1234567Z'): NewRecord {
  // Key order and spacing deliberately unusual: raw must come back byte for byte.
  return { id, version, time, raw: `{"z":1, "id":"${id}","a":[3,2,1],"version":"${version}"}` };
}

function checkState(integrationName: string, overrides: Partial<CheckState> = {}): CheckState {
  return {
    integration: integrationName,
    check: 'users',
    state: 'ok',
    reason: null,
    errorCode: null,
    lastAttemptAt: null,
    lastSuccessAt: null,
    nextDueAt: null,
    collected: 1,
    lastRunCollected: 1,
    consecutiveFailures: 0,
    warnedAt: null,
    ...overrides,
  };
}

export async function collect(iterable: AsyncIterable<StoredRecord>): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  for await (const r of iterable) out.push(r);
  return out;
}

export function storeContract(name: string, makeStore: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let harness: StoreHarness;
    let store: Store;

    beforeEach(async () => {
      harness = await makeStore({ clock: contractClock, exportPageSize: PAGE_SIZE });
      store = harness.store;
    });

    afterEach(async () => {
      await harness?.cleanup();
    });

    describe('integrations', () => {
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

      it('refuses a second integration with the same name and keeps the first secret', async () => {
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
        expect(await store.getIntegration('nobody')).toBeNull();
      });

      it('lists integrations ordered by name', async () => {
        expect(await store.listIntegrations()).toEqual([]);
        for (const n of ['charlie', 'alpha', 'bravo']) await store.addIntegration(integration(n), { ciphertext: n });
        const listed = await store.listIntegrations();
        expect(listed.map((i) => i.name)).toEqual(['alpha', 'bravo', 'charlie']);
        expect(listed[0]).toEqual(integration('alpha'));
      });

      it('removes an integration with its secret, checkpoints and states, keeping its records when not purging', async () => {
        await store.addIntegration(integration('keep'), { ciphertext: 's' });
        await store.commit('keep', 'users', [rec('x'), rec('y')], { c: 1 });
        await store.putCheckState(checkState('keep'));
        expect(await store.removeIntegration('keep', { purgeRecords: false })).toBe(true);
        expect(await store.getIntegration('keep')).toBeNull();
        expect(await store.getSecret('keep')).toBeNull();
        expect(await store.getCheckpoint('keep', 'users')).toBeNull();
        expect(await store.listCheckStates('keep')).toEqual([]);
        expect(await store.countRecords({ integration: 'keep' })).toBe(2);
        expect((await collect(store.exportRecords({ integration: 'keep' }))).map((r) => r.id)).toEqual(['x', 'y']);
      });

      it('removes an integration and its records when purging, leaving other integrations alone', async () => {
        for (const n of ['purge', 'other']) {
          await store.addIntegration(integration(n), { ciphertext: 's' });
          await store.commit(n, 'users', [rec('x')], { c: 1 });
          await store.putCheckState(checkState(n));
        }
        expect(await store.removeIntegration('purge', { purgeRecords: true })).toBe(true);
        expect(await store.countRecords({ integration: 'purge' })).toBe(0);
        expect(await store.getCheckpoint('purge', 'users')).toBeNull();
        expect(await store.listCheckStates('purge')).toEqual([]);
        expect(await store.getIntegration('other')).toEqual(integration('other'));
        expect(await store.getCheckpoint('other', 'users')).toEqual({ c: 1 });
        expect(await store.countRecords({ integration: 'other' })).toBe(1);
        expect(await store.listCheckStates('other')).toHaveLength(1);
      });

      it('reports false when removing an integration that does not exist', async () => {
        expect(await store.removeIntegration('ghost', { purgeRecords: true })).toBe(false);
        expect(await store.removeIntegration('ghost', { purgeRecords: false })).toBe(false);
      });

      it('lets the name of a removed integration be used again', async () => {
        await store.addIntegration(integration('again'), { ciphertext: 'one' });
        await store.removeIntegration('again', { purgeRecords: false });
        await store.addIntegration(integration('again', { tenantId: 'contoso.onmicrosoft.com' }), { ciphertext: 'two' });
        expect((await store.getIntegration('again'))?.tenantId).toBe('contoso.onmicrosoft.com');
        expect(await store.getSecret('again')).toEqual({ ciphertext: 'two' });
      });
    });

    describe('commit', () => {
      it('stores each (integration, check, id, version) once, counting only new records', async () => {
        const first = await store.commit('acme', 'security.alerts_v2', [rec('a'), rec('b')], { page: 1 });
        expect(first.inserted).toBe(2);
        const second = await store.commit('acme', 'security.alerts_v2', [rec('a'), rec('b', 'v2'), rec('c')], undefined);
        expect(second.inserted).toBe(2);
        // Same id under another check or integration is another record.
        expect((await store.commit('acme', 'users', [rec('a')], undefined)).inserted).toBe(1);
        expect((await store.commit('other', 'security.alerts_v2', [rec('a')], undefined)).inserted).toBe(1);
        expect(await store.countRecords({ integration: 'acme', check: 'security.alerts_v2' })).toBe(4);
        expect(await store.getCheckpoint('acme', 'security.alerts_v2')).toEqual({ page: 1 });
      });

      it('stores a record repeated within one batch once, keeping the first copy', async () => {
        const firstCopy = rec('same');
        const secondCopy = { ...rec('same'), raw: '{"id":"same","note":"second copy"}' };
        const result = await store.commit('batch', 'users', [firstCopy, rec('other'), secondCopy], 'c');
        expect(result.inserted).toBe(2);
        const out = await collect(store.exportRecords({ integration: 'batch' }));
        expect(out.map((r) => [r.id, r.raw])).toEqual([
          ['same', firstCopy.raw],
          ['other', rec('other').raw],
        ]);
      });

      it('re-delivering an already stored batch inserts nothing but still moves the checkpoint', async () => {
        const batch = [rec('r1'), rec('r2'), rec('r3')];
        expect((await store.commit('redo', 'auditLogs.signIns', batch, { at: 1 })).inserted).toBe(3);
        expect((await store.commit('redo', 'auditLogs.signIns', batch, { at: 2 })).inserted).toBe(0);
        expect(await store.getCheckpoint('redo', 'auditLogs.signIns')).toEqual({ at: 2 });
        expect(await store.countRecords({ integration: 'redo' })).toBe(3);
      });

      it('keeps the checkpoint when cursor is undefined and replaces it otherwise', async () => {
        await store.commit('cp', 'users', [], { deltaLink: 'https://graph/1', n: [1, { b: null }] });
        await store.commit('cp', 'users', [rec('u1')], undefined);
        expect(await store.getCheckpoint('cp', 'users')).toEqual({ deltaLink: 'https://graph/1', n: [1, { b: null }] });
        await store.commit('cp', 'users', [], 'plain');
        expect(await store.getCheckpoint('cp', 'users')).toBe('plain');
        expect(await store.getCheckpoint('cp', 'auditLogs.signIns')).toBeNull();
      });

      it('creates no checkpoint for a commit without a cursor', async () => {
        expect(await store.commit('nocp', 'users', [rec('a')], undefined)).toEqual({ inserted: 1 });
        expect(await store.getCheckpoint('nocp', 'users')).toBeNull();
        expect(await store.commit('nocp', 'users', [], undefined)).toEqual({ inserted: 0 });
      });

      it('round-trips checkpoints of every JSON shape exactly', async () => {
        const cursors = [
          0,
          false,
          null,
          '',
          'ünïcødé ✓ 🛰️',
          [],
          { watermark: '2026-02-01T10:00:00.1234567Z', seen: ['a', 'b'], nested: { n: -1.5, t: true, z: null } },
        ];
        for (const cursor of cursors) {
          await store.commit('shapes', 'security.incidents', [], cursor);
          expect(await store.getCheckpoint('shapes', 'security.incidents')).toEqual(cursor);
        }
      });

      it('keeps checkpoints of different checks and integrations apart', async () => {
        await store.commit('one', 'users', [], 'u1');
        await store.commit('one', 'security.incidents', [], 'i1');
        await store.commit('two', 'users', [], 'u2');
        expect(await store.getCheckpoint('one', 'users')).toBe('u1');
        expect(await store.getCheckpoint('one', 'security.incidents')).toBe('i1');
        expect(await store.getCheckpoint('two', 'users')).toBe('u2');
      });

      it('writes nothing, neither records nor checkpoint, when the commit fails part-way', async () => {
        await store.commit('atomic', 'users', [rec('ok1')], { at: 1 });
        // A record without an id violates NOT NULL in every backend; it comes after a valid new record, so the
        // valid one must be rolled back with it.
        const bad = { id: null, version: 'v', time: '2026-02-01T00:00:00Z', raw: '{}' } as unknown as NewRecord;
        const error = await store.commit('atomic', 'users', [rec('ok2'), rec('ok3'), bad], { at: 2 }).catch((e: unknown) => e);
        expect(isAzsecError(error, 'ERR_STORE')).toBe(true);
        expect(await store.countRecords({ integration: 'atomic' })).toBe(1);
        expect(await store.getCheckpoint('atomic', 'users')).toEqual({ at: 1 });
        // The store stays usable after the failed transaction.
        expect((await store.commit('atomic', 'users', [rec('ok2')], { at: 3 })).inserted).toBe(1);
        expect(await store.getCheckpoint('atomic', 'users')).toEqual({ at: 3 });
      });

      it('commits 10,000 records in one call', async () => {
        const batch = Array.from({ length: 10_000 }, (_, i) => rec(`big-${i}`, 'v1', `2026-02-01T10:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(7, '0')}Z`));
        expect((await store.commit('big', 'auditLogs.signIns', batch, { done: true })).inserted).toBe(10_000);
        expect(await store.countRecords({ integration: 'big' })).toBe(10_000);
        expect((await store.commit('big', 'auditLogs.signIns', batch, { done: true })).inserted).toBe(0);
      });

      it('lets concurrent commits of the same records insert each exactly once', async () => {
        const batch = Array.from({ length: 200 }, (_, i) => rec(`cc${i}`));
        const results = await Promise.all([1, 2, 3, 4].map(() => store.commit('conc', 'users', batch, undefined)));
        expect(results.reduce((sum, r) => sum + r.inserted, 0)).toBe(200);
        expect(await store.countRecords({ integration: 'conc' })).toBe(200);
      });
    });

    describe('export and count', () => {
      it('reads one record version back by its identity, or null', async () => {
        await store.commit('one', 'security.alerts_v2', [rec('a1', 'v1'), rec('a1', 'v2')], undefined);
        expect(await store.getRecord('one', 'security.alerts_v2', 'a1', 'v2')).toMatchObject({ id: 'a1', version: 'v2', raw: rec('a1', 'v2').raw });
        expect(await store.getRecord('one', 'security.alerts_v2', 'a1', 'v3')).toBeNull();
        expect(await store.getRecord('other', 'security.alerts_v2', 'a1', 'v1')).toBeNull();
      });

      it('counts records per check and hour of their own time', async () => {
        await store.commit('hours', 'auditLogs.signIns', [rec('s1', 'v', '2026-03-01T10:05:00Z'), rec('s2', 'v', '2026-03-01T10:59:59.9999999Z'), rec('s3', 'v', '2026-03-01T11:00:00Z'), rec('s0', 'v', '2026-03-01T08:00:00Z')], undefined);
        await store.commit('hours', 'users', [rec('u1', 'v', '2026-03-01T11:30:00Z')], undefined);
        await store.commit('elsewhere', 'users', [rec('x1', 'v', '2026-03-01T11:30:00Z')], undefined);
        const rows = await store.recordsPerHour('hours', '2026-03-01T09:00:00Z');
        expect(rows.sort((a, b) => `${a.hourStart}${a.check}`.localeCompare(`${b.hourStart}${b.check}`))).toEqual([
          { check: 'auditLogs.signIns', hourStart: '2026-03-01T10:00:00.000Z', count: 2 },
          { check: 'auditLogs.signIns', hourStart: '2026-03-01T11:00:00.000Z', count: 1 },
          { check: 'users', hourStart: '2026-03-01T11:00:00.000Z', count: 1 },
        ]);
      });

      it('exports in insertion order across pages with raw, time and storedAt exactly as stored', async () => {
        const records = Array.from({ length: 23 }, (_, i) => rec(`e${String(i).padStart(2, '0')}`, 'v1', `2026-02-0${(i % 9) + 1}T00:00:00Z`));
        // Raw text that a JSON round trip would change: escapes, a big number, unicode, whitespace.
        records[3] = { ...rec('e03'), raw: '{ "n": 12345678901234567890.10, "s": "\\u00e9 é 🛰️", "k": {"b":1,"a":2} }\n' };
        await store.commit('exp', 'auditLogs.signIns', records.slice(0, 10), undefined);
        await store.commit('exp', 'auditLogs.signIns', records.slice(10), undefined);
        const out = await collect(store.exportRecords({ integration: 'exp' }));
        expect(out.map((r) => r.id)).toEqual(records.map((r) => r.id));
        expect(out.map((r) => r.raw)).toEqual(records.map((r) => r.raw));
        expect(out[0]).toMatchObject({
          integration: 'exp',
          check: 'auditLogs.signIns',
          version: 'v1',
          raw: records[0]?.raw,
          time: records[0]?.time,
          storedAt: STORED_AT,
        });
        const seqs = out.map((r) => r.seq);
        expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
        expect(new Set(seqs).size).toBe(seqs.length);
      });

      it('exports an exact multiple of the page size without losing or repeating a record', async () => {
        await store.commit('pages', 'users', Array.from({ length: PAGE_SIZE * 3 }, (_, i) => rec(`p${i}`)), undefined);
        const out = await collect(store.exportRecords({ integration: 'pages' }));
        expect(out.map((r) => r.id)).toEqual(Array.from({ length: PAGE_SIZE * 3 }, (_, i) => `p${i}`));
      });

      it('hands out ever-increasing seq numbers, also after the newest records were purged', async () => {
        await store.commit('gone', 'users', [rec('g1'), rec('g2')], undefined);
        const before = await collect(store.exportRecords({}));
        const highest = Math.max(...before.map((r) => r.seq));
        await store.removeIntegration('gone', { purgeRecords: true });
        await store.commit('later', 'users', [rec('l1')], undefined);
        const [later] = await collect(store.exportRecords({ integration: 'later' }));
        expect(later?.seq).toBeGreaterThan(highest);
      });

      it('includes records committed while an export is under way, after the ones already read', async () => {
        await store.commit('live', 'users', Array.from({ length: 10 }, (_, i) => rec(`a${i}`)), undefined);
        const seen: string[] = [];
        for await (const r of store.exportRecords({ integration: 'live' })) {
          seen.push(r.id);
          if (seen.length === 2) await store.commit('live', 'users', [rec('late1'), rec('late2')], undefined);
        }
        expect(seen).toEqual([...Array.from({ length: 10 }, (_, i) => `a${i}`), 'late1', 'late2']);
      });

      it('filters exports and counts by integration and check', async () => {
        await store.commit('f1', 'users', [rec('u1'), rec('u2')], undefined);
        await store.commit('f1', 'security.incidents', [rec('i1')], undefined);
        await store.commit('f2', 'users', [rec('u1')], undefined);
        expect(await store.countRecords({})).toBe(4);
        expect(await store.countRecords({ integration: 'f1' })).toBe(3);
        expect(await store.countRecords({ check: 'users' })).toBe(3);
        expect(await store.countRecords({ integration: 'f1', check: 'users' })).toBe(2);
        const users = await collect(store.exportRecords({ check: 'users' }));
        expect(users.map((r) => `${r.integration}/${r.id}`)).toEqual(['f1/u1', 'f1/u2', 'f2/u1']);
        expect(await collect(store.exportRecords({ integration: 'nobody' }))).toEqual([]);
        expect(await store.countRecords({ integration: 'nobody' })).toBe(0);
      });

      it('filters by record time (at or after since), comparing instants across zones and precisions', async () => {
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
        expect(await store.countRecords({ ...since, check: 'users' })).toBe(1);
      });

      it('compares 7-digit Graph fractions as instants, not as text', async () => {
        await store.commit('frac', 'auditLogs.signIns', [
          // Compared as text, "…00Z" sorts after "…00.5Z" and "12:00…+02:00" after "10:00…Z": wrong both times.
          rec('whole', 'v', '2026-02-01T10:00:00Z'),
          rec('seven', 'v', '2026-02-01T10:00:00.1234567Z'),
          rec('offset', 'v', '2026-02-01T12:00:00.9000000+02:00'),
          rec('ms', 'v', '2026-02-01T10:00:01.5Z'),
        ], undefined);
        const ids = async (since: string): Promise<string[]> =>
          (await collect(store.exportRecords({ integration: 'frac', since }))).map((r) => r.id);
        expect(await ids('2026-02-01T10:00:00.0000000Z')).toEqual(['whole', 'seven', 'offset', 'ms']);
        expect(await ids('2026-02-01T10:00:00.5Z')).toEqual(['offset', 'ms']);
        expect(await ids('2026-02-01T10:00:00.1234560Z')).toEqual(['seven', 'offset', 'ms']);
        expect(await ids('2026-02-01T10:00:00.1234570Z')).toEqual(['offset', 'ms']);
        expect(await ids('2026-02-01T10:00:00.9Z')).toEqual(['offset', 'ms']);
        // Precision is the microsecond (as in PostgreSQL): a 7th digit alone does not move the instant.
        expect(await ids('2026-02-01T10:00:00.9000001Z')).toEqual(['offset', 'ms']);
        expect(await ids('2026-02-01T10:00:00.9000010Z')).toEqual(['ms']);
        expect(await ids('2026-02-01T11:00:00.5+01:00')).toEqual(['offset', 'ms']);
        expect(await store.countRecords({ integration: 'frac', since: '2026-02-01T10:00:01.4999999Z' })).toBe(1);
      });

      it('rejects a since that is not a timestamp with ERR_CONFIG_INVALID', async () => {
        const error = await store.countRecords({ since: 'yesterday' }).catch((e: unknown) => e);
        expect(isAzsecError(error, 'ERR_CONFIG_INVALID')).toBe(true);
        const exportError = await collect(store.exportRecords({ since: 'yesterday' })).catch((e: unknown) => e);
        expect(isAzsecError(exportError, 'ERR_CONFIG_INVALID')).toBe(true);
      });
    });

    describe('check states', () => {
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
        await store.putCheckState({ ...state, integration: 'another' });
        const updated = { ...state, state: 'ok' as const, consecutiveFailures: 0, collected: 40, reason: null, warnedAt: null };
        await store.putCheckState(updated);
        expect(await store.getCheckState('cs', 'security.incidents')).toEqual(updated);
        expect((await store.listCheckStates('cs')).map((s) => s.check)).toEqual(['auditLogs.signIns', 'security.incidents']);
        expect((await store.listCheckStates()).map((s) => `${s.integration}/${s.check}`)).toEqual([
          'another/security.incidents',
          'cs/auditLogs.signIns',
          'cs/security.incidents',
        ]);
        expect(await store.getCheckState('cs', 'users')).toBeNull();
      });

      it('round-trips every field of a check state, including large counters and every state name', async () => {
        const names = ['ok', 'unavailable', 'throttled', 'error', 'pending', 'disabled'] as const;
        for (const [i, name] of names.entries()) {
          const state = checkState('every', {
            check: (['users', 'security.incidents', 'security.alerts_v2', 'auditLogs.signIns', 'auditLogs.directoryAudits', 'security.secureScores'] as const)[i] ?? 'users',
            state: name,
            reason: `reason ${name} ✓`,
            errorCode: 'ERR_GRAPH_FORBIDDEN_LICENSE',
            lastAttemptAt: '2026-02-01T00:00:00.1234567Z',
            lastSuccessAt: '2026-01-31T23:55:00Z',
            nextDueAt: 'not a timestamp',
            collected: 9_007_199_254_740_991,
            lastRunCollected: 1_000_000,
            consecutiveFailures: 17,
            warnedAt: '2026-02-01T00:00:01Z',
          });
          await store.putCheckState(state);
          expect(await store.getCheckState('every', state.check)).toEqual(state);
        }
      });
    });

    describe('signals', () => {
      signalContract(() => store);
    });

    describe('signal stage, alerts and settings', () => {
      stageContract(() => store);
    });

    it('migrates again without losing anything', async () => {
      await store.addIntegration(integration('mig'), { ciphertext: 's' });
      await store.commit('mig', 'users', [rec('m')], 'cursor');
      await store.migrate();
      await store.migrate();
      expect(await store.getIntegration('mig')).toEqual(integration('mig'));
      expect(await store.getCheckpoint('mig', 'users')).toBe('cursor');
      expect(await store.countRecords({ integration: 'mig' })).toBe(1);
    });
  });
}
