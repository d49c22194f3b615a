// The console's JSON API through fastify's inject(): nobody gets in without the admin password, the one-time setup,
// sign-in rate limiting, CSRF on state changes, security headers everywhere, integrations whose secret is
// write-only, the connection test on save against the simulator, tiles, and signal search.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app/open-app.ts';
import type { App } from '../../src/app/open-app.ts';
import { trustExtraCa } from '../../src/core/extra-ca.ts';
import { buildServer } from '../../src/http/build-server.ts';
import { startSimulator } from '../../src/simulator/start-simulator.ts';
import type { Simulator } from '../../src/simulator/types.ts';
import { simulatorStateDir } from '../helpers/simulator-state-dir.ts';

const SETUP_TOKEN = 'one-time-setup-token';
const PASSWORD = 'correct horse battery staple';

describe('console API', () => {
  let dir: string;
  let sim: Simulator;
  let app: App;
  let server: FastifyInstance;
  let cookie = '';
  let csrf = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'azsec-http-'));
    sim = await startSimulator({
      stateDir: simulatorStateDir(),
      throttling: false,
      liveRatePerMinute: 0,
      tenants: [{ name: 'contoso', profile: 'full' }, { name: 'tailspin', profile: 'minimal-permissions' }],
    });
    trustExtraCa(sim.caPem);
    app = await openApp({ dataDir: dir, env: { AZSEC_SECRET_KEY: randomBytes(32).toString('base64') }, logFormat: 'json', logWrite: () => undefined });
    server = await buildServer({ app, dataDir: dir, setupToken: SETUP_TOKEN });
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, opts: { body?: unknown; csrf?: string; headers?: Record<string, string> } = {}) =>
    server.inject({
      method,
      url,
      headers: { ...(cookie ? { cookie } : {}), ...(opts.csrf ? { 'x-csrf-token': opts.csrf } : {}), ...opts.headers },
      ...(opts.body === undefined ? {} : { payload: opts.body as object }),
    });

  it('lets nobody in before the admin password is set, and says setup is required', async () => {
    const session = await call('GET', '/api/v1/session');
    expect(session.json()).toMatchObject({ authenticated: false, setupRequired: true });
    expect((await call('GET', '/api/v1/integrations')).statusCode).toBe(401);
    expect((await call('GET', '/api/v1/status')).statusCode).toBe(401);
  });

  it('sends security headers and a strict CSP on every answer, errors included', async () => {
    for (const res of [await call('GET', '/api/v1/health'), await call('GET', '/api/v1/integrations'), await call('GET', '/nope')]) {
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('sets the password once through the one-time token, with a scrypt hash in a 0600 file', async () => {
    expect((await call('POST', '/api/v1/setup', { body: { token: 'guess', password: PASSWORD } })).statusCode).toBe(403);
    expect((await call('POST', '/api/v1/setup', { body: { token: SETUP_TOKEN, password: 'short' } })).statusCode).toBe(400);
    expect((await call('POST', '/api/v1/setup', { body: { token: SETUP_TOKEN, password: PASSWORD }, headers: { origin: 'https://evil.example' } })).statusCode).toBe(403);
    const ok = await call('POST', '/api/v1/setup', { body: { token: SETUP_TOKEN, password: PASSWORD } });
    expect(ok.statusCode).toBe(200);
    expect(String(ok.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await call('POST', '/api/v1/setup', { body: { token: SETUP_TOKEN, password: PASSWORD } })).statusCode).toBe(409);
    expect((await stat(path.join(dir, 'admin-password.json'))).mode & 0o777).toBe(0o600);
  });

  it('rate-limits failed sign-ins and then signs in', async () => {
    for (let i = 0; i < 5; i++) expect((await call('POST', '/api/v1/session', { body: { password: 'wrong password!' } })).statusCode).toBe(401);
    const limited = await call('POST', '/api/v1/session', { body: { password: PASSWORD } });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('signs in with a fresh limiter, and refuses state changes without the CSRF token', async () => {
    // A new server (as after a restart): sessions and the limiter are in memory, the password hash on disk.
    await server.close();
    server = await buildServer({ app, dataDir: dir });
    const res = await call('POST', '/api/v1/session', { body: { password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    cookie = String(res.headers['set-cookie']).split(';')[0] as string;
    csrf = (res.json() as { csrf: string }).csrf;
    const noCsrf = await call('POST', '/api/v1/integrations', { body: {} });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json()).toMatchObject({ error: { code: 'ERR_CSRF' } });
  });

  it('refuses an invalid integration with every field problem named', async () => {
    const res = await call('POST', '/api/v1/integrations', { csrf, body: { name: 'bad name!', tenantId: 'x', clientId: 'y', credential: { kind: 'secret', secret: '' } } });
    expect(res.statusCode).toBe(400);
    const message = (res.json() as { error: { message: string } }).error.message;
    for (const field of ['name', 'tenantId', 'clientId', 'credential.secret']) expect(message).toContain(field);
  });

  it('adds integrations and runs the connection test at once, per check', async () => {
    for (const tenant of ['contoso', 'tailspin']) {
      const t = sim.tenant(tenant).info;
      const res = await call('POST', '/api/v1/integrations', {
        csrf,
        body: { name: tenant, tenantId: t.tenantId, clientId: t.clientId, credential: { kind: 'secret', secret: t.clientSecret }, cloud: 'custom', loginUrl: sim.url, graphUrl: sim.url },
      });
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json() as { test: { token: { ok: boolean }; checks: Array<{ id: string; result: string; detail: string }> } };
      expect(body.test.token.ok).toBe(true);
      if (tenant === 'contoso') expect(body.test.checks.every((c) => c.result === 'ok')).toBe(true);
      else expect(body.test.checks.find((c) => c.id === 'security.incidents')).toMatchObject({ result: 'missing_permission', detail: expect.stringContaining('SecurityIncident.Read.All') });
    }
    const again = await call('POST', '/api/v1/integrations', { csrf, body: { name: 'contoso', tenantId: sim.tenants[0]?.tenantId, clientId: sim.tenants[0]?.clientId, credential: { kind: 'secret', secret: 'x' } } });
    expect(again.statusCode).toBe(409);
  });

  it('never returns a secret; an edit without a credential keeps it', async () => {
    const secret = sim.tenant('contoso').info.clientSecret;
    const list = await call('GET', '/api/v1/integrations');
    expect(list.body).not.toContain(secret);
    expect(list.json()).toMatchObject({ integrations: [{ name: 'contoso', credential: { kind: 'secret', set: true } }, { name: 'tailspin' }] });
    const t = sim.tenant('contoso').info;
    const edit = await call('PUT', '/api/v1/integrations/contoso', { csrf, body: { tenantId: t.tenantId, clientId: t.clientId, cloud: 'custom', loginUrl: sim.url, graphUrl: sim.url, interval: '10m' } });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(edit.body).not.toContain(secret);
    expect(edit.json()).toMatchObject({ integration: { interval: '10m' } });
    const test = await call('POST', '/api/v1/integrations/contoso/test', { csrf });
    expect((test.json() as { token: { ok: boolean } }).token.ok).toBe(true);
  });

  it('shows tiles: green when collecting, yellow when a permission is missing', async () => {
    await app.collector().pollOnce();
    // Signals (and alerts) come from the signal stage, which `poll --once` drains after collecting.
    await app.drainSignals();
    const res = await call('GET', '/api/v1/status');
    const tiles = (res.json() as { integrations: Array<{ name: string; colour: string; lastSuccess: string | null; nextPoll: string | null; checks: Array<{ id: string; collected: number }> }> }).integrations;
    const contoso = tiles.find((t) => t.name === 'contoso');
    expect(contoso).toMatchObject({ colour: 'green' });
    expect(contoso?.lastSuccess).not.toBeNull();
    expect(contoso?.nextPoll).not.toBeNull();
    expect(contoso?.checks.find((c) => c.id === 'auditLogs.signIns')?.collected).toBeGreaterThan(0);
    expect(tiles.find((t) => t.name === 'tailspin')).toMatchObject({ colour: 'yellow' });
    // The simulated attacks raise alerts; the tile counts the open ones.
    const list = (await call('GET', '/api/v1/integrations')).json() as { integrations: Array<{ name: string; openAlerts: number }> };
    const open = (await app.store.listAlerts({ statuses: ['open'], integration: 'contoso', limit: 1000 })).alerts.length;
    expect(open).toBeGreaterThan(0);
    expect(list.integrations.find((i) => i.name === 'contoso')?.openAlerts).toBe(open);
  });

  it('searches signals by indicator and returns a signal in full', async () => {
    const signIns = await call('GET', '/api/v1/signals?check=auditLogs.signIns&limit=1');
    const first = (signIns.json() as { results: Array<{ integration: string; check: string; id: string; version: string; indicators: { ip?: string[] } }> }).results[0];
    expect(first).toBeDefined();
    const ip = first?.indicators.ip?.[0] as string;
    const byIp = await call('GET', `/api/v1/signals?indicator=${encodeURIComponent(ip)}`);
    const results = (byIp.json() as { results: Array<{ indicators: { ip?: string[] } }> }).results;
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.indicators.ip?.includes(ip))).toBe(true);
    const detail = await call('GET', `/api/v1/signals/${first?.integration}/${first?.check}/${encodeURIComponent(first?.id ?? '')}/${encodeURIComponent(first?.version ?? '')}`);
    expect(detail.json()).toMatchObject({ signal: { kind: 'sign_in', recordId: first?.id } });
    expect((await call('GET', '/api/v1/signals?severity=bogus')).statusCode).toBe(400);
  });

  it('deletes an integration, keeping its records unless purged, and signs out', async () => {
    const del = await call('DELETE', '/api/v1/integrations/tailspin', { csrf });
    expect(del.json()).toEqual({ removed: 'tailspin', recordsKept: true });
    expect((await call('DELETE', '/api/v1/integrations/tailspin', { csrf })).statusCode).toBe(404);
    expect((await call('DELETE', '/api/v1/session')).statusCode).toBe(403);
    expect((await call('DELETE', '/api/v1/session', { csrf })).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/integrations')).statusCode).toBe(401);
  });
});
