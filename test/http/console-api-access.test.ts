// Every API route refuses a caller without a session (401), and every state-changing route refuses a signed-in
// caller without the CSRF token (403): checked route by route from fastify's own route table, so a new route
// cannot slip through untested.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app/open-app.ts';
import type { App } from '../../src/app/open-app.ts';
import { buildServer } from '../../src/http/build-server.ts';

const PUBLIC = new Set(['GET /api/v1/health', 'GET /api/v1/session', 'POST /api/v1/session', 'POST /api/v1/setup']);

describe('console API access control, route by route', () => {
  let dir: string;
  let app: App;
  let server: FastifyInstance;
  const routes: Array<{ method: string; url: string }> = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'azsec-http-access-'));
    app = await openApp({ dataDir: dir, env: { AZSEC_SECRET_KEY: randomBytes(32).toString('base64'), AZSEC_ADMIN_PASSWORD: '' }, logFormat: 'json', logWrite: () => undefined });
    server = await buildServer({ app, dataDir: dir, setupToken: 'tok', onRoute: (r) => routes.push(r) });
    await server.ready();
  });
  /** The API routes with their parameters filled in. */
  const api = () =>
    routes.filter((r) => r.url.startsWith('/api/')).map((r) => ({ ...r, concrete: r.url.replace(/:check/g, 'users').replace(/:[a-z]+/gi, 'x') }));

  afterAll(async () => {
    await server?.close();
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sees the API routes', () => {
    expect(routes.filter((r) => r.url.startsWith('/api/')).length).toBeGreaterThanOrEqual(18);
    const seen = new Set(routes.map((r) => `${r.method} ${r.url}`));
    for (const r of ['GET /api/v1/alerts', 'GET /api/v1/alerts/:id', 'POST /api/v1/alerts/:id/status', 'GET /api/v1/rules']) expect(seen, r).toContain(r);
  });

  it('answers 401 without a session on every non-public route', async () => {
    for (const r of api()) {
      if (PUBLIC.has(`${r.method} ${r.url}`)) continue;
      const res = await server.inject({ method: r.method as 'GET', url: r.concrete, ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: {} }) });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.headers['content-security-policy']).toBeDefined();
    }
  });

  it('answers 403 without the CSRF token on every state-changing route', async () => {
    await app.store.migrate();
    const { AdminPassword } = await import('../../src/http/admin-password.ts');
    await new AdminPassword(dir).set('a sufficiently long password');
    const login = await server.inject({ method: 'POST', url: '/api/v1/session', payload: { password: 'a sufficiently long password' } });
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    for (const r of api().filter((x) => x.method !== 'GET' && !PUBLIC.has(`${x.method} ${x.url}`))) {
      const res = await server.inject({ method: r.method as 'POST', url: r.concrete, headers: { cookie }, ...(r.method === 'DELETE' ? {} : { payload: {} }) });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'ERR_CSRF' } });
    }
  });
});
