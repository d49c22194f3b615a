// Analyst SQL on SQLite (in progress): a separate read-only connection with a time and a row limit.
import { AzsecError } from '../../core/errors.ts';
import type { SqlResult } from '../store.ts';

export async function querySqliteReadOnly(path: string, sql: string, opts: { timeoutMs: number; maxRows: number }): Promise<SqlResult> {
  throw new AzsecError('ERR_SQL', 'azsec sql is not available yet on SQLite.', { path, length: sql.length, ...opts });
}
