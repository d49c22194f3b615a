// The simulator's fault switches over HTTPS, each consumed by the next matching requests only: 5xx with Retry-After,
// injected 429s, truncated bodies, slow answers, reset connections, token revocation, and matching by tenant,
// endpoint and "not the first page".
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/types.ts';
import { accessToken, graphError, graphGet, pageAll, postToken, secretForm, startTestSimulator } from './sim-fixture.ts';
import type { GraphRecord } from './sim-fixture.ts';

let sim: Simulator;
let token: string;
let otherToken: string;

beforeAll(async () => {
  sim = await startTestSimulator({
    tenants: [
      { name: 'contoso', profile: 'full', volume: { 'auditLogs.signIns': 1200 } },
      { name: 'fabrikam', profile: 'full' },
    ],
  });
  token = await accessToken(sim, 'contoso');
  otherToken = await accessToken(sim, 'fabrikam');
});

afterEach(() => {
  sim.clearFaults();
});

afterAll(async () => {
  await sim?.close();
});

describe('status faults', () => {
  it('answers the next matching requests with 503 and a fractional Retry-After, then serves normally', async () => {
    sim.injectFault({ kind: 'status', status: 503, retryAfter: 1.5, count: 2, match: { endpoint: 'users' } });
    // Another endpoint is not affected and does not consume the fault.
    expect((await graphGet(sim, token, '/v1.0/security/alerts_v2?$top=1')).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const res = await graphGet(sim, token, '/v1.0/users?$top=1');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1.5');
      expect(graphError(res).code).toBe('serviceNotAvailable');
      expect(res.headers.get('request-id')).toBeTruthy();
    }
    expect((await graphGet(sim, token, '/v1.0/users?$top=1')).status).toBe(200);
  });

  it('answers 500 with generalException and no Retry-After, once by default', async () => {
    sim.injectFault({ kind: 'status', status: 500 });
    const res = await graphGet(sim, token, '/v1.0/users?$top=1');
    expect(res.status).toBe(500);
    expect(graphError(res).code).toBe('generalException');
    expect(res.headers.get('retry-after')).toBeNull();
    expect((await graphGet(sim, token, '/v1.0/users?$top=1')).status).toBe(200);
  });

  it('sends a given body verbatim', async () => {
    const body = { error: { code: 'Unauthorized', message: 'Unauthorized request - Account is not provisioned.' } };
    sim.injectFault({ kind: 'status', status: 401, body, match: { endpoint: 'security.incidents' } });
    const res = await graphGet(sim, token, '/v1.0/security/incidents');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(body);
  });

  it('answers the token endpoint with temporarily_unavailable AADSTS90055', async () => {
    sim.injectFault({ kind: 'status', status: 503, retryAfter: 2, match: { endpoint: 'token', tenant: 'contoso' } });
    const info = sim.tenant('contoso').info;
    const res = await postToken(sim, info.tenantId, secretForm(sim, 'contoso'));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.body).toMatchObject({ error: 'temporarily_unavailable', error_codes: [90055] });
    expect((await postToken(sim, info.tenantId, secretForm(sim, 'contoso'))).status).toBe(200);
  });

  it('matches by tenant name or id and leaves other tenants alone', async () => {
    sim.injectFault({ kind: 'status', status: 502, match: { tenant: sim.tenant('contoso').info.tenantId } });
    expect((await graphGet(sim, otherToken, '/v1.0/users?$top=1')).status).toBe(200);
    expect((await graphGet(sim, token, '/v1.0/users?$top=1')).status).toBe(502);
    sim.injectFault({ kind: 'status', status: 502, match: { tenant: 'fabrikam' } });
    expect((await graphGet(sim, token, '/v1.0/users?$top=1')).status).toBe(200);
    expect((await graphGet(sim, otherToken, '/v1.0/users?$top=1')).status).toBe(502);
  });

  it('is not consumed by requests that fail authentication first', async () => {
    sim.injectFault({ kind: 'status', status: 503 });
    expect((await graphGet(sim, undefined, '/v1.0/users')).status).toBe(401);
    expect((await graphGet(sim, token, '/v1.0/users?$top=1')).status).toBe(503);
  });

  it('leaves the metadata documents alone unless matched explicitly, and clearFaults drops pending faults', async () => {
    sim.injectFault({ kind: 'status', status: 503, count: 5 });
    expect((await fetch(`${sim.url}/${sim.tenant('contoso').info.tenantId}/v2.0/.well-known/openid-configuration`)).status).toBe(200);
    sim.clearFaults();
    expect((await graphGet(sim, token, '/v1.0/users?$top=1')).status).toBe(200);
  });
});

describe('injected throttling', () => {
  it('answers 429 with the given Retry-After, or with none', async () => {
    sim.injectFault({ kind: 'throttle', retryAfter: 0.25, match: { endpoint: 'auditLogs.signIns' } });
    sim.injectFault({ kind: 'throttle', match: { endpoint: 'auditLogs.signIns' } });
    const first = await graphGet(sim, token, '/v1.0/auditLogs/signIns?$top=1');
    expect(first.status).toBe(429);
    expect(graphError(first).code).toBe('TooManyRequests');
    expect(first.headers.get('retry-after')).toBe('0.25');
    const second = await graphGet(sim, token, '/v1.0/auditLogs/signIns?$top=1');
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBeNull();
    expect((await graphGet(sim, token, '/v1.0/auditLogs/signIns?$top=1')).status).toBe(200);
  });
});

describe('transport faults', () => {
  it('truncates a 200 body so that it is not valid JSON', async () => {
    sim.injectFault({ kind: 'truncate', match: { endpoint: 'users' } });
    const res = await fetch(`${sim.url}/v1.0/users`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    expect((await graphGet(sim, token, '/v1.0/users?$top=1')).status).toBe(200);
  });

  it('delays a slow answer by at least the given time and then answers normally', async () => {
    sim.clearRequestLog();
    sim.injectFault({ kind: 'slow', delayMs: 300, match: { endpoint: 'users' } });
    const res = await graphGet(sim, token, '/v1.0/users?$top=2');
    expect(res.status).toBe(200);
    expect((res.body.value as unknown[]).length).toBe(2);
    const entry = sim.requestLog()[0];
    // Wall-clock lower bound only (a few ms of timer rounding allowed); never an upper bound.
    expect((entry?.endedAt ?? 0) - (entry?.startedAt ?? 0)).toBeGreaterThanOrEqual(295);
  });

  it('resets the connection without an answer', async () => {
    sim.clearRequestLog();
    sim.injectFault({ kind: 'reset', match: { endpoint: 'users' } });
    await expect(fetch(`${sim.url}/v1.0/users`, { headers: { authorization: `Bearer ${token}` } })).rejects.toThrow();
    expect(sim.requestLog().at(-1)).toMatchObject({ endpoint: 'users', status: 0 });
    expect((await graphGet(sim, token, '/v1.0/users?$top=1')).status).toBe(200);
  });
});

describe('faults after the first page', () => {
  it('hits only requests that carry a $skiptoken; retrying the same nextLink then completes the walk', async () => {
    sim.injectFault({ kind: 'status', status: 503, retryAfter: 1, match: { endpoint: 'auditLogs.signIns', pageAfterFirst: true } });
    const first = await graphGet(sim, token, '/v1.0/auditLogs/signIns?$top=500');
    expect(first.status).toBe(200);
    const nextLink = first.body['@odata.nextLink'] as string;
    const failed = await graphGet(sim, token, nextLink);
    expect(failed.status).toBe(503);
    const rest = await pageAll(sim, token, nextLink);
    const ids = [...(first.body.value as GraphRecord[]), ...rest.records].map((r) => r.id);
    expect(ids.length).toBe(1200);
    expect(new Set(ids).size).toBe(1200);
  });

  it('truncates a later page only', async () => {
    sim.injectFault({ kind: 'truncate', match: { pageAfterFirst: true } });
    const first = await graphGet(sim, token, '/v1.0/auditLogs/signIns?$top=500');
    expect(first.status).toBe(200);
    const second = await fetch(first.body['@odata.nextLink'] as string, { headers: { authorization: `Bearer ${token}` } });
    expect(second.status).toBe(200);
    await expect(second.text().then((t) => JSON.parse(t) as unknown)).rejects.toThrow(SyntaxError);
    // The same nextLink read again is whole.
    const again = await graphGet(sim, token, first.body['@odata.nextLink'] as string);
    expect((again.body.value as unknown[]).length).toBe(500);
  });
});

describe('token revocation', () => {
  it('answers 401 InvalidAuthenticationToken in the middle of paging; a new token continues the same nextLink', async () => {
    const before = await accessToken(sim, 'contoso');
    const first = await graphGet(sim, before, '/v1.0/auditLogs/signIns?$top=500');
    sim.injectFault({ kind: 'revokeTokens', tenant: 'contoso' });
    const nextLink = first.body['@odata.nextLink'] as string;
    const refused = await graphGet(sim, before, nextLink);
    expect(refused.status).toBe(401);
    expect(graphError(refused).code).toBe('InvalidAuthenticationToken');
    token = await accessToken(sim, 'contoso');
    const rest = await pageAll(sim, token, nextLink);
    expect((first.body.value as unknown[]).length + rest.records.length).toBe(1200);
  });

  it('refuses to revoke tokens of an unknown tenant', () => {
    expect(() => sim.injectFault({ kind: 'revokeTokens', tenant: 'nobody' })).toThrow(/No simulated tenant 'nobody'/);
  });
});
