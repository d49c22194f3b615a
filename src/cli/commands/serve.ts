// `azsec serve`: the collector plus the console's JSON API in one process.
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import { AzsecError } from '../../core/errors.ts';
import { AdminPassword } from '../../http/admin-password.ts';
import { buildServer, newSetupToken } from '../../http/build-server.ts';
import type { CliCommand } from '../command.ts';
import { waitForStopSignal } from '../stop-signal.ts';

async function readPem(option: string, file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new AzsecError('ERR_CONFIG_INVALID', `${option}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'run the collector and the console API (/api/v1) in one process',
  usage: [
    'Usage: azsec serve [--port 8470] [--host 127.0.0.1] [--tls-cert PEM --tls-key PEM]',
    '',
    'Runs the collector and serves the JSON API under /api/v1 (see docs/api.md). Nobody gets in without the admin',
    'password: set it with AZSEC_ADMIN_PASSWORD at the first start, or through the one-time setup token printed then.',
    'Binds to 127.0.0.1 unless told otherwise; give --tls-cert and --tls-key to serve HTTPS.',
  ].join('\n'),
  async run(args, globals, io) {
    const { values } = parseArgs({
      args,
      options: { port: { type: 'string' }, host: { type: 'string' }, 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' } },
      strict: true,
    });
    const port = values.port === undefined ? 8470 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new AzsecError('ERR_CONFIG_INVALID', '--port must be an integer from 0 to 65535');
    const host = values.host ?? '127.0.0.1';
    if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new AzsecError('ERR_CONFIG_INVALID', '--tls-cert and --tls-key go together');
    const https =
      values['tls-cert'] !== undefined && values['tls-key'] !== undefined
        ? { cert: await readPem('--tls-cert', values['tls-cert']), key: await readPem('--tls-key', values['tls-key']) }
        : undefined;

    const app = await openApp({ dataDir: globals.dataDir, storeUrl: globals.storeUrl, env: io.env, logFormat: globals.logFormat });
    const password = new AdminPassword(globals.dataDir);
    let setupToken: string | undefined;
    if (!(await password.isSet())) {
      const fromEnv = io.env.AZSEC_ADMIN_PASSWORD;
      if (fromEnv !== undefined && fromEnv !== '') await password.set(fromEnv);
      else setupToken = newSetupToken();
    }
    const server = await buildServer({ app, dataDir: globals.dataDir, ...(https ? { https } : {}), ...(setupToken ? { setupToken } : {}) });
    const stop = new AbortController();
    try {
      await server.listen({ port, host });
      const shown = isIP(host) === 6 ? `[${host}]` : host;
      const base = `${https ? 'https' : 'http'}://${shown}:${(server.server.address() as { port: number }).port}`;
      io.out(`azsec console API on ${base}/api/v1`);
      if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') io.err(`Warning: listening on ${host}, reachable from other machines${https ? '' : ' without TLS'}.`);
      if (setupToken !== undefined) {
        io.out('No admin password yet. Set it once with this one-time token (it is not stored and dies with the process):');
        io.out(`  curl -s ${base}/api/v1/setup -H 'content-type: application/json' -d '{"token":"${setupToken}","password":"<at least 12 characters>"}'`);
      }
      void waitForStopSignal().then(() => stop.abort());
      await app.runCollection(stop.signal);
      return 0;
    } finally {
      await server.close();
      await app.close();
    }
  },
};
