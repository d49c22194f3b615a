// `azsec reindex`: recomputes the signals (and their indicators and text index) of stored records, after a
// normalizer changed. Records themselves are never touched.
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import { isCheckId } from '../../core/check-ids.ts';
import { AzsecError } from '../../core/errors.ts';
import { signalOfRecord } from '../../signals/signal-of-record.ts';
import type { Signal } from '../../signals/signal.ts';
import type { RecordFilter } from '../../store/store.ts';
import type { CliCommand } from '../command.ts';

const BATCH = 1_000;

export const reindexCommand: CliCommand = {
  name: 'reindex',
  summary: 'recompute the signals of stored records (after a normalizer changed)',
  usage: 'Usage: azsec reindex [--integration NAME] [--check ID]',
  async run(args, globals, io) {
    const { values } = parseArgs({ args, options: { integration: { type: 'string' }, check: { type: 'string' } }, strict: true });
    const filter: RecordFilter = {};
    if (values.integration !== undefined) filter.integration = values.integration;
    if (values.check !== undefined) {
      if (!isCheckId(values.check)) throw new AzsecError('ERR_CONFIG_INVALID', `--check: "${values.check}" is not a check id`);
      filter.check = values.check;
    }
    const app = await openApp({ dataDir: globals.dataDir, storeUrl: globals.storeUrl, env: io.env, logFormat: globals.logFormat });
    try {
      const tenants = new Map((await app.store.listIntegrations()).map((i) => [i.name, i.tenantId]));
      let batch: Signal[] = [];
      let done = 0;
      for await (const r of app.store.exportRecords(filter)) {
        batch.push(signalOfRecord(r, tenants.get(r.integration) ?? ''));
        if (batch.length === BATCH) {
          await app.store.putSignals(batch);
          done += batch.length;
          batch = [];
        }
      }
      if (batch.length > 0) await app.store.putSignals(batch);
      done += batch.length;
      io.out(`Reindexed ${done} record versions.`);
      return 0;
    } finally {
      await app.close();
    }
  },
};
