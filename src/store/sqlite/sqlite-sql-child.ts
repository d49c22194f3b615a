// Child process of sqlite-sql-query.ts: runs ONE analyst query on its own read-only connection and reports the
// result over the IPC channel. It exists because node:sqlite cannot interrupt a running statement (no progress
// handler, no sqlite3_interrupt), and a worker thread stuck in native code ignores terminate(): a process can be
// killed, so the parent enforces the time limit with SIGKILL.
// Messages: parent → { path, signalsPath, deriverModule, sql, maxRows }; child → { started: true } just before the
// query runs, then { columns, rows, truncated } or { error, readOnly }.
// The connection opens the records file, attaches the signals file (both read-only) and creates the analyst views over
// both as TEMP views (sqlite-analyst-views.ts), with the normalizer of `deriverModule` as their SQL function.
import { quietSqliteExperimentalWarning } from '../../core/quiet-warnings.ts';
import { toJsonValue } from '../sql-values.ts';
import type { Signal } from '../../signals/signal.ts';
import type { DerivableRecord, JsonValue } from '../store.ts';
import { ANALYST_VIEWS_SQL, SIGNAL_FUNCTION } from './sqlite-analyst-views.ts';
import { SIGNALS_SCHEMA } from './signals-file.ts';

quietSqliteExperimentalWarning();
const { DatabaseSync } = await import('node:sqlite');

interface Request {
  path: string;
  signalsPath: string;
  /** The module whose deriveSignal export computes a signal from its record (SignalDeriver.moduleUrl). */
  deriverModule: string | undefined;
  sql: string;
  maxRows: number;
}

type Derive = (record: DerivableRecord) => Signal;

async function loadDeriver(moduleUrl: string | undefined): Promise<Derive | undefined> {
  if (moduleUrl === undefined) return undefined;
  const module = (await import(moduleUrl)) as { deriveSignal?: Derive };
  return module.deriveSignal;
}

// SQLITE_READONLY and its extended codes share the low byte 8; SQLite itself refuses writes on this connection.
const SQLITE_READONLY = 8;

function errorReply(error: unknown): { error: string; readOnly: boolean } {
  const message = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null && 'errcode' in error ? Number((error as { errcode: unknown }).errcode) : NaN;
  const readOnly = (code & 0xff) === SQLITE_READONLY || /because it is a view|query_only/i.test(message);
  return { error: message, readOnly };
}

function run(request: Request, derive: Derive | undefined): unknown {
  const db = new DatabaseSync(request.path, { readOnly: true, timeout: 5_000 });
  try {
    // Attached databases are opened with the connection's flags: read-only too.
    db.prepare(`ATTACH DATABASE ? AS ${SIGNALS_SCHEMA}`).run(request.signalsPath);
    db.function(SIGNAL_FUNCTION, { deterministic: true }, (integration, tenantId, check, id, version, time, raw) => {
      if (typeof raw !== 'string' || typeof time !== 'string') return null;
      if (derive === undefined) throw new Error('signals stored without JSON need the normalizer, and this store was opened without it');
      const record = { integration: String(integration), tenantId: String(tenantId), check: String(check), id: String(id), version: String(version), time, raw };
      return JSON.stringify(derive(record as DerivableRecord));
    });
    db.exec(ANALYST_VIEWS_SQL);
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

process.once('message', async (request: Request) => {
  let reply: unknown;
  try {
    reply = run(request, await loadDeriver(request.deriverModule));
  } catch (error) {
    reply = errorReply(error);
  }
  process.send?.(reply, () => process.disconnect());
});
