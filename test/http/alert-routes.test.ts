// The alerts API through fastify's inject(): filters (repeated and comma-separated), keyset paging newest first,
// one alert with its matched signals (a signal no longer stored listed by its reference), the operator's status
// change with CSRF, 404/400 answers, the open-alert count on the integration tiles, and the rule labels.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openApp } from '../../src/app/open-app.ts';
import type { App } from '../../src/app/open-app.ts';
import { BUILT_IN_RULES } from '../../src/detections/rules/index.ts';
import { AdminPassword } from '../../src/http/admin-password.ts';
import { buildServer } from '../../src/http/build-server.ts';
import type { AlertUpsert, Integration } from '../../src/store/store.ts';
import { makeSignal } from '../store/signal-contract.ts';

const PASSWORD = 'a sufficiently long password';
const HOSTILE = `<img src=x onerror="alert(1)"> 'quoted' & "double"`;

function integration(name: string): Integration {
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
    initialLookbackMs: 86_400_000,
    lateWindowMs: 600_000,
    enabled: true,
    disabledChecks: [],
    createdAt: '2026-02-01T00:00:00.000Z',
    updatedAt: '2026-02-01T00:00:00.000Z',
  };
}

const ref = (recordId: string) => ({ integration: 'contoso', check: 'auditLogs.signIns', recordId, version: 'v1' });

function alert(id: string, overrides: Partial<AlertUpsert>): AlertUpsert {
  return {
    id,
    ruleId: 'brute-force',
    title: `Alert ${id}`,
    severity: 'medium',
    time: '2026-02-01T10:00:00.000Z',
    groupKey: 'alice@contoso.com',
    integration: 'contoso',
    signals: [ref('r1')],
    absorbed: 0,
    fields: { user: 'alice@contoso.com' },
    ...overrides,
  };
}

// Newest first: a5, a4, a3, a2, a1.
const ALERTS: AlertUpsert[] = [
  alert('a1', { severity: 'critical', time: '2026-02-01T08:00:00.000Z', signals: [ref('r9')] }),
  alert('a2', { title: HOSTILE, severity: 'high', time: '2026-02-01T09:00:00.000Z', signals: [ref('r1'), ref('r2'), ref('r9')], fields: { user: HOSTILE, count: 12 }, absorbed: 3 }),
  alert('a3', { ruleId: 'password-spray', time: '2026-02-01T10:00:00.000Z' }),
  alert('a4', { ruleId: 'sigma-custom', integration: 'fabrikam', severity: 'low', time: '2026-02-01T11:00:00.000Z', signals: [] }),
  alert('a5', { ruleId: 'password-spray', severity: 'high', time: '2026-02-01T12:00:00.000Z' }),
];

describe('alerts API', () => {
  let dir: string;
  let app: App;
  let server: FastifyInstance;
  let cookie = '';
  let csrf = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'azsec-http-alerts-'));
    app = await openApp({ dataDir: dir, env: { AZSEC_SECRET_KEY: randomBytes(32).toString('base64') }, logFormat: 'json', logWrite: () => undefined });
    const { store } = app;
    await store.migrate();
    for (const name of ['contoso', 'fabrikam', 'litware']) await store.addIntegration(integration(name), { ciphertext: 's' });
    // r1 and r2 are stored with their signals; r9 never was (as after its records were purged).
    const signals = ['r1', 'r2'].map((id) => makeSignal({ id, title: `Sign-in ${id}`, severity: 'low', indicators: { ip: ['198.51.100.7'], upn: ['alice@contoso.com'] } }));
    await store.commit('contoso', 'auditLogs.signIns', signals.map((s) => ({ id: s.recordId, version: s.version, time: s.time, raw: '{}' })), undefined);
    expect(await store.claimSignalStage('t', 60_000)).toBe(true);
    await store.completeRecords('t', await store.pendingRecords(1000), { signals, alerts: ALERTS });
    await store.setAlertStatus('a3', 'closed');

    await new AdminPassword(dir).set(PASSWORD);
    server = await buildServer({ app, dataDir: dir });
    const login = await server.inject({ method: 'POST', url: '/api/v1/session', payload: { password: PASSWORD } });
    cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    csrf = (login.json() as { csrf: string }).csrf;
  });
  afterAll(async () => {
    await server?.close();
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (url: string) => server.inject({ method: 'GET', url, headers: { cookie } });
  const ids = async (url: string): Promise<string[]> => {
    const res = await get(url);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as { alerts: Array<{ id: string }> }).alerts.map((a) => a.id);
  };
  const setStatus = (id: string, body: unknown, headers: Record<string, string> = { cookie, 'x-csrf-token': csrf }) =>
    server.inject({ method: 'POST', url: `/api/v1/alerts/${encodeURIComponent(id)}/status`, headers, payload: body as object });

  it('lists alerts newest first with their rule title', async () => {
    const res = await get('/api/v1/alerts');
    const body = res.json() as { alerts: Array<Record<string, unknown>>; next: string | null };
    expect(body.alerts.map((a) => a.id)).toEqual(['a5', 'a4', 'a3', 'a2', 'a1']);
    expect(body.next).toBeNull();
    const bruteForce = BUILT_IN_RULES.find((r) => r.id === 'brute-force');
    expect(body.alerts.find((a) => a.id === 'a2')).toMatchObject({ rule: 'brute-force', ruleTitle: bruteForce?.title, title: HOSTILE, severity: 'high', status: 'open', integration: 'contoso', absorbed: 3, fields: { user: HOSTILE, count: 12 } });
    // A rule the installation no longer has (a removed Sigma rule) has no title.
    expect(body.alerts.find((a) => a.id === 'a4')).toMatchObject({ rule: 'sigma-custom', ruleTitle: null });
  });

  it('filters on status and severity (repeated or comma-separated), rule, integration and time', async () => {
    expect(await ids('/api/v1/alerts?status=closed')).toEqual(['a3']);
    expect(await ids('/api/v1/alerts?status=open')).toEqual(['a5', 'a4', 'a2', 'a1']);
    expect(await ids('/api/v1/alerts?severity=high&severity=critical')).toEqual(['a5', 'a2', 'a1']);
    expect(await ids('/api/v1/alerts?severity=high,critical&status=open,acknowledged')).toEqual(['a5', 'a2', 'a1']);
    expect(await ids('/api/v1/alerts?rule=password-spray')).toEqual(['a5', 'a3']);
    expect(await ids('/api/v1/alerts?integration=fabrikam')).toEqual(['a4']);
    expect(await ids(`/api/v1/alerts?since=${encodeURIComponent('2026-02-01T09:00:00Z')}&until=${encodeURIComponent('2026-02-01T11:00:00Z')}`)).toEqual(['a3', 'a2']);
    expect(await ids('/api/v1/alerts?integration=nobody')).toEqual([]);
  });

  it('pages with the cursor, newest first, every alert once', async () => {
    const seen: string[] = [];
    let url = '/api/v1/alerts?limit=2';
    for (let pages = 0; pages < 10; pages++) {
      const body = (await get(url)).json() as { alerts: Array<{ id: string }>; next: string | null };
      expect(body.alerts.length).toBeLessThanOrEqual(2);
      seen.push(...body.alerts.map((a) => a.id));
      if (body.next === null) break;
      url = `/api/v1/alerts?limit=2&cursor=${encodeURIComponent(body.next)}`;
    }
    expect(seen).toEqual(['a5', 'a4', 'a3', 'a2', 'a1']);
  });

  it('refuses bad filters with 400 and the error shape of the other routes', async () => {
    for (const query of ['status=bogus', 'status=open,bogus', 'severity=urgent', 'limit=0', 'limit=1001', 'limit=x', 'since=yesterday', 'until=soon', 'colour=red', 'cursor=not-a-cursor']) {
      const res = await get(`/api/v1/alerts?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json(), query).toMatchObject({ error: { code: 'ERR_CONFIG_INVALID', message: expect.any(String) } });
    }
    expect((await get('/api/v1/alerts?status=bogus')).json()).toMatchObject({ error: { message: expect.stringContaining('bogus') } });
  });

  it('shows one alert with its rule and matched signals; a signal no longer stored is listed by its reference', async () => {
    const res = await get('/api/v1/alerts/a2');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { ruleTitle: string; ruleDescription: string; matchedSignals: Array<Record<string, unknown>>; groupKey: string };
    const bruteForce = BUILT_IN_RULES.find((r) => r.id === 'brute-force');
    expect(body).toMatchObject({ id: 'a2', title: HOSTILE, groupKey: 'alice@contoso.com', ruleTitle: bruteForce?.title, ruleDescription: bruteForce?.description });
    expect(body.matchedSignals).toEqual([
      { ...ref('r1'), time: '2026-02-01T10:00:00.000Z', title: 'Sign-in r1', severity: 'low', indicators: { ip: ['198.51.100.7'], upn: ['alice@contoso.com'] } },
      { ...ref('r2'), time: '2026-02-01T10:00:00.000Z', title: 'Sign-in r2', severity: 'low', indicators: { ip: ['198.51.100.7'], upn: ['alice@contoso.com'] } },
      { ...ref('r9'), missing: true },
    ]);
    expect((await get('/api/v1/alerts/a4')).json()).toMatchObject({ ruleTitle: null, ruleDescription: null, matchedSignals: [] });
  });

  it('answers 404 for an unknown alert', async () => {
    for (const res of [await get('/api/v1/alerts/nope'), await setStatus('nope', { status: 'closed' })]) {
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'ERR_NOT_FOUND' } });
    }
  });

  it('changes the status, answering the updated alert; refuses a bad status with 400', async () => {
    const ack = await setStatus('a1', { status: 'acknowledged' });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ id: 'a1', status: 'acknowledged', rule: 'brute-force' });
    expect((await app.store.getAlert('a1'))?.status).toBe('acknowledged');
    expect(await ids('/api/v1/alerts?status=acknowledged')).toEqual(['a1']);
    for (const body of [{ status: 'resolved' }, {}, { status: 'closed', extra: 1 }, ['closed']]) {
      const res = await setStatus('a1', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'ERR_CONFIG_INVALID' } });
    }
    expect((await app.store.getAlert('a1'))?.status).toBe('acknowledged');
    const reopen = await setStatus('a1', { status: 'open' });
    expect(reopen.json()).toMatchObject({ status: 'open' });
  });

  it('needs a session for every alert route and the CSRF token to change a status', async () => {
    for (const url of ['/api/v1/alerts', '/api/v1/alerts/a1', '/api/v1/rules']) {
      expect((await server.inject({ method: 'GET', url })).statusCode, url).toBe(401);
    }
    expect((await setStatus('a1', { status: 'closed' }, {})).statusCode).toBe(401);
    const noCsrf = await setStatus('a1', { status: 'closed' }, { cookie });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json()).toMatchObject({ error: { code: 'ERR_CSRF' } });
    const wrongCsrf = await setStatus('a1', { status: 'closed' }, { cookie, 'x-csrf-token': 'guess' });
    expect(wrongCsrf.statusCode).toBe(403);
    expect((await app.store.getAlert('a1'))?.status).toBe('open');
  });

  it('gives each integration its open alert count, with one count for the whole list', async () => {
    const count = vi.spyOn(app.store, 'countAlertsByIntegration');
    try {
      const res = await get('/api/v1/integrations');
      const list = (res.json() as { integrations: Array<{ name: string; openAlerts: number }> }).integrations;
      expect(Object.fromEntries(list.map((i) => [i.name, i.openAlerts]))).toEqual({ contoso: 3, fabrikam: 1, litware: 0 });
      expect(count).toHaveBeenCalledTimes(1);
      expect(count).toHaveBeenCalledWith(['open']);
      await setStatus('a5', { status: 'closed' });
      expect((await get('/api/v1/integrations/contoso')).json()).toMatchObject({ name: 'contoso', openAlerts: 2 });
    } finally {
      count.mockRestore();
    }
  });

  it('lists the installation rules for the filter and labels', async () => {
    const rules = (await get('/api/v1/rules')).json() as { rules: Array<{ id: string; title: string; description: string }> };
    expect(rules.rules.map((r) => r.id)).toEqual(BUILT_IN_RULES.map((r) => r.id));
    expect(rules.rules[0]).toEqual({ id: BUILT_IN_RULES[0]?.id, title: BUILT_IN_RULES[0]?.title, description: BUILT_IN_RULES[0]?.description });
  });
});
