// `azsec sql`: one read-only analyst query over the documented views (signals, indicators, records).
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import { parseDuration } from '../../config/duration.ts';
import { AzsecError } from '../../core/errors.ts';
import type { CliCommand } from '../command.ts';

export const sqlCommand: CliCommand = {
  name: 'sql',
  summary: 'run one read-only SQL query over the signals, indicators and records views',
  usage: [
    'Usage: azsec sql "SELECT …" [--json] [--max-rows 1000] [--timeout 10s]',
    '',
    'The query runs on a read-only connection with a time limit and a row limit; writes, several statements and bad',
    'SQL are refused with ERR_SQL. The views are described in docs/sql.md.',
  ].join('\n'),
  async run(args, globals, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { json: { type: 'boolean' }, 'max-rows': { type: 'string' }, timeout: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    const sql = positionals.join(' ').trim();
    if (sql === '') throw new AzsecError('ERR_CONFIG_INVALID', 'Give the query: azsec sql "SELECT …"');
    const maxRows = values['max-rows'] === undefined ? 1_000 : Number(values['max-rows']);
    if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > 100_000) throw new AzsecError('ERR_CONFIG_INVALID', '--max-rows must be an integer from 1 to 100000');
    const timeoutMs = values.timeout === undefined ? 10_000 : parseDuration(values.timeout, '--timeout');
    if (timeoutMs < 100 || timeoutMs > 600_000) throw new AzsecError('ERR_CONFIG_INVALID', '--timeout must be between 100ms and 10m');
    const app = await openApp({ dataDir: globals.dataDir, storeUrl: globals.storeUrl, env: io.env, logFormat: globals.logFormat });
    try {
      const result = await app.store.querySql(sql, { timeoutMs, maxRows });
      if (values.json === true) {
        io.out(JSON.stringify(result));
        return 0;
      }
      io.out(result.columns.join('\t'));
      for (const row of result.rows) io.out(row.map((v) => (v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))).join('\t'));
      if (result.truncated) io.out(`(stopped at ${maxRows} rows; raise --max-rows to see more)`);
      return 0;
    } finally {
      await app.close();
    }
  },
};
