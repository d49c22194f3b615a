// `azsec export`: stored records as JSON Lines.
//   --format raw (default): {"integration","check","id","time","raw"}, raw being the Graph object exactly as received
//     (its original text is spliced in, not re-serialised).
//   --format ocsf: one OCSF 1.8 event per stored record version (src/ocsf/), built from the record's signal. The
//     signal is recomputed here with the normalizers from the exported raw text, so the export depends only on the
//     records themselves (not on the signal store, and it reflects the current normalizers).
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import { isCheckId } from '../../core/check-ids.ts';
import { AzsecError } from '../../core/errors.ts';
import { normalize } from '../../normalize/normalizers.ts';
import { toOcsf } from '../../ocsf/to-ocsf.ts';
import type { RecordFilter, Store, StoredRecord } from '../../store/store.ts';
import type { CliCommand } from '../command.ts';

const FORMATS = ['raw', 'ocsf'] as const;
type ExportFormat = (typeof FORMATS)[number];

function isFormat(value: string): value is ExportFormat {
  return (FORMATS as readonly string[]).includes(value);
}

function rawLine(r: StoredRecord): string {
  const head = JSON.stringify({ integration: r.integration, check: r.check, id: r.id, time: r.time });
  return `${head.slice(0, -1)},"raw":${r.raw}}`;
}

/** Builds OCSF lines; remembers each integration's tenant id (records of some checks do not carry it). */
function ocsfLines(store: Store): (r: StoredRecord) => Promise<string> {
  const tenants = new Map<string, string>();
  return async (r) => {
    let tenantId = tenants.get(r.integration);
    if (tenantId === undefined) {
      // An integration removed with its records kept has no tenant id any more; the events then carry none.
      tenantId = (await store.getIntegration(r.integration))?.tenantId ?? '';
      tenants.set(r.integration, tenantId);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(r.raw);
    } catch {
      parsed = {};
    }
    const raw = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    const signal = normalize(raw, { integration: r.integration, check: r.check, recordId: r.id, version: r.version, tenantId, time: r.time });
    return JSON.stringify(toOcsf(signal, raw));
  };
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'write stored records as JSON Lines (raw Graph objects as received, or OCSF 1.8 events)',
  usage: [
    'Usage: azsec export [--integration NAME] [--check ID] [--since ISO-8601] [--format raw|ocsf]',
    '',
    '  --format raw   (default) one {"integration","check","id","time","raw"} line per stored record version',
    '  --format ocsf  one OCSF 1.8 event per stored record version (see docs/ocsf.md)',
  ].join('\n'),
  async run(args, globals, io) {
    const { values } = parseArgs({
      args,
      options: { integration: { type: 'string' }, check: { type: 'string' }, since: { type: 'string' }, format: { type: 'string' } },
      strict: true,
    });
    const format = values.format ?? 'raw';
    if (!isFormat(format)) throw new AzsecError('ERR_CONFIG_INVALID', `--format: "${format}" is not one of ${FORMATS.join(', ')}`);
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
      const line = format === 'ocsf' ? ocsfLines(app.store) : async (r: StoredRecord) => rawLine(r);
      for await (const r of app.store.exportRecords(filter)) io.out(await line(r));
      return 0;
    } finally {
      await app.close();
    }
  },
};
