// `azsec poll --once`: one full cycle of every enabled integration (or one), then exit.
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import { AzsecError } from '../../core/errors.ts';
import type { CliCommand } from '../command.ts';

export const pollCommand: CliCommand = {
  name: 'poll',
  summary: 'run one collection cycle of every enabled integration and exit (--once)',
  usage: [
    'Usage: azsec poll --once [--integration NAME]',
    '',
    'Collects every enabled check of every enabled integration once (checks cooling down after throttling, or',
    're-probed later for a missing permission or licence, wait for their time). Exit code 0 when the cycle ran,',
    'whatever the checks\' states; see them with `azsec status`. The new records\' signals and alerts are made before',
    'it exits (by the running `azsec serve`/`run` instead, when one runs the signal stage).',
  ].join('\n'),
  async run(args, globals, io) {
    const { values } = parseArgs({ args, options: { once: { type: 'boolean' }, integration: { type: 'string' } }, strict: true });
    if (values.once !== true) throw new AzsecError('ERR_CONFIG_INVALID', 'azsec poll needs --once (the long-running collector is `azsec run`)');
    const app = await openApp({ dataDir: globals.dataDir, storeUrl: globals.storeUrl, env: io.env, logFormat: globals.logFormat });
    try {
      await app.collector().pollOnce(values.integration);
      // Signals and alerts of what was just stored (unless a running `azsec serve` or `run` does it already).
      await app.drainSignals();
      return 0;
    } finally {
      await app.close();
    }
  },
};
