// `azsec rules list` shows the built-in detection rules with their defaults; `azsec rules import DIR` reads a folder
// of Sigma rules and says, per rule, whether it loads or why not. (Running rules on ingest comes with the detection
// pipeline; these commands only read rules.)
import { parseArgs } from 'node:util';
import { formatDuration } from '../../config/duration.ts';
import { AzsecError } from '../../core/errors.ts';
import { ruleCatalogue } from '../../detections/rule-catalogue.ts';
import { BUILT_IN_RULES } from '../../detections/rules/index.ts';
import { loadSigmaDir } from '../../detections/sigma/load-sigma-dir.ts';
import type { CliCommand, CliIo } from '../command.ts';

const USAGE = ['Usage:', '  azsec rules list [--json]', '  azsec rules import DIR [--json]'].join('\n');

function list(args: string[], io: CliIo): number {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  const catalogue = ruleCatalogue(BUILT_IN_RULES);
  if (values.json === true) {
    io.out(JSON.stringify({ rules: catalogue }));
    return 0;
  }
  for (const r of catalogue) {
    const threshold = r.defaults.count === null ? '' : ` · ${r.defaults.count}${r.defaults.distinct ? ' distinct' : ''} in ${formatDuration(r.defaults.windowMs ?? 0)}`;
    io.out(`${r.id}  [${r.defaults.severity}]${threshold}  ${r.title}`);
  }
  return 0;
}

async function importDir(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  const dir = positionals[0];
  if (dir === undefined || positionals.length !== 1) throw new AzsecError('ERR_CONFIG_INVALID', 'Usage: azsec rules import DIR');
  let results;
  try {
    results = await loadSigmaDir(dir);
  } catch (error) {
    throw new AzsecError('ERR_CONFIG_INVALID', `Cannot read the folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const loaded = results.filter((r) => r.status === 'loaded').length;
  if (values.json === true) {
    io.out(JSON.stringify({
      loaded,
      notSupported: results.length - loaded,
      rules: results.map((r) => (r.status === 'loaded' ? { file: r.file, status: r.status, id: r.rule.id, title: r.rule.title } : { file: r.file, status: r.status, id: r.id, title: r.title, reason: r.reason })),
    }));
    return 0;
  }
  for (const r of results) io.out(r.status === 'loaded' ? `loaded         ${r.file}  (${r.rule.title})` : `not supported  ${r.file}: ${r.reason}`);
  io.out(`${loaded} of ${results.length} rules load.`);
  return 0;
}

export const rulesCommand: CliCommand = {
  name: 'rules',
  summary: 'list the built-in detection rules, or check which Sigma rules of a folder load',
  usage: USAGE,
  async run(args, _globals, io) {
    const [sub, ...rest] = args;
    if (sub === 'list') return list(rest, io);
    if (sub === 'import') return importDir(rest, io);
    io.err(sub === undefined ? USAGE : `azsec rules: unknown subcommand "${sub}"\n\n${USAGE}`);
    return 2;
  },
};
