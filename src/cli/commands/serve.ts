// `azsec serve`: the collector plus the console's JSON API in one process.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import { AzsecError } from '../../core/errors.ts';
import type { FastifyInstance } from 'fastify';
import type { CliCommand } from '../command.ts';
import { startConsole } from '../start-console.ts';
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
  summary: 'run the collector and the web console (and its API under /api/v1) in one process',
  usage: [
    'Usage: azsec serve [--port 8470] [--host 127.0.0.1] [--tls-cert PEM --tls-key PEM]',
    '',
    'Runs the collector and serves the console and its JSON API under /api/v1 (docs/api.md). Nobody gets in without',
    'the admin password: set it with AZSEC_ADMIN_PASSWORD at the first start, or through the one-time link printed then.',
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
    const stop = new AbortController();
    let server: FastifyInstance | undefined;
    try {
      server = await startConsole(app, io, { dataDir: globals.dataDir, port, host, ...(https ? { https } : {}) });
      void waitForStopSignal().then(() => stop.abort());
      await app.runCollection(stop.signal);
      return 0;
    } finally {
      await server?.close();
      await app.close();
    }
  },
};
