// Analyst SQL on PostgreSQL: one statement in a READ ONLY transaction with SET LOCAL statement_timeout, always rolled
// back. Rows come through a cursor (FETCH maxRows + 1), so a huge result is never held in memory. Statements a
// cursor cannot hold (SHOW, EXPLAIN, or a write the server must refuse itself) run directly after a rollback to a
// savepoint; their results are small or an error.
import type { Pool, PoolClient, QueryArrayConfig, QueryConfig } from 'pg';
import pg from 'pg';
import { AzsecError } from '../../core/errors.ts';
import { READ_ONLY_MESSAGE, checkLimits, singleStatement, sqlError } from '../analyst-sql.ts';
import { toJsonValue } from '../sql-values.ts';
import type { SqlResult } from '../store.ts';

const INT8_OID = 20;

// bigint as BigInt, then toJsonValue keeps it a number when it is safe (pg's default is always a string).
const analystTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => BigInt(value) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** pg's extended query protocol (parse/bind/execute), which its types do not declare: one statement per query. */
function extended(config: QueryArrayConfig): QueryArrayConfig;
function extended(config: QueryConfig): QueryConfig;
function extended(config: QueryConfig): QueryConfig {
  return { ...config, queryMode: 'extended' } as QueryConfig;
}

function pgCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function toSqlError(error: unknown, timeoutMs: number): Error {
  if (error instanceof AzsecError) return error;
  const code = pgCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === '57014') return sqlError(`timed out after ${timeoutMs} ms`, { timeoutMs });
  if (code === '25006') return sqlError(READ_ONLY_MESSAGE, { reason: message });
  return sqlError(`SQL error: ${message}`, code === undefined ? {} : { pgCode: code }, error);
}

export async function queryPostgresReadOnly(pool: Pool, sql: string, opts: { timeoutMs: number; maxRows: number }): Promise<SqlResult> {
  checkLimits(opts);
  const statement = singleStatement(sql);
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw new AzsecError('ERR_STORE', `PostgreSQL querySql failed: ${error instanceof Error ? error.message : String(error)}`, {}, { cause: error });
  }
  let broken = false;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${opts.timeoutMs}`);
    await client.query('SAVEPOINT azsec_sql');
    let declared = true;
    try {
      // Extended protocol: the server itself refuses a second statement, whatever the text checks above missed.
      await client.query(extended({ text: `DECLARE azsec_sql NO SCROLL CURSOR FOR ${statement}\n` }));
    } catch {
      declared = false;
      await client.query('ROLLBACK TO SAVEPOINT azsec_sql');
    }
    const result = await client.query<unknown[]>(
      extended({
        text: declared ? `FETCH FORWARD ${opts.maxRows + 1} FROM azsec_sql` : `${statement}\n`,
        rowMode: 'array',
        types: analystTypes,
      }),
    );
    // A direct statement may still be a multi-result utility; pg returns an array then (singleStatement prevents it).
    const rows = result.rows ?? [];
    return {
      columns: (result.fields ?? []).map((field) => field.name),
      rows: rows.slice(0, opts.maxRows).map((row) => row.map(toJsonValue)),
      truncated: rows.length > opts.maxRows,
    };
  } catch (error) {
    throw toSqlError(error, opts.timeoutMs);
  } finally {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    client.release(broken);
  }
}
