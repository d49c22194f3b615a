// Migrations: applied once, in order, safe when several processes start at the same moment.
import { Pool } from 'pg';
import { describe, expect, it } from 'vitest';
import { isAzsecError } from '../../src/core/errors.ts';
import { MIGRATIONS, migrate } from '../../src/store/postgres/migrations.ts';
import type { Migration } from '../../src/store/postgres/migrations.ts';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { postgresAvailable, withTempDatabase } from '../helpers/postgres.ts';
import { makeSignal } from './signal-contract.ts';
import { cleanupAfterEach } from '../helpers/cleanups.ts';
import type { TempDatabase } from '../helpers/postgres.ts';

const available = await postgresAvailable();

describe.skipIf(!available)('PostgreSQL migrations', () => {
  const cleanups = cleanupAfterEach();

  async function freshDatabase(): Promise<TempDatabase> {
    const db = await withTempDatabase();
    cleanups.add(() => db.drop());
    return db;
  }

  function pool(url: string): Pool {
    const p = new Pool({ connectionString: url, max: 2 });
    p.on('error', () => undefined);
    cleanups.add(() => p.end());
    return p;
  }

  it('applies every migration once when four processes migrate a fresh database together', async () => {
    const db = await freshDatabase();
    // Separate pools stand for separate processes: separate connections racing for the advisory lock.
    const pools = [1, 2, 3, 4].map(() => pool(db.url));
    const results = await Promise.all(pools.map((p) => migrate(p)));
    const appliedEverywhere = results.flatMap((r) => r.applied).sort((a, b) => a - b);
    expect(appliedEverywhere).toEqual(MIGRATIONS.map((m) => m.version));
    expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
    const rows = await pools[0]!.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('is idempotent: a second run applies nothing and keeps the data', async () => {
    const db = await freshDatabase();
    const store = await createPostgresStore({ url: db.url, poolSize: 2 });
    cleanups.add(() => store.close());
    await store.commit('acme', 'users', [{ id: 'u1', version: 'h1', time: '2026-01-01T00:00:00Z', raw: '{}' }], { n: 1 });
    await store.migrate();
    const again = await migrate(pool(db.url));
    expect(again.applied).toEqual([]);
    expect(await store.countRecords({})).toBe(1);
    expect(await store.getCheckpoint('acme', 'users')).toEqual({ n: 1 });
  });

  it('applies only the migrations a database is missing, in version order', async () => {
    const db = await freshDatabase();
    const p = pool(db.url);
    const first = await migrate(p, MIGRATIONS.slice(0, 1));
    expect(first.applied).toEqual([1]);
    const extra: Migration = { version: 1000, name: 'test extra', sql: 'CREATE TABLE test_extra (x int)' };
    const rest = await migrate(p, [extra, ...MIGRATIONS]);
    expect(rest.applied).toEqual([...MIGRATIONS.slice(1).map((m) => m.version), 1000]);
  });

  it('rolls back a failing migration completely, leaving the previous version', async () => {
    const db = await freshDatabase();
    const p = pool(db.url);
    await migrate(p);
    const broken: Migration = { version: 1001, name: 'broken', sql: 'CREATE TABLE half_done (x int); SELECT no_such_function();' };
    await expect(migrate(p, [...MIGRATIONS, broken])).rejects.toThrow();
    const tables = await p.query("SELECT 1 FROM pg_tables WHERE tablename = 'half_done'");
    expect(tables.rowCount).toBe(0);
    const versions = await p.query<{ version: number }>('SELECT max(version) AS version FROM schema_migrations');
    expect(versions.rows[0]?.version).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
  });

  it('moves signals stored under migration 3 into the indicator keys of migration 4, exactly as the code computes them', async () => {
    const db = await freshDatabase();
    const p = pool(db.url);
    await migrate(p, MIGRATIONS.filter((m) => m.version <= 3));
    const values = {
      ip: ['203.0.113.9'],
      upn: ['Zoë.Ünal@contoso.example'],
      file_name: ['🛰️ z-report.pdf'],
      command_line: [`powershell -enc ${'A'.repeat(300)}`],
    };
    const signal = makeSignal({ id: 'old', title: 'Legacy signal', indicators: values });
    await p.query("INSERT INTO records (integration, check_id, id, version, time, time_us, raw, stored_at) VALUES ('contoso', 'auditLogs.signIns', 'old', 'v1', $1, 0, '{}', 'now')", [signal.time]);
    const inserted = await p.query<{ sid: string }>(
      `INSERT INTO signals (integration, check_id, record_id, version, tenant_id, time, time_us, kind, severity, severity_rank,
         outcome, title, signal, hit_json, search)
       VALUES ('contoso', 'auditLogs.signIns', 'old', 'v1', 't', $1, 1, 'sign_in', 'informational', 0, NULL, $2, $3, '{}',
         to_tsvector('simple', 'legacy signal')) RETURNING sid`,
      [signal.time, signal.title, JSON.stringify(signal)],
    );
    for (const [type, list] of Object.entries(values)) {
      for (const value of list) {
        await p.query('INSERT INTO indicators (sid, time_us, type, value) VALUES ($1, 1, $2, $3)', [inserted.rows[0]?.sid, type, value]);
      }
    }
    await migrate(p);
    const store = await createPostgresStore({ url: db.url, poolSize: 1 });
    cleanups.add(() => store.close());
    for (const [type, list] of Object.entries(values)) {
      for (const value of list) {
        expect((await store.searchSignals({ indicator: value, limit: 5 })).results.map((h) => h.recordId)).toEqual(['old']);
        expect((await store.searchSignals({ indicator: value, indicatorType: type as 'ip', limit: 5 })).results).toHaveLength(1);
      }
    }
    expect((await store.searchSignals({ text: 'legacy', limit: 5 })).results.map((h) => h.recordId)).toEqual(['old']);
    const view = await store.querySql("SELECT type, value FROM v_indicators WHERE type = 'ip'", { timeoutMs: 10_000, maxRows: 5 });
    expect(view.rows).toEqual([['ip', '203.0.113.9']]);
  });

  it('refuses a database migrated by a newer azsec', async () => {
    const db = await freshDatabase();
    const p = pool(db.url);
    await migrate(p, [...MIGRATIONS, { version: 9999, name: 'from the future', sql: 'SELECT 1' }]);
    const error = await createPostgresStore({ url: db.url, poolSize: 1 }).catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_STORE')).toBe(true);
    expect((error as Error).message).toContain('9999');
  });

  it('names the remedy when the role that migrates may not create btree_gin (migration 7), and applies nothing of it', async () => {
    const db = await freshDatabase();
    // A role that owns what it creates in the public schema but has no CREATE on the database: the usual
    // least-privilege setup, in which a trusted extension cannot be created. The name is hex digits only.
    const role = `azsec_noext_${db.name.slice('azsec_test_'.length)}`;
    const admin = pool(db.url);
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    cleanups.addLast(async () => {
      await db.drop();
      const cluster = new Pool({ connectionString: db.url.replace(`/${db.name}`, '/postgres'), max: 1 });
      await cluster.query(`DROP ROLE IF EXISTS ${role}`).finally(() => cluster.end());
    });
    await admin.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${role}`);
    const url = new URL(db.url);
    url.username = role;
    const limited = pool(url.toString());
    await migrate(limited, MIGRATIONS.filter((m) => m.version < 7));
    const error = await migrate(limited).catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_STORE')).toBe(true);
    expect((error as Error).message).toMatch(/migration 7 .*btree_gin.*CREATE EXTENSION btree_gin;/s);
    const versions = await limited.query<{ version: number }>('SELECT max(version) AS version FROM schema_migrations');
    expect(versions.rows[0]?.version).toBe(6);
    // With the extension created by an administrator, the same role completes the migration.
    await admin.query('CREATE EXTENSION btree_gin');
    expect((await migrate(limited)).applied).toEqual([7]);
  });
});
