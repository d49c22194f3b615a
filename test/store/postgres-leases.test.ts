// The PostgreSQL LeaseStore against the lease contract, plus what only a shared database shows: workers in
// separate processes (separate pools) and the database clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAzsecError } from '../../src/core/errors.ts';
import { createPostgresLeases } from '../../src/store/postgres/postgres-leases.ts';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { postgresAvailable, withTempDatabase } from '../helpers/postgres.ts';
import type { TempDatabase } from '../helpers/postgres.ts';
import { leaseContract, manualClock } from './lease-contract.ts';

const available = await postgresAvailable();

describe.skipIf(!available)('PostgreSQL leases', () => {
  let db: TempDatabase;
  let store: PostgresStore;

  beforeAll(async () => {
    db = await withTempDatabase();
    store = await createPostgresStore({ url: db.url, poolSize: 8 });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  async function empty(): Promise<void> {
    await store.pool.query('TRUNCATE integrations, leases, workers, check_states, checkpoints, records');
  }

  leaseContract('PostgreSQL', async (clock) => {
    await empty();
    const leases = await createPostgresLeases({ pool: store.pool, clock });
    return { leases, store, cleanup: () => leases.close() };
  });

  it('keeps workers in separate processes (separate pools) off each other, on the database clock', async () => {
    await empty();
    for (let i = 0; i < 10; i += 1) {
      await store.addIntegration(
        {
          name: `p-${i}`, tenantId: `t-${i}`, clientId: 'c', credentialKind: 'secret', certificatePem: null, cloud: 'global',
          loginUrl: null, graphUrl: null, intervalMs: 60_000, initialLookbackMs: 60_000, lateWindowMs: 60_000, enabled: true,
          disabledChecks: [], createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
        },
        { ciphertext: 's' },
      );
    }
    // No clock injected: expiry comes from the server's clock.
    const processes = await Promise.all([1, 2].map(() => createPostgresLeases({ url: db.url, poolSize: 3 })));
    try {
      await Promise.all(processes.map((p, i) => p.claim(`proc-${i}`, 0, 60_000)));
      const before = Date.now();
      const results = await Promise.all(processes.flatMap((p, i) => [p.claim(`proc-${i}`, 10, 60_000), p.claim(`proc-${i}`, 10, 60_000)]));
      const claimed = results.flat();
      expect(claimed.map((l) => l.integration).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `p-${i}`).sort());
      expect(claimed.filter((l) => l.workerId === 'proc-0')).toHaveLength(5);
      // Generous bounds: the server's clock is this machine's clock.
      for (const lease of claimed) expect(lease.expiresAt).toBeGreaterThan(before + 60_000 - 5_000);
      const [a] = claimed;
      const other = processes[a!.workerId === 'proc-0' ? 1 : 0]!;
      const error = await other.commitFenced({ ...a!, workerId: 'intruder' }, a!.integration, 'users', [], { x: 1 }).catch((e: unknown) => e);
      expect(isAzsecError(error, 'ERR_LEASE_LOST')).toBe(true);
      await other.commitFenced(a!, a!.integration, 'users', [{ id: '1', version: '1', time: '2026-01-01T00:00:00Z', raw: '{}' }], { x: 2 });
      expect(await store.getCheckpoint(a!.integration, 'users')).toEqual({ x: 2 });
      await processes[0]!.leave('proc-0');
      expect(await processes[1]!.claim('proc-1', 10, 60_000)).toHaveLength(5);
    } finally {
      await Promise.all(processes.map((p) => p.close()));
    }
  });

  it('keeps every integration with one owner at a time while three processes claim, commit and release in a loop', async () => {
    await empty();
    for (let i = 0; i < 7; i += 1) {
      await store.addIntegration(
        {
          name: `loop-${i}`, tenantId: `t-${i}`, clientId: 'c', credentialKind: 'secret', certificatePem: null, cloud: 'global',
          loginUrl: null, graphUrl: null, intervalMs: 60_000, initialLookbackMs: 60_000, lateWindowMs: 60_000, enabled: true,
          disabledChecks: [], createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
        },
        { ciphertext: 's' },
      );
    }
    const processes = await Promise.all([0, 1, 2].map(() => createPostgresLeases({ url: db.url, poolSize: 2 })));
    const owner = new Map<string, string>();
    const violations: string[] = [];
    let commits = 0;
    const expected = new Set<string>();
    try {
      await Promise.all(
        processes.map(async (leases, p) => {
          const worker = `loop-worker-${p}`;
          for (let round = 0; round < 6; round += 1) {
            for (const lease of await leases.claim(worker, 10, 60_000)) {
              const current = owner.get(lease.integration);
              if (current !== undefined) violations.push(`${lease.integration}: ${worker} claimed while ${current} held it`);
              owner.set(lease.integration, worker);
              const records = [0, 1, 2].map((n) => ({ id: `r${round}-${n}`, version: '1', time: '2026-01-01T00:00:00Z', raw: '{}' }));
              await leases.commitFenced(lease, lease.integration, 'users', records, { round, worker });
              commits += 1;
              for (const r of records) expected.add(`${lease.integration}|${r.id}`);
              owner.delete(lease.integration);
              await leases.release(lease);
            }
          }
        }),
      );
    } finally {
      await Promise.all(processes.map((p) => p.close()));
    }
    expect(violations).toEqual([]);
    expect(commits).toBeGreaterThan(0);
    // Every committed record is stored once, whichever worker committed it and however often.
    expect(await store.countRecords({ check: 'users' })).toBe(expected.size);
  });

  it('does not hand a lease over while its fenced commit is still in its transaction', async () => {
    await empty();
    const clock = manualClock();
    const leases = await createPostgresLeases({ pool: store.pool, clock });
    await store.addIntegration(
      {
        name: 'busy', tenantId: 't', clientId: 'c', credentialKind: 'secret', certificatePem: null, cloud: 'global',
        loginUrl: null, graphUrl: null, intervalMs: 60_000, initialLookbackMs: 60_000, lateWindowMs: 60_000, enabled: true,
        disabledChecks: [], createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
      },
      { ciphertext: 's' },
    );
    const [lease] = await leases.claim('w1', 1, 60_000);
    // Hold the lease row the way commitFenced does between its check and its COMMIT.
    const inFlight = await store.pool.connect();
    try {
      await inFlight.query('BEGIN');
      await inFlight.query('SELECT token FROM leases WHERE integration = $1 FOR UPDATE', ['busy']);
      clock.advance(60_000);
      // Expired, but locked: the claim skips it instead of waiting or taking it.
      expect(await leases.claim('w2', 1, 60_000)).toEqual([]);
      await inFlight.query('COMMIT');
    } finally {
      inFlight.release();
    }
    const [successor] = await leases.claim('w2', 1, 60_000);
    expect(successor?.integration).toBe('busy');
    expect(successor!.token).toBeGreaterThan(lease!.token);
  });

  it('drops the lease with its integration', async () => {
    await empty();
    const leases = await createPostgresLeases({ pool: store.pool });
    await store.addIntegration(
      {
        name: 'gone', tenantId: 't', clientId: 'c', credentialKind: 'secret', certificatePem: null, cloud: 'global',
        loginUrl: null, graphUrl: null, intervalMs: 60_000, initialLookbackMs: 60_000, lateWindowMs: 60_000, enabled: true,
        disabledChecks: [], createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
      },
      { ciphertext: 's' },
    );
    const [lease] = await leases.claim('w', 1, 60_000);
    expect(lease?.integration).toBe('gone');
    await store.removeIntegration('gone', { purgeRecords: true });
    const error = await leases.commitFenced(lease!, 'gone', 'users', [{ id: '1', version: '1', time: '2026-01-01T00:00:00Z', raw: '{}' }], undefined).catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_LEASE_LOST')).toBe(true);
    expect(await store.countRecords({ integration: 'gone' })).toBe(0);
    expect(await leases.renew(lease!, 60_000)).toBe(false);
  });
});
