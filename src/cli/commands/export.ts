// `azsec export`: stored records as JSON Lines {"integration","check","id","time","raw"}, raw being the Graph
// object exactly as received (its original text is spliced in, not re-serialised).
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import { isCheckId } from '../../core/check-ids.ts';
import { AzsecError } from '../../core/errors.ts';
import type { RecordFilter } from '../../store/store.ts';
import type { CliCommand } from '../command.ts';

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'write stored records as JSON Lines (raw Graph objects as received)',
  usage: 'Usage: azsec export [--integration NAME] [--check ID] [--since ISO-8601]',
  async run(args, globals, io) {
    const { values } = parseArgs({
      args,
      options: { integration: { type: 'string' }, check: { type: 'string' }, since: { type: 'string' } },
      strict: true,
    });
    const filter: RecordFilter = {};
    if (values.integration !== undefined) filter.integration = values.integration;
    if (values.check !== undefined) {
      if (!isCheckId(values.check)) throw new AzsecError('ERR_CONFIG_INVALID', `--check: "${values.check}" is not a check id`);
      filter.check = values.check;
    }
    if (values.since !== undefined) {
      if (Number.isNaN(Date.parse(values.since))) throw new AzsecError('ERR_CONFIG_INVALID', `--since: "${values.since}" is not an ISO 8601 time`);
      filter.since = values.since;
    }
    const app = await openApp({ dataDir: globals.dataDir, storeUrl: globals.storeUrl, env: io.env, logFormat: globals.logFormat });
    try {
      for await (const r of app.store.exportRecords(filter)) {
        const head = JSON.stringify({ integration: r.integration, check: r.check, id: r.id, time: r.time });
        io.out(`${head.slice(0, -1)},"raw":${r.raw}}`);
      }
      return 0;
    } finally {
      await app.close();
    }
  },
};
