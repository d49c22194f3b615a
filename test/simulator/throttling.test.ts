// Graph's per-service throttling as the simulator applies it over HTTPS (GRAPH-FACTS §5): identity and access
// reports 5 requests / 10 s per app per tenant with a fractional Retry-After; identity protection 1 request / s per
// tenant and no Retry-After; security 150 requests / min; and none of it when throttling is off.
// The limits run on real time, so each test uses its own tenant and never waits for a window to pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/types.ts';
import { accessToken, graphError, graphGet, startTestSimulator } from './sim-fixture.ts';
import type { JsonResponse } from './sim-fixture.ts';

const NAMES = ['reports', 'reports-other', 'shared-budget', 'idp', 'security', 'off', 'directory'] as const;

let sim: Simulator;
const tokens = new Map<string, string>();

beforeAll(async () => {
  sim = await startTestSimulator({
    throttling: true,
    tenants: NAMES.map((name) => ({ name, profile: 'full', volume: { 'auditLogs.signIns': 20, 'auditLogs.directoryAudits': 20 } })),
  });
  for (const name of NAMES) tokens.set(name, await accessToken(sim, name));
});

afterAll(async () => {
  await sim?.close();
});

function get(tenant: string, path: string): Promise<JsonResponse> {
  return graphGet(sim, tokens.get(tenant), path);
}

function expect429(res: JsonResponse): void {
  expect(res.status).toBe(429);
  expect(graphError(res)).toEqual({ code: 'TooManyRequests', message: 'Too many requests. Please retry again later.' });
}

describe('identity and access reports', () => {
  it('answers the 6th request within 10 s with 429 and a Retry-After in (possibly fractional) seconds', async () => {
    for (let i = 0; i < 5; i++) expect((await get('reports', '/v1.0/auditLogs/signIns?$top=1')).status).toBe(200);
    const throttled = await get('reports', '/v1.0/auditLogs/signIns?$top=1');
    expect429(throttled);
    const retryAfter = throttled.headers.get('retry-after') ?? '';
    expect(retryAfter).toMatch(/^\d+(\.\d{1,3})?$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(10);
    const info = sim.tenant('reports').info;
    expect(throttled.headers.get('x-ms-throttle-scope')).toBe(`reports/5/${info.clientId}/${info.tenantId}`);
    expect(sim.requestCount({ tenant: 'reports', endpoint: 'auditLogs.signIns', status: 429 })).toBe(1);
  });

  it('counts per tenant: another tenant is still served', async () => {
    for (let i = 0; i < 5; i++) expect((await get('reports-other', '/v1.0/auditLogs/signIns?$top=1')).status).toBe(200);
    expect429(await get('reports-other', '/v1.0/auditLogs/signIns?$top=1'));
    expect((await get('idp', '/v1.0/auditLogs/signIns?$top=1')).status).toBe(200);
  });

  it('shares one budget between sign-ins and directory audits, and leaves other services alone', async () => {
    for (let i = 0; i < 3; i++) expect((await get('shared-budget', '/v1.0/auditLogs/signIns?$top=1')).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await get('shared-budget', '/v1.0/auditLogs/directoryAudits?$top=1')).status).toBe(200);
    expect429(await get('shared-budget', '/v1.0/auditLogs/directoryAudits?$top=1'));
    expect429(await get('shared-budget', '/v1.0/auditLogs/signIns?$top=1'));
    expect((await get('shared-budget', '/v1.0/users?$top=1')).status).toBe(200);
    expect((await get('shared-budget', '/v1.0/security/alerts_v2?$top=1')).status).toBe(200);
  });

  it('does not throttle the token endpoint', async () => {
    for (let i = 0; i < 8; i++) await accessToken(sim, 'reports');
    expect(sim.requestCount({ tenant: 'reports', endpoint: 'token', status: 429 })).toBe(0);
  });
});

describe('identity protection', () => {
  it('answers a second request within a second with 429 and no Retry-After, across both endpoints', async () => {
    expect((await get('idp', '/v1.0/identityProtection/riskDetections?$top=1')).status).toBe(200);
    const throttled = await get('idp', '/v1.0/identityProtection/riskyUsers?$top=1');
    expect429(throttled);
    expect(throttled.headers.get('retry-after')).toBeNull();
    expect(throttled.headers.get('x-ms-throttle-scope')).toBe(`identityProtection/1/AllApps/${sim.tenant('idp').info.tenantId}`);
    // After the second has passed, the next request is served.
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await get('idp', '/v1.0/identityProtection/riskyUsers?$top=1')).status).toBe(200);
  });
});

describe('security', () => {
  it('shares 150 requests a minute among alerts, incidents and secure scores and answers the 151st with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) statuses.push((await get('security', i % 2 === 0 ? '/v1.0/security/alerts_v2?$top=1' : '/v1.0/security/incidents?$top=1')).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const throttled = await get('security', '/v1.0/security/secureScores?$top=1');
    expect429(throttled);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(throttled.headers.get('retry-after'))).toBeLessThanOrEqual(60);
  });
});

describe('directory', () => {
  it('serves a burst of users requests well above the reports limit', async () => {
    const statuses = await Promise.all(Array.from({ length: 100 }, () => get('directory', '/v1.0/users?$top=1').then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
  });
});

describe('throttling off', () => {
  it('serves every request when throttling is switched off, and limits again when it is back on', async () => {
    sim.setThrottling(false);
    try {
      for (let i = 0; i < 12; i++) expect((await get('off', '/v1.0/auditLogs/signIns?$top=1')).status).toBe(200);
      for (let i = 0; i < 4; i++) expect((await get('off', '/v1.0/identityProtection/riskDetections?$top=1')).status).toBe(200);
    } finally {
      sim.setThrottling(true);
    }
    expect((await get('off', '/v1.0/identityProtection/riskDetections?$top=1')).status).toBe(200);
    expect429(await get('off', '/v1.0/identityProtection/riskDetections?$top=1'));
  });
});
