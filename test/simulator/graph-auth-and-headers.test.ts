// Graph's answers to missing, forged, expired and revoked access tokens (401 InvalidAuthenticationToken), its
// request-id / client-request-id headers, Prefer: include-unknown-enum-members, and the simulator's request log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/types.ts';
import { accessToken, graphError, graphGet, pageAll, startTestSimulator } from './sim-fixture.ts';
import type { GraphRecord } from './sim-fixture.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PREFER_ENUMS = { prefer: 'include-unknown-enum-members' };

let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator({
    tenants: [
      { name: 'contoso', profile: 'full', volume: { 'security.alerts_v2': 200 } },
      { name: 'fabrikam', profile: 'full' },
    ],
  });
});

afterAll(async () => {
  await sim?.close();
});

async function expect401(res: Awaited<ReturnType<typeof graphGet>>, message: string): Promise<void> {
  expect(res.status).toBe(401);
  expect(graphError(res)).toEqual({ code: 'InvalidAuthenticationToken', message });
}

describe('401 InvalidAuthenticationToken', () => {
  it('answers a request without a token', async () => {
    await expect401(await graphGet(sim, undefined, '/v1.0/users'), 'Access token is empty.');
  });

  it('answers a token that is not a JWT, one with a changed payload and one signed by another issuer', async () => {
    const token = await accessToken(sim, 'contoso');
    await expect401(await graphGet(sim, 'not-a-token', '/v1.0/users'), 'Access token validation failure. Invalid signature.');

    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, tid: sim.tenant('fabrikam').info.tenantId })).toString('base64url');
    await expect401(await graphGet(sim, `${header}.${forged}.${signature}`, '/v1.0/users'), 'Access token validation failure. Invalid signature.');

    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    await expect401(await graphGet(sim, unsigned, '/v1.0/users'), 'Access token validation failure. Invalid signature.');
  });

  it('answers tokens revoked for the tenant, and only for that tenant, while new tokens work', async () => {
    const old = await accessToken(sim, 'contoso');
    const other = await accessToken(sim, 'fabrikam');
    sim.injectFault({ kind: 'revokeTokens', tenant: 'contoso' });
    await expect401(await graphGet(sim, old, '/v1.0/users'), 'Access token has expired or is not yet valid.');
    expect((await graphGet(sim, other, '/v1.0/users')).status).toBe(200);
    expect((await graphGet(sim, await accessToken(sim, 'contoso'), '/v1.0/users')).status).toBe(200);
  });

  it('answers a token past its exp on the simulated clock', async () => {
    const token = await accessToken(sim, 'fabrikam');
    sim.advance(3_598_000);
    expect((await graphGet(sim, token, '/v1.0/users')).status).toBe(200);
    sim.advance(2_000);
    await expect401(await graphGet(sim, token, '/v1.0/users'), 'Lifetime validation failed, the token is expired.');
    expect((await graphGet(sim, await accessToken(sim, 'fabrikam'), '/v1.0/users')).status).toBe(200);
  });

  it('checks the token before the query: 401, not 400, for a bad query without a token', async () => {
    await expect401(await graphGet(sim, undefined, '/v1.0/auditLogs/signIns?$top=5000'), 'Access token is empty.');
  });
});

describe('request ids', () => {
  it('sends a request-id on every answer and echoes the client-request-id', async () => {
    const token = await accessToken(sim, 'contoso');
    const clientRequestId = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
    const ok = await graphGet(sim, token, '/v1.0/users?$top=1', { 'client-request-id': clientRequestId });
    expect(ok.headers.get('request-id')).toMatch(UUID);
    expect(ok.headers.get('client-request-id')).toBe(clientRequestId);
    expect(ok.headers.get('content-type')).toMatch(/^application\/json/);
    expect(ok.headers.get('odata-version')).toBe('4.0');

    // Without one, client-request-id repeats the request-id; two requests never share a request-id.
    const again = await graphGet(sim, token, '/v1.0/users?$top=1');
    expect(again.headers.get('client-request-id')).toBe(again.headers.get('request-id'));
    expect(again.headers.get('request-id')).not.toBe(ok.headers.get('request-id'));
  });

  it('repeats both ids and the date in the innerError of an error body', async () => {
    const token = await accessToken(sim, 'contoso');
    const clientRequestId = '11111111-2222-4333-8444-555555555555';
    const res = await graphGet(sim, token, '/v1.0/users?$top=5000', { 'client-request-id': clientRequestId });
    expect(res.status).toBe(400);
    const inner = (res.body.error as { innerError: Record<string, string> }).innerError;
    expect(inner['request-id']).toBe(res.headers.get('request-id'));
    expect(inner['client-request-id']).toBe(clientRequestId);
    expect(inner.date).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
  });
});

describe('Prefer: include-unknown-enum-members', () => {
  const EVOLVABLE_SOURCES = ['microsoftDefenderForCloud', 'microsoftSentinel', 'microsoftInsiderRiskManagement', 'microsoftThreatIntelligence', 'microsoftSecurityForAI'];

  it('masks evolvable serviceSource members as unknownFutureValue unless the caller asks for them', async () => {
    const token = await accessToken(sim, 'contoso');
    const truth = sim.tenant('contoso').records('security.alerts_v2');
    const evolvable = truth.filter((a) => EVOLVABLE_SOURCES.includes(String(a.serviceSource)));
    expect(evolvable.length, 'the generated alerts should include some from an evolvable serviceSource').toBeGreaterThan(0);

    const masked = await pageAll(sim, token, '/v1.0/security/alerts_v2?$top=200');
    const byId = new Map(masked.records.map((a) => [String(a.id), a]));
    for (const a of evolvable) expect(byId.get(String(a.id))?.serviceSource).toBe('unknownFutureValue');
    // Members before unknownFutureValue are never masked.
    const plain = truth.find((a) => a.serviceSource === 'microsoftDefenderForEndpoint') as GraphRecord;
    expect(byId.get(String(plain.id))?.serviceSource).toBe('microsoftDefenderForEndpoint');

    const shown = await pageAll(sim, token, '/v1.0/security/alerts_v2?$top=200', PREFER_ENUMS);
    const shownById = new Map(shown.records.map((a) => [String(a.id), a]));
    for (const a of evolvable) {
      expect(shownById.get(String(a.id))?.serviceSource).toBe(a.serviceSource);
      expect(shownById.get(String(a.id))?.detectionSource).toBe(a.detectionSource);
    }
    expect(shown.records.some((a) => a.serviceSource === 'unknownFutureValue')).toBe(false);
  });

  it('says so in Preference-Applied', async () => {
    const token = await accessToken(sim, 'contoso');
    const res = await graphGet(sim, token, '/v1.0/security/alerts_v2?$top=1', PREFER_ENUMS);
    expect(res.headers.get('preference-applied')).toBe('include-unknown-enum-members');
    const without = await graphGet(sim, token, '/v1.0/security/alerts_v2?$top=1');
    expect(without.headers.get('preference-applied')).toBeNull();
  });
});

describe('request log', () => {
  it('records each request with its tenant, app, endpoint, status, records served and client headers', async () => {
    const token = await accessToken(sim, 'fabrikam');
    const info = sim.tenant('fabrikam').info;
    sim.clearRequestLog();
    expect(sim.requestLog()).toEqual([]);
    await accessToken(sim, 'fabrikam');
    await graphGet(sim, token, '/v1.0/users?$top=7', { 'client-request-id': 'abc-123', 'user-agent': 'azsec-test/1.0' });
    await graphGet(sim, token, '/v1.0/users?$top=99999');
    await graphGet(sim, undefined, '/v1.0/users');

    const log = sim.requestLog();
    expect(log.map((e) => [e.endpoint, e.status, e.records])).toEqual([
      ['token', 200, 0],
      ['users', 200, 7],
      ['users', 400, 0],
      ['users', 401, 0],
    ]);
    const [tokenEntry, page] = log as [(typeof log)[number], (typeof log)[number]];
    expect(tokenEntry).toMatchObject({ method: 'POST', tenantId: info.tenantId, clientId: info.clientId, url: `/${info.tenantId}/oauth2/v2.0/token` });
    expect(page).toMatchObject({ method: 'GET', tenantId: info.tenantId, clientId: info.clientId, url: '/v1.0/users?$top=7', clientRequestId: 'abc-123', userAgent: 'azsec-test/1.0' });
    expect(page.endedAt).toBeGreaterThanOrEqual(page.startedAt);
    expect(Math.abs(page.simTime - sim.now())).toBeLessThan(60_000);
    // An anonymous request has no tenant.
    expect(log[3]?.tenantId).toBeUndefined();

    expect(sim.requestCount()).toBe(4);
    expect(sim.requestCount({ tenant: 'fabrikam' })).toBe(3);
    expect(sim.requestCount({ tenant: info.tenantId, endpoint: 'users' })).toBe(2);
    expect(sim.requestCount({ endpoint: 'users', status: 200 })).toBe(1);
    expect(sim.requestCount({ tenant: 'contoso' })).toBe(0);
    expect(sim.requestCount({ endpoint: 'token' })).toBe(1);
  });

  it('returns a copy: the caller cannot change the log', async () => {
    sim.clearRequestLog();
    await graphGet(sim, undefined, '/v1.0/users');
    const copy = sim.requestLog();
    copy.pop();
    expect(sim.requestLog()).toHaveLength(1);
  });
});
