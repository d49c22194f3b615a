// The collector against the simulator, check by check: backfill, resume, paging, late arrivals, records sharing a
// timestamp across page boundaries, entity updates, user deletions, and the cost of an idle cycle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CHECKS, checkById } from '../../src/checks/all-checks.ts';
import type { CheckId } from '../../src/core/check-ids.ts';
import type { SimEndpoint } from '../../src/simulator/types.ts';
import { ids, keys, startHarness } from '../helpers/collector-harness.ts';
import type { Harness } from '../helpers/collector-harness.ts';

const TIME_KEYED: CheckId[] = ['security.incidents', 'security.alerts_v2', 'identityProtection.riskDetections', 'identityProtection.riskyUsers', 'auditLogs.signIns', 'auditLogs.directoryAudits', 'security.secureScores'];

describe('collecting every check from a full tenant', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ tenants: [{ name: 'contoso', profile: 'full', volume: { 'auditLogs.signIns': 3_500, 'auditLogs.directoryAudits': 1_200, 'security.alerts_v2': 260, 'security.incidents': 120 } }] });
    await h.collector.pollOnce();
  });
  afterAll(() => h.close());

  /** Every (id, version) the simulator shows now is stored, and nothing is stored twice. */
  async function expectComplete(check: CheckId): Promise<void> {
    const stored = await h.records('contoso', check);
    expect(new Set(keys(stored)).size).toBe(stored.length);
    const simRecords = h.sim.tenant('contoso').records(check as SimEndpoint);
    if (check === 'users') {
      expect(ids(stored.filter((r) => !r.raw.includes('"@removed"')))).toEqual(expect.arrayContaining(ids(simRecords)));
      return;
    }
    const def = checkById(check);
    const expected = simRecords.map((r) => def.keyOf(r, JSON.stringify(r), 0)).map((k) => `${k.id}|${k.version}`);
    expect(keys(stored)).toEqual(expect.arrayContaining(expected));
    expect(ids(stored)).toEqual(ids(simRecords));
  }

  it.each(ALL_CHECKS.map((c) => c.id))('backfills %s completely on the first run, across pages', async (check) => {
    const states = await h.store.listCheckStates('contoso');
    expect(states.find((s) => s.check === check)?.state).toBe('ok');
    await expectComplete(check);
  });

  it('keeps every record exactly as Graph sent it', async () => {
    const [signIn] = await h.records('contoso', 'auditLogs.signIns');
    const simVersion = h.sim.tenant('contoso').records('auditLogs.signIns').find((r) => r.id === signIn?.id);
    expect(JSON.parse(signIn?.raw ?? 'null')).toEqual(simVersion);
  });

  it('an idle steady-state cycle costs at most 8 Graph requests and stores nothing new', async () => {
    await h.collector.pollOnce();
    h.sim.clearRequestLog();
    const before = await h.store.countRecords({ integration: 'contoso' });
    await h.collector.pollOnce();
    const graphRequests = h.sim.requestLog().filter((e) => e.endpoint !== 'token' && e.endpoint !== 'metadata');
    expect(graphRequests.length).toBeLessThanOrEqual(8);
    expect(await h.store.countRecords({ integration: 'contoso' })).toBe(before);
  });

  it('resumes from its checkpoints: new records, late arrivals and updated entities are each stored once', async () => {
    const t = h.sim.tenant('contoso');
    h.sim.advance(60_000);
    t.add('auditLogs.signIns', 40);
    t.add('auditLogs.signIns', 15, { lateByMs: 6 * 60_000 });
    t.add('auditLogs.directoryAudits', 12, { lateByMs: 4 * 60_000 });
    t.add('security.incidents', 2);
    t.add('security.alerts_v2', 5);
    t.update('security.alerts_v2', 6);
    t.update('security.incidents', 3);
    t.add('identityProtection.riskDetections', 4);
    t.update('identityProtection.riskDetections', 3);
    t.update('identityProtection.riskyUsers', 2);
    t.add('users', 3);
    t.update('users', 2);
    h.sim.advance(60_000);
    await h.collector.pollOnce();
    for (const check of [...TIME_KEYED, 'users'] as CheckId[]) await expectComplete(check);
  });

  it('stores records that share one timestamp across a page boundary exactly once', async () => {
    const at = h.sim.now() - 30_000;
    const added = h.sim.tenant('contoso').addAtSameTime('auditLogs.signIns', 2_500, at);
    await h.collector.pollOnce();
    const stored = new Set((await h.records('contoso', 'auditLogs.signIns')).map((r) => r.id));
    expect(added.every((r) => stored.has(String(r.id)))).toBe(true);
    await expectComplete('auditLogs.signIns');
  });

  it('records deleted users from the delta as @removed', async () => {
    const deleted = h.sim.tenant('contoso').deleteUsers(2);
    await h.collector.pollOnce();
    const removals = (await h.records('contoso', 'users')).filter((r) => r.raw.includes('"@removed"')).map((r) => r.id);
    expect(removals).toEqual(expect.arrayContaining(deleted));
  });

  it('resyncs users in full when the delta link has expired (410), without storing unchanged users twice', async () => {
    const before = await h.records('contoso', 'users');
    h.sim.tenant('contoso').expireDeltaTokens();
    await h.collector.pollOnce();
    const after = await h.records('contoso', 'users');
    expect(after.length).toBe(before.length);
    expect(h.sim.requestCount({ endpoint: 'users', status: 410 })).toBeGreaterThan(0);
    expect(h.logs.some((l) => l.includes('full resync'))).toBe(true);
    const state = (await h.store.listCheckStates('contoso')).find((s) => s.check === 'users');
    expect(state?.state).toBe('ok');
  });

  it('logs one "fetched <N> events" line per check and cycle', () => {
    const fetched = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => /^fetched \d+ events$/.test(String(e.msg)));
    expect(fetched.length).toBeGreaterThanOrEqual(8);
    expect(fetched[0]).toMatchObject({ component: 'azure-security', integration: 'contoso' });
  });
});
