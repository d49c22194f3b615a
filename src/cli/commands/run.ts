// `azsec run`: the long-running collector, until SIGINT or SIGTERM.
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import type { CliCommand } from '../command.ts';
import { waitForStopSignal } from '../stop-signal.ts';

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'run the collector: every enabled integration on its own interval, until stopped',
  usage: 'Usage: azsec run\n\nCollects continuously; stops cleanly on Ctrl+C or SIGTERM (work in flight commits or rolls back whole).',
  async run(args, globals, io) {
    parseArgs({ args, options: {}, strict: true });
    const app = await openApp({ dataDir: globals.dataDir, storeUrl: globals.storeUrl, env: io.env, logFormat: globals.logFormat });
    const stop = new AbortController();
    void waitForStopSignal().then(() => stop.abort());
    try {
      await app.collector().run(stop.signal);
      return 0;
    } finally {
      await app.close();
    }
  },
};
