// The LeaseStore contract, run against every implementation (PostgreSQL and in-memory). Time is a manual clock
// given to the implementation: expiry is tested by moving it, never by sleeping.
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../src/core/check-ids.ts';
import type { CheckId } from '../../src/core/check-ids.ts';
import type { Clock } from '../../src/core/clock.ts';
import { isAzsecError } from '../../src/core/errors.ts';
import type { Lease, LeaseStore } from '../../src/store/lease.ts';
import type { CheckState, Integration, NewRecord, Store } from '../../src/store/store.ts';

export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function manualClock(start = Date.parse('2026-04-01T00:00:00.000Z')): ManualClock {
  let t = start;
  return { now: () => t, sleep: async (ms) => void (t += ms), advance: (ms) => void (t += ms) };
}

export interface LeaseHarness {
  leases: LeaseStore;
  /** The store the fenced commits write to; empty at the start of each test. */
  store: Store;
  cleanup(): Promise<void>;
}

const LEASE_MS = 30_000;

function integration(name: string, overrides: Partial<Integration> = {}): Integration {
  return {
    name,
    tenantId: `tenant-${name}`,
    clientId: 'client',
    credentialKind: 'secret',
    certificatePem: null,
    cloud: 'global',
    loginUrl: null,
    graphUrl: null,
    intervalMs: 300_000,
    initialLookbackMs: 86_400_000,
    lateWindowMs: 600_000,
    enabled: true,
    disabledChecks: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

function state(name: string, check: CheckId, nextDueAt: string | null, overrides: Partial<CheckState> = {}): CheckState {
  return {
    integration: name,
    check,
    state: 'ok',
    reason: null,
    errorCode: null,
    lastAttemptAt: null,
    lastSuccessAt: null,
    nextDueAt,
    collected: 0,
    lastRunCollected: 0,
    consecutiveFailures: 0,
    warnedAt: null,
    ...overrides,
  };
}

function record(id: string): NewRecord {
  return { id, version: '1', time: '2026-03-31T23:00:00Z', raw: `{"id":"${id}"}` };
}

function names(leases: readonly Lease[]): string[] {
  return leases.map((l) => l.integration).sort();
}

export function leaseContract(name: string, make: (clock: ManualClock) => Promise<LeaseHarness>): void {
  describe(`LeaseStore contract: ${name}`, () => {
    let clock: ManualClock;
    let h: LeaseHarness;

    beforeEach(async () => {
      clock = manualClock();
      h = await make(clock);
    });
    afterEach(async () => {
      await h.cleanup();
    });

    async function addIntegrations(count: number, prefix = 'tenant'): Promise<string[]> {
      const list = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}`);
      for (const n of list) await h.store.addIntegration(integration(n), { ciphertext: 'sealed' });
      return list;
    }

    it('never gives the same integration to two workers claiming concurrently', async () => {
      const all = await addIntegrations(12);
      const workers = ['w1', 'w2', 'w3', 'w4'];
      for (const w of workers) expect(await h.leases.claim(w, 0, LEASE_MS)).toEqual([]);
      for (let round = 0; round < 3; round += 1) {
        // Two overlapping claims per worker, all in flight together.
        const results = await Promise.all([...workers, ...workers].map((w) => h.leases.claim(w, 12, LEASE_MS)));
        const claimed = results.flat();
        expect(names(claimed)).toEqual([...new Set(names(claimed))]);
        expect(names(claimed)).toEqual(all);
        for (const w of workers) expect(claimed.filter((l) => l.workerId === w).length).toBeLessThanOrEqual(3);
        const tokens = claimed.map((l) => l.token);
        expect(new Set(tokens).size).toBe(tokens.length);
        for (const lease of claimed) await h.leases.release(lease);
      }
    });

    it('gives an expired lease to another worker with a higher fencing token', async () => {
      await addIntegrations(1);
      const [first] = await h.leases.claim('w1', 5, LEASE_MS);
      expect(first).toMatchObject({ integration: 'tenant-00', workerId: 'w1', expiresAt: clock.now() + LEASE_MS });
      expect(await h.leases.claim('w2', 5, LEASE_MS)).toEqual([]);
      clock.advance(LEASE_MS);
      const [second] = await h.leases.claim('w2', 5, LEASE_MS);
      expect(second?.integration).toBe('tenant-00');
      expect(second?.workerId).toBe('w2');
      expect(second!.token).toBeGreaterThan(first!.token);
    });

    it("refuses the paused holder's commit after a takeover and writes nothing", async () => {
      await addIntegrations(1);
      const [old] = await h.leases.claim('w1', 1, LEASE_MS);
      await h.leases.commitFenced(old!, 'tenant-00', 'users', [record('a')], { page: 1 });
      clock.advance(LEASE_MS + 1);
      const [successor] = await h.leases.claim('w2', 1, LEASE_MS);
      await h.leases.commitFenced(successor!, 'tenant-00', 'users', [record('b')], { page: 2 });

      const error = await h.leases
        .commitFenced(old!, 'tenant-00', 'users', [record('stale-1'), record('stale-2')], { page: 99 })
        .catch((e: unknown) => e);
      expect(isAzsecError(error, 'ERR_LEASE_LOST')).toBe(true);
      expect(await h.store.countRecords({ integration: 'tenant-00' })).toBe(2);
      expect(await h.store.getCheckpoint('tenant-00', 'users')).toEqual({ page: 2 });
    });

    it('refuses a commit on an expired lease even before anyone takes it over', async () => {
      await addIntegrations(1);
      const [lease] = await h.leases.claim('w1', 1, LEASE_MS);
      clock.advance(LEASE_MS);
      const error = await h.leases.commitFenced(lease!, 'tenant-00', 'users', [record('late')], { x: 1 }).catch((e: unknown) => e);
      expect(isAzsecError(error, 'ERR_LEASE_LOST')).toBe(true);
      expect(await h.store.countRecords({})).toBe(0);
      expect(await h.store.getCheckpoint('tenant-00', 'users')).toBeNull();
    });

    it('refuses a fenced commit for an integration other than the leased one', async () => {
      await addIntegrations(2);
      const [lease] = await h.leases.claim('w1', 1, LEASE_MS);
      const other = lease!.integration === 'tenant-00' ? 'tenant-01' : 'tenant-00';
      const error = await h.leases.commitFenced(lease!, other, 'users', [record('x')], undefined).catch((e: unknown) => e);
      expect(isAzsecError(error, 'ERR_LEASE_LOST')).toBe(true);
      expect(await h.store.countRecords({})).toBe(0);
    });

    it('stores records and moves the checkpoint through a held lease, once per record version', async () => {
      await addIntegrations(1);
      const [lease] = await h.leases.claim('w1', 1, LEASE_MS);
      const first = await h.leases.commitFenced(lease!, 'tenant-00', 'security.alerts_v2', [record('a'), record('b')], { n: 1 });
      const again = await h.leases.commitFenced(lease!, 'tenant-00', 'security.alerts_v2', [record('b'), record('c')], undefined);
      expect(first.inserted).toBe(2);
      expect(again.inserted).toBe(1);
      expect(await h.store.getCheckpoint('tenant-00', 'security.alerts_v2')).toEqual({ n: 1 });
    });

    it('renews a held lease, and returns false once it is lost', async () => {
      await addIntegrations(1);
      const [lease] = await h.leases.claim('w1', 1, LEASE_MS);
      clock.advance(LEASE_MS - 1_000);
      expect(await h.leases.renew(lease!, LEASE_MS)).toBe(true);
      expect(lease!.expiresAt).toBe(clock.now() + LEASE_MS);
      clock.advance(LEASE_MS - 1_000); // past the original expiry, inside the renewed one
      expect(await h.leases.claim('w2', 1, LEASE_MS)).toEqual([]);
      await h.leases.commitFenced(lease!, 'tenant-00', 'users', [record('kept')], undefined);

      clock.advance(1_000); // now expired
      expect(await h.leases.renew(lease!, LEASE_MS)).toBe(false);
      const [successor] = await h.leases.claim('w2', 1, LEASE_MS);
      expect(successor?.integration).toBe('tenant-00');
      expect(await h.leases.renew(lease!, LEASE_MS)).toBe(false);
      expect(await h.leases.renew(successor!, LEASE_MS)).toBe(true);
    });

    it("releases a lease for others to claim, while a stale release leaves the successor's lease alone", async () => {
      await addIntegrations(1);
      const [first] = await h.leases.claim('w1', 1, LEASE_MS);
      await h.leases.release(first!);
      expect(await h.leases.renew(first!, LEASE_MS)).toBe(false);
      const [second] = await h.leases.claim('w2', 1, LEASE_MS);
      expect(second!.token).toBeGreaterThan(first!.token);
      await h.leases.release(first!); // a late duplicate release from the old holder
      expect(await h.leases.claim('w3', 1, LEASE_MS)).toEqual([]);
      expect(await h.leases.renew(second!, LEASE_MS)).toBe(true);
      const error = await h.leases.commitFenced(first!, 'tenant-00', 'users', [record('x')], undefined).catch((e: unknown) => e);
      expect(isAzsecError(error, 'ERR_LEASE_LOST')).toBe(true);
    });

    it('spreads integrations evenly as workers join and leave', async () => {
      await addIntegrations(9);
      async function round(workers: string[]): Promise<Record<string, number>> {
        const counts: Record<string, number> = {};
        const all: Lease[] = [];
        for (const w of workers) {
          const got = await h.leases.claim(w, 100, LEASE_MS);
          counts[w] = got.length;
          all.push(...got);
        }
        for (const lease of all) await h.leases.release(lease);
        return counts;
      }
      expect(await round(['a'])).toEqual({ a: 9 });
      await h.leases.claim('b', 0, LEASE_MS); // b's heartbeat: it joins
      expect(await round(['a', 'b'])).toEqual({ a: 5, b: 4 });
      await h.leases.claim('c', 0, LEASE_MS);
      expect(await round(['a', 'b', 'c'])).toEqual({ a: 3, b: 3, c: 3 });
      await h.leases.leave('c'); // graceful departure
      expect(await round(['a', 'b'])).toEqual({ a: 5, b: 4 });
      // b stops heart-beating: once its heartbeat lapses, a's share grows back to everything.
      clock.advance(LEASE_MS / 2);
      await h.leases.claim('a', 0, LEASE_MS);
      clock.advance(LEASE_MS / 2);
      expect(await round(['a'])).toEqual({ a: 9 });
    });

    it('counts leases a worker already holds against its share', async () => {
      await addIntegrations(6);
      await h.leases.claim('b', 0, LEASE_MS);
      const first = await h.leases.claim('a', 2, LEASE_MS);
      expect(first).toHaveLength(2);
      expect(await h.leases.claim('a', 100, LEASE_MS)).toHaveLength(1);
      expect(await h.leases.claim('a', 100, LEASE_MS)).toEqual([]);
      expect(await h.leases.claim('b', 100, LEASE_MS)).toHaveLength(3);
    });

    it('refuses a lease duration that is not a positive number of milliseconds', async () => {
      await addIntegrations(1);
      for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
        const error = await h.leases.claim('w', 1, bad).catch((e: unknown) => e);
        expect(isAzsecError(error, 'ERR_CONFIG_INVALID')).toBe(true);
      }
      const [lease] = await h.leases.claim('w', 1, 1_500.5);
      expect(lease?.expiresAt).toBeGreaterThanOrEqual(clock.now() + 1_500);
      expect(isAzsecError(await h.leases.renew(lease!, 0).catch((e: unknown) => e), 'ERR_CONFIG_INVALID')).toBe(true);
    });

    it('claims only enabled integrations with a due or never-run enabled check', async () => {
      const future = new Date(clock.now() + 60_000).toISOString();
      const past = new Date(clock.now() - 1).toISOString();
      await h.store.addIntegration(integration('disabled', { enabled: false }), { ciphertext: 's' });
      await h.store.addIntegration(integration('not-due'), { ciphertext: 's' });
      await h.store.addIntegration(integration('one-due'), { ciphertext: 's' });
      await h.store.addIntegration(integration('never-ran-check'), { ciphertext: 's' });
      await h.store.addIntegration(integration('only-disabled-due', { disabledChecks: ['users'] }), { ciphertext: 's' });
      for (const check of CHECK_IDS) {
        await h.store.putCheckState(state('not-due', check, future));
        await h.store.putCheckState(state('one-due', check, check === 'auditLogs.signIns' ? past : future));
        if (check !== 'security.secureScores') await h.store.putCheckState(state('never-ran-check', check, future));
        // 'users' is disabled on the integration, another check sits in state 'disabled': neither makes it due.
        const disabledState = check === 'auditLogs.directoryAudits' ? { state: 'disabled' as const } : {};
        await h.store.putCheckState(state('only-disabled-due', check, check === 'users' || check === 'auditLogs.directoryAudits' ? past : future, disabledState));
      }
      expect(names(await h.leases.claim('w', 100, LEASE_MS))).toEqual(['never-ran-check', 'one-due']);
      clock.advance(60_000);
      // Everything is due now; the first two leases expired meanwhile, so they are claimable again too.
      expect(names(await h.leases.claim('w', 100, LEASE_MS))).toEqual(['never-ran-check', 'not-due', 'one-due', 'only-disabled-due']);
    });
  });
}
