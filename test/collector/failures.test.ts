// How the collector behaves when Graph or Entra ID misbehave: throttling with and without Retry-After, persistent
// throttling (cooldown while the rest continues), 403 for a missing permission versus a missing licence, tokens
// revoked mid-paging, 5xx, truncated bodies and resets, token endpoint errors, and two tenants kept apart.
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckId } from '../../src/core/check-ids.ts';
import { ALL_PERMISSIONS } from '../../src/simulator/profiles.ts';
import { integrationHealth } from '../../src/scheduler/integration-health.ts';
import { ids, startHarness } from '../helpers/collector-harness.ts';
import type { Harness } from '../helpers/collector-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function stateOf(harness: Harness, integration: string, check: CheckId) {
  return (await harness.store.listCheckStates(integration)).find((s) => s.check === check);
}

async function signInsComplete(harness: Harness, tenant = 'contoso'): Promise<void> {
  const stored = await harness.records(tenant, 'auditLogs.signIns');
  expect(new Set(stored.map((r) => r.id)).size).toBe(stored.length);
  expect(ids(stored)).toEqual(ids(harness.sim.tenant(tenant).records('auditLogs.signIns')));
}

const BIG = { name: 'contoso', profile: 'full', volume: { 'auditLogs.signIns': 2_600 } } as const;

describe('throttling', () => {
  it('waits out 429s with a fractional Retry-After and collects everything', async () => {
    h = await startHarness({ tenants: [BIG] });
    h.sim.injectFault({ kind: 'throttle', count: 3, retryAfter: 0.25, match: { endpoint: 'auditLogs.signIns', pageAfterFirst: true } });
    await h.collector.pollOnce();
    expect((await stateOf(h, 'contoso', 'auditLogs.signIns'))?.state).toBe('ok');
    expect(h.sim.requestCount({ endpoint: 'auditLogs.signIns', status: 429 })).toBe(3);
    await signInsComplete(h);
  });

  it('backs off with jitter when a 429 has no Retry-After (identity protection)', async () => {
    h = await startHarness({ tenants: [{ name: 'contoso', profile: 'full' }] });
    h.sim.injectFault({ kind: 'throttle', count: 2, match: { endpoint: 'identityProtection.riskDetections' } });
    await h.collector.pollOnce();
    expect((await stateOf(h, 'contoso', 'identityProtection.riskDetections'))?.state).toBe('ok');
    expect(ids(await h.records('contoso', 'identityProtection.riskDetections'))).toEqual(ids(h.sim.tenant('contoso').records('identityProtection.riskDetections')));
  });

  it('puts a persistently throttled check in a 10-minute cooldown while the others keep collecting, then resumes', async () => {
    h = await startHarness({ tenants: [BIG] });
    h.sim.injectFault({ kind: 'throttle', count: 1_000, retryAfter: 0.01, match: { endpoint: 'auditLogs.signIns', pageAfterFirst: true } });
    await h.collector.pollOnce();
    const throttled = await stateOf(h, 'contoso', 'auditLogs.signIns');
    expect(throttled?.state).toBe('throttled');
    expect(Date.parse(throttled?.nextDueAt ?? '') - h.sim.now()).toBeGreaterThan(9 * 60_000);
    expect((await stateOf(h, 'contoso', 'auditLogs.directoryAudits'))?.state).toBe('ok');
    expect((await stateOf(h, 'contoso', 'users'))?.state).toBe('ok');
    const storedBefore = (await h.records('contoso', 'auditLogs.signIns')).length;
    expect(storedBefore).toBeGreaterThan(0);

    // During the cooldown the check is not called at all.
    h.sim.clearRequestLog();
    await h.collector.pollOnce();
    expect(h.sim.requestCount({ endpoint: 'auditLogs.signIns' })).toBe(0);

    h.sim.clearFaults();
    h.sim.advance(11 * 60_000);
    await h.collector.pollOnce();
    expect((await stateOf(h, 'contoso', 'auditLogs.signIns'))?.state).toBe('ok');
    await signInsComplete(h);
    expect(integrationHealth(await h.store.listCheckStates('contoso')).state).toBe('ok');
  });
});

describe('403: missing permission versus missing licence', () => {
  it('reports licence-gated checks as unavailable with the licence, and keeps the integration ok', async () => {
    h = await startHarness({ tenants: [{ name: 'litware', profile: 'free' }] });
    await h.collector.pollOnce();
    const states = await h.store.listCheckStates('litware');
    const by = (id: CheckId) => states.find((s) => s.check === id);
    for (const id of ['auditLogs.signIns', 'identityProtection.riskDetections', 'identityProtection.riskyUsers', 'security.incidents', 'security.alerts_v2'] as CheckId[]) {
      expect(by(id)?.state).toBe('unavailable');
      expect(by(id)?.errorCode).toBe('ERR_GRAPH_FORBIDDEN_LICENSE');
    }
    expect(by('auditLogs.signIns')?.reason).toContain('Entra ID P1 or P2');
    expect(by('identityProtection.riskyUsers')?.reason).toContain('P2');
    expect(by('security.incidents')?.reason).toContain('Defender XDR');
    for (const id of ['auditLogs.directoryAudits', 'users', 'security.secureScores'] as CheckId[]) expect(by(id)?.state).toBe('ok');
    expect(integrationHealth(states).state).toBe('ok');
  });

  it('names the missing permission, warns once, and notices a later grant by itself', async () => {
    h = await startHarness({ tenants: [{ name: 'tailspin', profile: 'minimal-permissions' }] });
    await h.collector.pollOnce();
    const incidents = await stateOf(h, 'tailspin', 'security.incidents');
    expect(incidents?.state).toBe('unavailable');
    expect(incidents?.errorCode).toBe('ERR_GRAPH_FORBIDDEN_PERMISSION');
    expect(incidents?.reason).toContain('SecurityIncident.Read.All');
    expect(integrationHealth(await h.store.listCheckStates('tailspin')).state).toBe('degraded');
    // Checked from the token's roles: no request was wasted on it.
    expect(h.sim.requestCount({ endpoint: 'security.incidents' })).toBe(0);

    await h.collector.pollOnce();
    const warnings = h.logs.filter((l) => l.includes('"check":"security.incidents"') && l.includes('"level":40'));
    expect(warnings).toHaveLength(1);

    h.sim.tenant('tailspin').setPermissions([...ALL_PERMISSIONS]);
    h.sim.advance(61 * 60_000);
    await h.collector.pollOnce();
    expect((await stateOf(h, 'tailspin', 'security.incidents'))?.state).toBe('ok');
    expect((await h.records('tailspin', 'security.incidents')).length).toBeGreaterThan(0);
  });

  it('treats a 403 Authorization_RequestDenied from Graph as a missing permission', async () => {
    h = await startHarness({ tenants: [{ name: 'contoso', profile: 'full' }] });
    h.sim.injectFault({
      kind: 'status',
      status: 403,
      count: 1,
      match: { endpoint: 'users' },
      body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } },
    });
    await h.collector.pollOnce();
    const users = await stateOf(h, 'contoso', 'users');
    expect(users?.state).toBe('unavailable');
    expect(users?.errorCode).toBe('ERR_GRAPH_FORBIDDEN_PERMISSION');
    expect(users?.reason).toContain('User.Read.All');
  });
});

describe('tokens', () => {
  it('gets a fresh token and resends the same page when Graph answers 401 mid-paging', async () => {
    h = await startHarness({ tenants: [BIG] });
    h.sim.injectFault({
      kind: 'status',
      status: 401,
      count: 1,
      match: { endpoint: 'auditLogs.signIns', pageAfterFirst: true },
      body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' } },
    });
    await h.collector.pollOnce();
    expect((await stateOf(h, 'contoso', 'auditLogs.signIns'))?.state).toBe('ok');
    await signInsComplete(h);
  });

  it('recovers when every token issued so far is revoked between cycles', async () => {
    h = await startHarness({ tenants: [BIG] });
    await h.collector.pollOnce();
    h.sim.injectFault({ kind: 'revokeTokens', tenant: 'contoso' });
    h.sim.tenant('contoso').add('auditLogs.signIns', 10);
    await h.collector.pollOnce();
    expect(h.sim.requestCount({ status: 401 })).toBeGreaterThan(0);
    expect((await stateOf(h, 'contoso', 'auditLogs.signIns'))?.state).toBe('ok');
    await signInsComplete(h);
  });

  it.each([
    ['a wrong client secret', { secret: 'wrong-secret-value' }, 'ERR_AUTH_INVALID_SECRET', 'AADSTS7000215'],
    ['an unknown application', { clientId: '00000000-0000-4000-8000-000000000001' }, 'ERR_AUTH_UNKNOWN_APP', 'AADSTS700016'],
    ['an unknown tenant', { tenantId: '00000000-0000-4000-8000-000000000002' }, 'ERR_AUTH_UNKNOWN_TENANT', 'AADSTS90002'],
  ])('marks the integration failing with the AADSTS code explained for %s', async (_what, overrides, code, aadsts) => {
    h = await startHarness({ tenants: [{ name: 'contoso', profile: 'full' }], integrations: false });
    await h.addIntegration('contoso', overrides);
    await h.collector.pollOnce();
    const states = await h.store.listCheckStates('contoso');
    expect(states.every((s) => s.errorCode === code)).toBe(true);
    const health = integrationHealth(states);
    expect(health.state).toBe('failing');
    expect(health.reason).toContain(aadsts);
    expect(h.logs.join('\n')).not.toContain('wrong-secret-value');
  });

  it('explains an expired client secret', async () => {
    h = await startHarness({ tenants: [{ name: 'contoso', profile: 'full', secretExpired: true }] });
    await h.collector.pollOnce();
    const health = integrationHealth(await h.store.listCheckStates('contoso'));
    expect(health.state).toBe('failing');
    expect(health.reason).toMatch(/expired.*AADSTS7000222/);
  });
});

describe('server and transport failures', () => {
  it('retries 503 with Retry-After, truncated bodies and connection resets, and stores everything once', async () => {
    h = await startHarness({ tenants: [BIG] });
    h.sim.injectFault({ kind: 'status', status: 503, retryAfter: 0.1, count: 2, match: { endpoint: 'auditLogs.signIns', pageAfterFirst: true } });
    h.sim.injectFault({ kind: 'truncate', count: 1, match: { endpoint: 'auditLogs.signIns', pageAfterFirst: true } });
    h.sim.injectFault({ kind: 'reset', count: 1, match: { endpoint: 'auditLogs.signIns', pageAfterFirst: true } });
    await h.collector.pollOnce();
    expect((await stateOf(h, 'contoso', 'auditLogs.signIns'))?.state).toBe('ok');
    await signInsComplete(h);
  });

  it('marks a check in error on a persistent 500 without moving its checkpoint past unstored data, and catches up next cycle', async () => {
    h = await startHarness({ tenants: [BIG] });
    h.sim.injectFault({ kind: 'status', status: 500, count: 100, match: { endpoint: 'auditLogs.signIns', pageAfterFirst: true } });
    await h.collector.pollOnce();
    const failed = await stateOf(h, 'contoso', 'auditLogs.signIns');
    expect(failed?.state).toBe('error');
    expect(failed?.errorCode).toBe('ERR_GRAPH_SERVER');
    expect((await stateOf(h, 'contoso', 'users'))?.state).toBe('ok');
    expect((await h.records('contoso', 'auditLogs.signIns')).length).toBe(1_000);
    h.sim.clearFaults();
    await h.collector.pollOnce();
    await signInsComplete(h);
  });
});

describe('tenants are isolated', () => {
  it('collects two tenants side by side; one tenant throttled does not hold the other back', async () => {
    h = await startHarness({ tenants: [BIG, { name: 'fabrikam', profile: 'full', volume: { 'auditLogs.signIns': 700 } }] });
    h.sim.injectFault({ kind: 'throttle', count: 1_000, retryAfter: 0.01, match: { tenant: 'contoso', endpoint: 'auditLogs.signIns' } });
    await h.collector.pollOnce();
    expect((await stateOf(h, 'contoso', 'auditLogs.signIns'))?.state).toBe('throttled');
    expect((await stateOf(h, 'fabrikam', 'auditLogs.signIns'))?.state).toBe('ok');
    await signInsComplete(h, 'fabrikam');
    const contosoUsers = new Set(ids(await h.records('contoso', 'users')));
    const fabrikamUsers = ids(await h.records('fabrikam', 'users'));
    expect(fabrikamUsers.some((id) => contosoUsers.has(id))).toBe(false);
    expect(fabrikamUsers).toEqual(ids(h.sim.tenant('fabrikam').records('users')));
  });
});
