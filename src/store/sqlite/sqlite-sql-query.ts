// Analyst SQL on SQLite: one statement on a separate read-only connection, in a child process that is killed when the
// time limit passes (see sqlite-sql-child.ts for why a process). The limit counts from the moment the query starts,
// not from process start-up, so a short limit is not eaten by spawning. The row limit is applied while stepping:
// at most maxRows rows are read and sent back.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AzsecError } from '../../core/errors.ts';
import { READ_ONLY_MESSAGE, checkLimits, singleStatement, sqlError } from '../analyst-sql.ts';
import type { JsonValue, SqlResult } from '../store.ts';
import { isInMemoryPath } from './signals-file.ts';

const CHILD = fileURLToPath(new URL('./sqlite-sql-child.ts', import.meta.url));
/** How long the child may take to start and open the database before the query's own limit applies. */
const START_LIMIT_MS = 30_000;

type Reply = { started: true } | { columns: string[]; rows: JsonValue[][]; truncated: boolean } | { error: string; readOnly: boolean };

/** The store's two files, and the module of its normalizer (SignalDeriver.moduleUrl) for the views' signal column. */
export interface SqliteQueryFiles {
  path: string;
  signalsPath: string;
  deriverModule: string | undefined;
}

export async function querySqliteReadOnly(files: SqliteQueryFiles, sql: string, opts: { timeoutMs: number; maxRows: number }): Promise<SqlResult> {
  checkLimits(opts);
  const statement = singleStatement(sql);
  if (isInMemoryPath(files.path)) {
    throw sqlError('azsec sql needs a database file; an in-memory store cannot be opened by a second connection.');
  }
  return new Promise<SqlResult>((resolve, reject) => {
    // execArgv empty: the parent's flags (a test runner's loaders, heap settings) are not the child's business.
    const child = fork(CHILD, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < 4_000) stderr += chunk;
    });
    let settled = false;
    const finish = (outcome: { result: SqlResult } | { error: Error }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if ('result' in outcome) resolve(outcome.result);
      else reject(outcome.error);
    };
    let timer = setTimeout(() => finish({ error: sqlError(`the query did not start within ${START_LIMIT_MS} ms`) }), START_LIMIT_MS);
    child.on('message', (reply: Reply) => {
      if ('started' in reply) {
        clearTimeout(timer);
        timer = setTimeout(
          () => finish({ error: sqlError(`timed out after ${opts.timeoutMs} ms`, { timeoutMs: opts.timeoutMs }) }),
          opts.timeoutMs,
        );
      } else if ('error' in reply) {
        finish({ error: reply.readOnly ? sqlError(READ_ONLY_MESSAGE, { reason: reply.error }) : sqlError(`SQL error: ${reply.error}`) });
      } else {
        finish({ result: { columns: reply.columns, rows: reply.rows, truncated: reply.truncated } });
      }
    });
    child.on('error', (error) => finish({ error: new AzsecError('ERR_STORE', `Cannot start the SQL query process: ${error.message}`, {}, { cause: error }) }));
    child.on('exit', (code, signal) => {
      finish({
        error: new AzsecError('ERR_STORE', `The SQL query process ended unexpectedly (${signal ?? `exit code ${code}`}). ${stderr.trim()}`.trim()),
      });
    });
    child.send({ path: files.path, signalsPath: files.signalsPath, deriverModule: files.deriverModule, sql: statement, maxRows: opts.maxRows });
  });
}
