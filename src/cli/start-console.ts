// Starts the console server for `azsec serve` and `azsec start`: the admin password from AZSEC_ADMIN_PASSWORD or a
// one-time setup link, then listening, and the address printed.
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { App } from '../app/open-app.ts';
import { AdminPassword } from '../http/admin-password.ts';
import { buildServer, newSetupToken } from '../http/build-server.ts';
import type { CliIo } from './command.ts';

export interface ConsoleOptions {
  dataDir: string;
  port: number;
  host: string;
  https?: { cert: string; key: string };
  /** Try any free port when `port` is taken (the demo), instead of failing. */
  anyPortIfTaken?: boolean;
}

export async function startConsole(app: App, io: CliIo, opts: ConsoleOptions): Promise<FastifyInstance> {
  const password = new AdminPassword(opts.dataDir);
  let setupToken: string | undefined;
  if (!(await password.isSet())) {
    const fromEnv = io.env.AZSEC_ADMIN_PASSWORD;
    if (fromEnv !== undefined && fromEnv !== '') await password.set(fromEnv);
    else setupToken = newSetupToken();
  }
  const server = await buildServer({ app, dataDir: opts.dataDir, ...(opts.https ? { https: opts.https } : {}), ...(setupToken ? { setupToken } : {}) });
  try {
    await server.listen({ port: opts.port, host: opts.host });
  } catch (error) {
    if (opts.anyPortIfTaken !== true || (error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    await server.listen({ port: 0, host: opts.host });
  }
  const shown = isIP(opts.host) === 6 ? `[${opts.host}]` : opts.host;
  const base = `${opts.https ? 'https' : 'http'}://${shown}:${(server.server.address() as { port: number }).port}`;
  io.out(`Console: ${base}/`);
  if (!['127.0.0.1', '::1', 'localhost'].includes(opts.host)) io.err(`Warning: listening on ${opts.host}, reachable from other machines${opts.https ? '' : ' without TLS'}.`);
  if (setupToken !== undefined) {
    io.out(`No admin password yet: open this one-time link to set it (it works once and dies with the process):`);
    io.out(`  ${base}/#/setup?token=${setupToken}`);
  }
  return server;
}
