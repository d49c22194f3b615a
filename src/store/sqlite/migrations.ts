// Versioned schema of the embedded SQLite store. Pending migrations are applied in order, each once, inside ONE
// BEGIN IMMEDIATE transaction: the write lock is taken before the applied versions are read, so when two processes
// open the same new database together one migrates and the other waits (busy_timeout), then finds nothing to do.
// A database migrated by a newer azsec (a version this code does not know) is refused, never written with an older
// idea of the schema.
import type { DatabaseSync } from 'node:sqlite';
import { AzsecError } from '../../core/errors.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

// Column notes (the same choices as the PostgreSQL schema, so both backends behave alike):
// - STRICT tables: a value of the wrong type is an error, not silently coerced (SQLite's default).
// - raw, cursor and every ISO timestamp are TEXT, returned exactly as written. time_us is the record time in
//   microseconds since the epoch (Graph sends 7 fractional digits; text comparison across zones or precisions is
//   wrong), next_due_ms the due time in milliseconds: numeric shadows for filtering and ordering.
// - seq is INTEGER PRIMARY KEY AUTOINCREMENT so a seq is never reused, even after the newest records are purged:
//   readers resuming "after seq N" never miss a later record.
// - records has no foreign key to integrations: removing an integration may keep its records.
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'store tables',
    sql: `
      CREATE TABLE integrations (
        name TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        credential_kind TEXT NOT NULL,
        certificate_pem TEXT,
        cloud TEXT NOT NULL,
        login_url TEXT,
        graph_url TEXT,
        interval_ms INTEGER NOT NULL,
        initial_lookback_ms INTEGER NOT NULL,
        late_window_ms INTEGER NOT NULL,
        enabled INTEGER NOT NULL,
        disabled_checks TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        secret_ciphertext TEXT NOT NULL
      ) STRICT;

      CREATE TABLE records (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        integration TEXT NOT NULL,
        check_id TEXT NOT NULL,
        id TEXT NOT NULL,
        version TEXT NOT NULL,
        time TEXT NOT NULL,
        time_us INTEGER,
        raw TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        CONSTRAINT records_identity UNIQUE (integration, check_id, id, version)
      ) STRICT;
      CREATE INDEX records_by_check ON records (integration, check_id, seq);
      CREATE INDEX records_by_time ON records (time_us);

      CREATE TABLE checkpoints (
        integration TEXT NOT NULL,
        check_id TEXT NOT NULL,
        cursor TEXT NOT NULL,
        PRIMARY KEY (integration, check_id)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE check_states (
        integration TEXT NOT NULL,
        check_id TEXT NOT NULL,
        state TEXT NOT NULL,
        reason TEXT,
        error_code TEXT,
        last_attempt_at TEXT,
        last_success_at TEXT,
        next_due_at TEXT,
        next_due_ms INTEGER,
        collected INTEGER NOT NULL,
        last_run_collected INTEGER NOT NULL,
        consecutive_failures INTEGER NOT NULL,
        warned_at TEXT,
        PRIMARY KEY (integration, check_id)
      ) STRICT, WITHOUT ROWID;
    `,
  },
];

export interface MigrateResult {
  /** Versions applied by this call (empty when the schema was already current, e.g. another process migrated). */
  applied: number[];
  version: number;
}

/** Brings the database to the newest schema this code knows. Safe to call from several processes at once. */
export function migrate(db: DatabaseSync, migrations: readonly Migration[] = MIGRATIONS): MigrateResult {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = migrateLocked(db, migrations);
    db.exec('COMMIT');
    return result;
  } catch (error) {
    try {
      db.exec('ROLLBACK');
    } catch {
      // The transaction is already gone (SQLite rolls back by itself on some errors); the original error matters.
    }
    throw error;
  }
}

function migrateLocked(db: DatabaseSync, migrations: readonly Migration[]): MigrateResult {
  db.exec(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT`);
  const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[];
  const appliedVersions = new Set(rows.map((row) => row.version));
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...appliedVersions].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new AzsecError(
      'ERR_STORE',
      `The SQLite database has migration ${Math.max(...unknown)}, which this azsec version does not know; upgrade azsec on this host.`,
      { unknownVersions: unknown },
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (appliedVersions.has(migration.version)) continue;
    db.exec(migration.sql);
    record.run(migration.version, migration.name, new Date().toISOString());
    applied.push(migration.version);
  }
  return { applied, version: Math.max(0, ...migrations.map((m) => m.version)) };
}
