// The console's HTTP server (fastify): security headers and a strict Content-Security-Policy on every answer, the
// session and CSRF checks, the JSON API under /api/v1, and the console's static files (web/). Built without
// listening, so tests use inject(); `azsec serve` listens.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app/open-app.ts';
import { isAzsecError } from '../core/errors.ts';
import type { ErrorCode } from '../core/errors.ts';
import { AdminPassword } from './admin-password.ts';
import { LoginRateLimit } from './login-rate-limit.ts';
import { alertRoutes } from './routes/alert-routes.ts';
import { integrationRoutes } from './routes/integration-routes.ts';
import { sessionRoutes } from './routes/session-routes.ts';
import { signalRoutes } from './routes/signal-routes.ts';
import { statusRoutes } from './routes/status-routes.ts';
import { SESSION_COOKIE, Sessions, cookieValue } from './sessions.ts';
import type { Session } from './sessions.ts';

export interface ServerOptions {
  app: App;
  dataDir: string;
  /** PEM certificate and key: serve HTTPS (cookies get Secure, HSTS is sent). */
  https?: { cert: string; key: string };
  /** The one-time setup token while no admin password is set (printed by `azsec serve`). */
  setupToken?: string;
  /** Told of every route as it is registered (tests check that each one is access-controlled). */
  onRoute?: (route: { method: string; url: string }) => void;
}

export interface ConsoleContext {
  app: App;
  sessions: Sessions;
  password: AdminPassword;
  loginLimit: LoginRateLimit;
  tls: boolean;
  setupToken: { value: string | undefined };
}

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | undefined;
  }
}

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  ERR_CONFIG_INVALID: 400,
  ERR_INTEGRATION_EXISTS: 409,
  ERR_INTEGRATION_NOT_FOUND: 404,
  ERR_SQL: 400,
  // The server is fine; this search asked too much of it. 503 tells a client the request may succeed narrowed or later.
  ERR_SEARCH_TIMEOUT: 503,
};

/** Paths reachable without a session: the login and setup flow, the static console, health. */
function isPublic(method: string, url: string): boolean {
  const p = url.split('?')[0] ?? '';
  if (!p.startsWith('/api/')) return true;
  if (p === '/api/v1/health') return true;
  // Signing in and the one-time setup have no session yet: SameSite=Strict cookies, a JSON body (which a cross-site
  // form cannot send) and the Origin check stand in for the CSRF token there.
  return (p === '/api/v1/session' && (method === 'GET' || method === 'POST')) || (p === '/api/v1/setup' && method === 'POST');
}

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const server = (opts.https === undefined
    ? Fastify({ logger: false, bodyLimit: 1_048_576, trustProxy: false })
    : Fastify({ logger: false, bodyLimit: 1_048_576, trustProxy: false, https: opts.https })) as unknown as FastifyInstance;
  const ctx: ConsoleContext = {
    app: opts.app,
    sessions: new Sessions(),
    password: new AdminPassword(opts.dataDir),
    loginLimit: new LoginRateLimit(),
    tls: opts.https !== undefined,
    setupToken: { value: opts.setupToken },
  };

  server.decorateRequest('session', undefined);
  const onRoute = opts.onRoute;
  if (onRoute !== undefined) {
    server.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) if (method !== 'HEAD') onRoute({ method, url: r.url });
    });
  }

  server.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    req.session = ctx.sessions.get(cookieValue(req.headers.cookie, SESSION_COOKIE));
    if (isPublic(req.method, req.url)) return;
    if (req.session === undefined) {
      await reply.code(401).send({ error: { code: 'ERR_UNAUTHENTICATED', message: 'Sign in first' } });
      return;
    }
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && !Sessions.csrfMatches(req.session, headerValue(req, 'x-csrf-token'))) {
      await reply.code(403).send({ error: { code: 'ERR_CSRF', message: 'Missing or wrong x-csrf-token header' } });
    }
  });

  server.addHook('onSend', async (req, reply, payload) => {
    reply.header('Content-Security-Policy', CSP);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    if (ctx.tls) reply.header('Strict-Transport-Security', 'max-age=31536000');
    if (req.url.startsWith('/api/')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  server.setErrorHandler(async (error, _req, reply) => {
    if (isAzsecError(error)) {
      await reply.code(STATUS_OF[error.code] ?? 500).send({ error: { code: error.code, message: error.message, details: error.details } });
      return;
    }
    const e = error as { statusCode?: number; message?: string };
    const status = e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    await reply.code(status).send({ error: { code: status === 500 ? 'ERR_INTERNAL' : 'ERR_BAD_REQUEST', message: status === 500 ? 'Internal error' : (e.message ?? 'Bad request') } });
  });

  server.get('/api/v1/health', async () => ({ ok: true }));
  await server.register(async (api) => {
    sessionRoutes(api, ctx);
    integrationRoutes(api, ctx);
    statusRoutes(api, ctx);
    signalRoutes(api, ctx);
    alertRoutes(api, ctx);
  });

  // The console: three static files, and nothing else served from disk.
  const webDir = path.resolve(import.meta.dirname, '..', '..', 'web');
  const files: Array<[string, string, string]> = [
    ['/', 'index.html', 'text/html; charset=utf-8'],
    ['/app.js', 'app.js', 'text/javascript; charset=utf-8'],
    ['/app.css', 'app.css', 'text/css; charset=utf-8'],
  ];
  for (const [route, file, type] of files) {
    server.get(route, async (_req, reply) => reply.type(type).send(await readFile(path.join(webDir, file))));
  }
  return server;
}

export function headerValue(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function newSetupToken(): string {
  return randomBytes(24).toString('base64url');
}
