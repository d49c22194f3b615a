// Signing in and out, and the one-time setup of the admin password.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AzsecError } from '../../core/errors.ts';
import type { ConsoleContext } from '../build-server.ts';
import { headerValue } from '../build-server.ts';
import { sessionCookie } from '../sessions.ts';

const loginBody = z.strictObject({ password: z.string().min(1).max(1024) });
const setupBody = z.strictObject({ token: z.string().min(1).max(200), password: z.string().max(1024) });

/** Cross-site requests carry an Origin that is not ours: refuse them before looking at credentials. */
function sameOrigin(req: FastifyRequest): boolean {
  const origin = headerValue(req, 'origin');
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === headerValue(req, 'host');
  } catch {
    return false;
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw new AzsecError('ERR_CONFIG_INVALID', 'Send a JSON body: ' + result.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join('; '));
  return result.data;
}

export function sessionRoutes(api: FastifyInstance, ctx: ConsoleContext): void {
  api.get('/api/v1/session', async (req) => ({
    authenticated: req.session !== undefined,
    setupRequired: !(await ctx.password.isSet()),
    csrf: req.session?.csrf ?? null,
  }));

  api.post('/api/v1/session', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!sameOrigin(req)) return reply.code(403).send({ error: { code: 'ERR_CSRF', message: 'Cross-origin sign-in refused' } });
    const client = req.ip;
    const wait = ctx.loginLimit.retryAfter(client);
    if (wait > 0) {
      return reply.code(429).header('Retry-After', String(wait)).send({ error: { code: 'ERR_RATE_LIMITED', message: `Too many failed sign-ins; try again in ${wait} s` } });
    }
    const { password } = parse(loginBody, req.body);
    if (!(await ctx.password.verify(password))) {
      ctx.loginLimit.fail(client);
      return reply.code(401).send({ error: { code: 'ERR_UNAUTHENTICATED', message: 'Wrong password' } });
    }
    ctx.loginLimit.succeed(client);
    const session = ctx.sessions.create();
    return reply.header('Set-Cookie', sessionCookie(session.id, { secure: ctx.tls })).send({ authenticated: true, csrf: session.csrf });
  });

  api.delete('/api/v1/session', async (req, reply) => {
    if (req.session !== undefined) ctx.sessions.destroy(req.session.id);
    return reply.header('Set-Cookie', sessionCookie('', { secure: ctx.tls, clear: true })).send({ authenticated: false });
  });

  api.post('/api/v1/setup', async (req, reply) => {
    if (!sameOrigin(req)) return reply.code(403).send({ error: { code: 'ERR_CSRF', message: 'Cross-origin setup refused' } });
    const { token, password } = parse(setupBody, req.body);
    const expected = ctx.setupToken.value;
    if (expected === undefined || (await ctx.password.isSet())) {
      return reply.code(409).send({ error: { code: 'ERR_SETUP_DONE', message: 'The admin password is already set' } });
    }
    if (token !== expected) return reply.code(403).send({ error: { code: 'ERR_SETUP_TOKEN', message: 'Wrong or used setup link' } });
    await ctx.password.set(password);
    ctx.setupToken.value = undefined;
    const session = ctx.sessions.create();
    return reply.header('Set-Cookie', sessionCookie(session.id, { secure: ctx.tls })).send({ authenticated: true, csrf: session.csrf });
  });
}
