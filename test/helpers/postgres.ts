// Throwaway PostgreSQL databases for tests. Each test file run creates its own database (azsec_test_<random>) on the
// server named by AZSEC_TEST_PG_URL and drops it afterwards, so files can run in parallel and leave nothing behind.
// When the server is unreachable the PostgreSQL tests are skipped with a printed reason, except under CI, where an
// unreachable server is an error: CI is supposed to start it (.ci/run).
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function testPostgresUrl(): string {
  return process.env.AZSEC_TEST_PG_URL ?? DEFAULT_TEST_PG_URL;
}

/** The URL with any password masked, for messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparsable connection URL>';
  }
}

let availability: Promise<boolean> | undefined;

/**
 * Whether the test server answers. Under CI an unreachable server throws instead of returning false, so a
 * missing service fails the run loudly rather than silently skipping the PostgreSQL backend's tests.
 */
export function postgresAvailable(): Promise<boolean> {
  availability ??= probe();
  return availability;
}

async function probe(): Promise<boolean> {
  const url = testPostgresUrl();
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (process.env.CI !== undefined && process.env.CI !== '') {
      throw new Error(`PostgreSQL is not reachable at ${describeUrl(url)} (${reason}); CI must start it before the tests`, {
        cause: error,
      });
    }
    console.warn(`Skipping PostgreSQL tests: no server at ${describeUrl(url)} (${reason}). Set AZSEC_TEST_PG_URL or start PostgreSQL.`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TempDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  name: string;
  /** Drops the database, disconnecting anyone still connected. */
  drop(): Promise<void>;
}

async function admin<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testPostgresUrl(), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates an empty database for one test file (or one test) and returns its URL. */
export async function withTempDatabase(): Promise<TempDatabase> {
  const name = `azsec_test_${randomBytes(6).toString('hex')}`;
  // The name is generated here from hex digits only, so interpolating it into DDL is safe.
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(testPostgresUrl());
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
