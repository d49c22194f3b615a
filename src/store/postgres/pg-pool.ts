// The one place that builds a pg Pool and runs transactions on it. Driver errors leave this backend as
// AzsecError('ERR_STORE') with the PostgreSQL error code kept in details; connection URLs never appear in messages
// (they may carry a password).
import type { ConnectionOptions } from 'node:tls';
import { Pool } from 'pg';
import type { PoolClient } from 'pg';
import { AzsecError, isAzsecError } from '../../core/errors.ts';

export interface PostgresConnectionOptions {
  /** postgres://user:password@host:port/database?sslmode=... (libpq-style parameters are understood by pg). */
  url: string;
  /** Maximum connections this process opens (default 10). */
  poolSize?: number;
  /**
   * TLS: `true` for TLS with certificate verification against Node's trust store (plus NODE_EXTRA_CA_CERTS),
   * `false` for none, or node:tls options such as { ca, servername }. When given, the URL's ssl, sslmode,
   * sslcert, sslkey and sslrootcert parameters are ignored: one source of TLS settings, never a silent mix.
   */
  ssl?: boolean | ConnectionOptions;
  /** Reported in pg_stat_activity (default "azsec"). */
  applicationName?: string;
}

const URL_TLS_PARAMETERS = ['ssl', 'sslmode', 'sslcert', 'sslkey', 'sslrootcert', 'uselibpqcompat'];

/** pg lets parameters in the URL override the `ssl` option; drop them when the option is given. */
function connectionString(opts: PostgresConnectionOptions): string {
  if (opts.ssl === undefined) return opts.url;
  let url: URL;
  try {
    url = new URL(opts.url);
  } catch {
    // Not a URL (e.g. a libpq keyword string): pass it on unchanged; pg reports what it cannot parse.
    return opts.url;
  }
  for (const name of URL_TLS_PARAMETERS) url.searchParams.delete(name);
  return url.toString();
}

/**
 * A pool; with `statementTimeoutMs`, every statement on its connections has that time limit (statement_timeout is
 * sent when each connection starts, so it costs no round trip and reaches no other pool's connections).
 */
export function createPool(opts: PostgresConnectionOptions & { statementTimeoutMs?: number }): Pool {
  const pool = new Pool({
    connectionString: connectionString(opts),
    max: opts.poolSize ?? 10,
    ...(opts.statementTimeoutMs === undefined ? {} : { statement_timeout: opts.statementTimeoutMs }),
    application_name: opts.applicationName ?? 'azsec',
    connectionTimeoutMillis: 30_000,
    idleTimeoutMillis: 30_000,
    ...(opts.ssl === undefined ? {} : { ssl: opts.ssl }),
  });
  // An idle client that loses its connection emits 'error' on the pool; unhandled, that would kill the process.
  // The pool already discards that client, and the next query that needs the server reports the failure itself.
  pool.on('error', () => undefined);
  return pool;
}

/** Wraps a driver error; AzsecErrors pass through unchanged. */
export function storeError(operation: string, error: unknown): Error {
  if (isAzsecError(error)) return error;
  const pgCode = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return new AzsecError(
    'ERR_STORE',
    `PostgreSQL ${operation} failed: ${message}`,
    pgCode === undefined ? { operation } : { operation, pgCode },
    { cause: error },
  );
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === '23505';
}

/** Runs `work` in one transaction on one pooled connection: COMMIT on success, ROLLBACK on any error. */
export async function inTransaction<T>(pool: Pool, operation: string, work: (client: PoolClient) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw storeError(operation, error);
  }
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw storeError(operation, error);
  } finally {
    // A connection whose ROLLBACK failed is in an unknown state: destroy it rather than hand it to the next caller.
    client.release(broken);
  }
}

/** One statement outside an explicit transaction, with the error wrapped. */
export async function runQuery<R extends object>(
  pool: Pool,
  operation: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  try {
    const result = await pool.query<R>(text, values);
    return result.rows;
  } catch (error) {
    throw storeError(operation, error);
  }
}
