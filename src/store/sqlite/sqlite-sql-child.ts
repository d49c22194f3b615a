// Child process of sqlite-sql-query.ts: runs ONE analyst query on its own read-only connection and reports the
// result over the IPC channel. It exists because node:sqlite cannot interrupt a running statement (no progress
// handler, no sqlite3_interrupt), and a worker thread stuck in native code ignores terminate(): a process can be
// killed, so the parent enforces the time limit with SIGKILL.
// Messages: parent → { path, sql, maxRows }; child → { started: true } just before the query runs, then
// { columns, rows, truncated } or { error, readOnly }.
import { quietSqliteExperimentalWarning } from '../../core/quiet-warnings.ts';
import { toJsonValue } from '../sql-values.ts';
import type { JsonValue } from '../store.ts';

quietSqliteExperimentalWarning();
const { DatabaseSync } = await import('node:sqlite');

interface Request {
  path: string;
  sql: string;
  maxRows: number;
}

// SQLITE_READONLY and its extended codes share the low byte 8; SQLite itself refuses writes on this connection.
const SQLITE_READONLY = 8;

function errorReply(error: unknown): { error: string; readOnly: boolean } {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null && 'errcode' in error ? Number((error as { errcode: unknown }).errcode) : NaN;
  const readOnly = (code & 0xff) === SQLITE_READONLY || /because it is a view|query_only/i.test(message);
  return { error: message, readOnly };
}

function run(request: Request): unknown {
  const db = new DatabaseSync(request.path, { readOnly: true, timeout: 5_000 });
  try {
    // Belt and braces next to readOnly: query_only refuses writes even to a TEMP table.
    db.exec('PRAGMA query_only = 1');
    const statement = db.prepare(request.sql);
    statement.setReturnArrays(true);
    statement.setReadBigInts(true);
    const columns = statement.columns().map((column) => column.name);
    const rows: JsonValue[][] = [];
    let truncated = false;
    process.send?.({ started: true });
    for (const row of statement.iterate() as Iterable<unknown[]>) {
      if (rows.length === request.maxRows) {
        truncated = true;
        break;
      }
      rows.push(row.map(toJsonValue));
    }
    return { columns, rows, truncated };
  } catch (error) {
    return errorReply(error);
  } finally {
    db.close();
  }
}

process.once('message', (request: Request) => {
  let reply: unknown;
  try {
    reply = run(request);
  } catch (error) {
    reply = errorReply(error);
  }
  process.send?.(reply, () => process.disconnect());
});
