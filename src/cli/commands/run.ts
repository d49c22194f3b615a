// `azsec run`: the long-running collector, until SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import { parseDuration } from '../../config/duration.ts';
import { AzsecError } from '../../core/errors.ts';
import type { CliCommand } from '../command.ts';
import { waitForStopSignal } from '../stop-signal.ts';

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'run the collector: every enabled integration on its own interval, until stopped',
  usage: [
    'Usage: azsec run [--lease-period 60s]',
    '',
    'Collects continuously; stops cleanly on Ctrl+C or SIGTERM (work in flight commits or rolls back whole).',
    'With --store postgres://… any number of `azsec run` processes share the integrations through leases;',
    '--lease-period is how long a dead worker\'s integrations wait before another worker takes them over.',
  ].join('\n'),
  async run(args, globals, io) {
    const { values } = parseArgs({ args, options: { 'lease-period': { type: 'string' } }, strict: true });
    const leaseMs = values['lease-period'] === undefined ? undefined : parseDuration(values['lease-period'], '--lease-period');
    if (leaseMs !== undefined && (leaseMs < 5_000 || leaseMs > 3_600_000)) {
      throw new AzsecError('ERR_CONFIG_INVALID', '--lease-period must be between 5s and 1h');
    }
    const app = await openApp({ dataDir: globals.dataDir, storeUrl: globals.storeUrl, env: io.env, logFormat: globals.logFormat });
    const stop = new AbortController();
    void waitForStopSignal().then(() => stop.abort());
    try {
      await app.runCollection(stop.signal, leaseMs === undefined ? {} : { leaseMs });
      return 0;
    } finally {
      await app.close();
    }
  },
};
