// Versioned schema of the embedded SQLite store. Pending migrations are applied in order, each once, inside ONE
// BEGIN IMMEDIATE transaction: the write lock is taken before the applied versions are read, so when two processes
// open the same new database together one migrates and the other waits (busy_timeout), then finds nothing to do.
// A database migrated by a newer azsec (a version this code does not know) is refused, never written with an older
// idea of the schema.
import type { DatabaseSync } from 'node:sqlite';
import { AzsecError } from '../../core/errors.ts';
import type { Indicators } from '../../signals/signal.ts';
import { signalKeyText } from '../indicator-keys.ts';
import { SIGNALS_SCHEMA } from './signals-file.ts';
import { SIGNALS_FILE_MIGRATIONS } from './signals-file-migrations.ts';

export interface Migration {
  version: number;
  name: string;
  /** The SQL, or a function of the schema name the file is migrated under (main, or the name it is attached as). */
  sql: string | ((schema: string) => string);
}

// Column notes (the same choices as the PostgreSQL schema, so both backends behave alike):
// - STRICT tables: a value of the wrong type is an error, not silently coerced (SQLite's default).
// - raw, cursor and every ISO timestamp are TEXT, returned exactly as written. time_us is the record time in
//   microseconds since the epoch (Graph sends 7 fractional digits; text comparison across zones or precisions is
//   wrong), next_due_ms the due time in milliseconds: numeric shadows for filtering and ordering.
// - seq is INTEGER PRIMARY KEY AUTOINCREMENT so a seq is never reused, even after the newest records are purged:
//   readers resuming "after seq N" never miss a later record.
// - records has no foreign key to integrations: removing an integration may keep its records.
// Signals (migration 2), one row per stored record version that has one. (Migration 3 replaced the indicators table
// and its indexes below with a keys column in signals_fts; applied migrations are never edited.)
// - sid is the row's time key: time_us * 1024 + n (n counts signals of the same microsecond; see sqlite-time-key.ts).
//   Ordering by sid alone is "newest first, then a stable tie-break", so every search (by indicator, by text, by
//   filters) pages on one integer, and the FTS index, whose rowid is that same key, yields matches newest first and
//   stops after one page instead of sorting every match (a common word matches millions of signals).
// - indicators is WITHOUT ROWID with the key (value, sid, type): an exact value lookup reads its newest entries first
//   from the primary key itself; indicators_by_type serves --type. No index on sid alone: indicators of one signal
//   are found from its JSON (json_each), which keeps ingest at two B-tree inserts per indicator.
// - signals_fts is contentless (the text already lives in the signal JSON), with contentless_delete so reindexing
//   can replace a signal's entry.
// - v_signals, v_indicators, v_records are the documented analyst views (docs/sql.md); azsec sql runs on a read-only
//   connection, the views are what the documentation promises to keep stable.
const SIGNALS_SQL = `
  CREATE TABLE signals (
    sid INTEGER PRIMARY KEY,
    time_us INTEGER NOT NULL,
    severity_rank INTEGER NOT NULL,
    integration TEXT NOT NULL,
    check_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    version TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    outcome TEXT,
    title TEXT NOT NULL,
    signal TEXT NOT NULL,
    CONSTRAINT signals_identity UNIQUE (integration, check_id, record_id, version)
  ) STRICT;

  CREATE TABLE indicators (
    value TEXT NOT NULL,
    sid INTEGER NOT NULL,
    type TEXT NOT NULL,
    PRIMARY KEY (value, sid, type)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX indicators_by_type ON indicators (type, value, sid);

  CREATE VIRTUAL TABLE signals_fts USING fts5 (title, text, content = '', contentless_delete = 1, tokenize = 'unicode61');

  CREATE VIEW v_signals AS
    SELECT sid, integration, check_id, record_id, version, tenant_id, time, time_us, kind, severity, severity_rank,
           outcome, title, signal
    FROM signals;
  CREATE VIEW v_indicators AS
    SELECT i.sid, s.integration, s.check_id, s.record_id, s.version, i.type, i.value, s.time, s.time_us
    FROM indicators i JOIN signals s ON s.sid = i.sid;
  CREATE VIEW v_records AS
    SELECT seq, integration, check_id, id AS record_id, version, time, time_us, raw, stored_at
    FROM records;
`;

// Migration 3 moves indicator lookups into the FTS index (see src/store/indicator-keys.ts for why): a third column,
// keys, holds each signal's indicator keys; the indicators table goes and v_indicators reads the signal JSON. Existing
// signals are re-indexed with azsec_indicator_keys(), a function migrate() registers on the connection.
const INDICATOR_KEYS_SQL = `
  DROP VIEW v_indicators;
  DROP TABLE indicators;
  DROP TABLE signals_fts;
  CREATE VIRTUAL TABLE signals_fts USING fts5 (
    title, text, keys, content = '', contentless_delete = 1, tokenize = 'unicode61'
  );
  INSERT INTO signals_fts (rowid, title, text, keys)
    SELECT sid, title, json_extract(signal, '$.text'), azsec_indicator_keys(json_extract(signal, '$.indicators'))
    FROM signals;
  CREATE VIEW v_indicators AS
    SELECT s.sid, s.integration, s.check_id, s.record_id, s.version, t.key AS type, v.value, s.time, s.time_us
    FROM signals s, json_each(s.signal, '$.indicators') t, json_each(t.value) v
    WHERE t.type = 'array' AND v.type = 'text';
`;

// Migration 4: the signal stage and alerts (src/signals/stage/).
// - signal_stage is one row: done_seq (every record with seq <= it has been turned into signals and run through the
//   detection rules; SQLite has one writer at a time, so seqs become visible in order and a pointer is a durable
//   queue), the stage lease (one process runs the stage at a time) and the detection engine's state. Records stored
//   before this migration had their signals written inline and are not replayed through the rules.
// - alerts: aid orders and pages (time_us, aid); id is the engine's stable id, the upsert key.
// - settings: installation-wide JSON values by name (rule tunables, imported Sigma rules).
const SIGNAL_STAGE_SQL = `
  CREATE TABLE signal_stage (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    done_seq INTEGER NOT NULL,
    owner TEXT,
    lease_expires_ms INTEGER NOT NULL DEFAULT 0,
    detection_state TEXT
  ) STRICT;
  INSERT INTO signal_stage (id, done_seq) SELECT 1, coalesce(max(seq), 0) FROM records;

  CREATE TABLE alerts (
    aid INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    rule_id TEXT NOT NULL,
    integration TEXT NOT NULL,
    group_key TEXT NOT NULL,
    title TEXT NOT NULL,
    severity TEXT NOT NULL,
    severity_rank INTEGER NOT NULL,
    time TEXT NOT NULL,
    time_us INTEGER NOT NULL,
    status TEXT NOT NULL,
    absorbed INTEGER NOT NULL,
    signals TEXT NOT NULL,
    fields TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX alerts_by_time ON alerts (time_us, aid);
  CREATE INDEX alerts_by_integration ON alerts (integration, status);

  CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

  CREATE VIEW v_alerts AS
    SELECT id, rule_id, integration, group_key, title, severity, time, time_us, status, absorbed, signals, fields,
           raised_at, updated_at
    FROM alerts;
`;

// Migration 5 re-keys signals by their record's seq, for ingest cost (the signal stage writes them; issue 5):
// - seq (the record's, so v_records joins on it) is the row id: signals are appended in storage order instead of
//   being inserted into a B-tree ordered by time, which moved kilobyte-sized rows around on every page split;
// - sid (the time key, still the FTS rowid and the search order) becomes a unique index;
// - the identity index (integration, check_id, record_id, version) goes: records has the same one, and finding a
//   signal by identity goes through it (records → seq). One B-tree insert less per signal.
const SIGNALS_BY_SEQ_SQL = `
  DROP VIEW v_signals;
  DROP VIEW v_indicators;
  CREATE TABLE signals_by_seq (
    seq INTEGER PRIMARY KEY,
    sid INTEGER NOT NULL,
    time_us INTEGER NOT NULL,
    severity_rank INTEGER NOT NULL,
    integration TEXT NOT NULL,
    check_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    version TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    outcome TEXT,
    title TEXT NOT NULL,
    signal TEXT NOT NULL
  ) STRICT;
  INSERT INTO signals_by_seq
    SELECT r.seq, s.sid, s.time_us, s.severity_rank, s.integration, s.check_id, s.record_id, s.version, s.tenant_id,
           s.time, s.kind, s.severity, s.outcome, s.title, s.signal
    FROM signals s JOIN records r
      ON r.integration = s.integration AND r.check_id = s.check_id AND r.id = s.record_id AND r.version = s.version;
  DELETE FROM signals_fts WHERE rowid NOT IN (SELECT sid FROM signals_by_seq);
  DROP TABLE signals;
  ALTER TABLE signals_by_seq RENAME TO signals;
  CREATE UNIQUE INDEX signals_by_sid ON signals (sid);
  CREATE VIEW v_signals AS
    SELECT sid, integration, check_id, record_id, version, tenant_id, time, time_us, kind, severity, severity_rank,
           outcome, title, signal
    FROM signals;
  CREATE VIEW v_indicators AS
    SELECT s.sid, s.integration, s.check_id, s.record_id, s.version, t.key AS type, v.value, s.time, s.time_us
    FROM signals s, json_each(s.signal, '$.indicators') t, json_each(t.value) v
    WHERE t.type = 'array' AND v.type = 'text';
`;

// Migration 6 tunes the free-text index for ingest cost (issue 5). FTS5 writes each transaction's terms as a new
// segment and merges segments in the background of later writes; with 'automerge' 8 instead of the default 4 a level
// is merged once 8 segments are waiting, so each indexed term is rewritten about log8 instead of log4 times as the
// index grows (measured on 100,000 sign-ins together with the title change below: 10 % fewer bytes written by the signal stage, 17 % fewer read). A term
// lookup then probes up to 7 segments per level instead of 3, which costs microseconds. Existing segments are kept.
// (New signals also leave the title column empty and index the title as the first line of text, where it already
// is: the same words, a fifth fewer tokens per sign-in; search still matches {title text}, so older rows are found.)
const FTS_MERGE_SQL = `
  INSERT INTO signals_fts (signals_fts, rank) VALUES ('automerge', 8);
`;

// Migration 7: signal rows written from now on keep in their JSON only what their columns do not hold
// (sqlite-signal-body.ts); v_signals puts the columns back, so its signal column is still the whole signal for old
// and new rows alike (json_insert adds a field only where the JSON lacks it).
const SIGNAL_BODY_SQL = `
  DROP VIEW v_signals;
  CREATE VIEW v_signals AS
    SELECT sid, integration, check_id, record_id, version, tenant_id, time, time_us, kind, severity, severity_rank,
           outcome, title,
           json_insert(signal, '$.integration', integration, '$.check', check_id, '$.recordId', record_id,
                       '$.version', version, '$.tenantId', tenant_id, '$.time', time, '$.kind', kind,
                       '$.severity', severity, '$.outcome', outcome) AS signal
    FROM signals;
`;

// Migration 8 moves everything the signal stage writes into the signals file (signals-file.ts says why), which the
// connection migrating the store has attached as SIGNALS_SCHEMA, and which its own migration 1 has just created.
// - The signal JSON is copied as it is; the free-text index is contentless (its text cannot be read back), so it is
//   rebuilt from that JSON as the signal writer would index it: the text, with the title in front unless the text
//   begins with it, and the indicator keys (15 s for 200,000 signals with their alerts on the bench machine).
// - The signals file is emptied first: with WAL, a transaction over two files is atomic in each file but not in both
//   at once, so a crash may leave the copy committed and this migration not; it then runs again from the start.
// - The analyst views over these tables go: they span both files now, and are created per connection as TEMP views
//   where the analyst's SQL runs (sqlite-sql-child.ts). v_records stays.
const S = SIGNALS_SCHEMA;
const MOVE_TO_SIGNALS_FILE_SQL = `
  DELETE FROM ${S}.signals;
  INSERT INTO ${S}.signals_fts (signals_fts) VALUES ('delete-all');
  DELETE FROM ${S}.alerts;

  INSERT INTO ${S}.signals
    SELECT seq, sid, time_us, severity_rank, integration, check_id, record_id, version, tenant_id, time, kind, severity,
           outcome, title, signal
    FROM main.signals;
  INSERT INTO ${S}.signals_fts (rowid, title, text, keys)
    SELECT sid, '',
           CASE WHEN substr(coalesce(signal ->> '$.text', ''), 1, length(coalesce(signal ->> '$.title', title))) = coalesce(signal ->> '$.title', title)
                THEN coalesce(signal ->> '$.text', '')
                ELSE coalesce(signal ->> '$.title', title) || char(10) || coalesce(signal ->> '$.text', '') END,
           azsec_indicator_keys(signal -> '$.indicators')
    FROM main.signals;
  INSERT INTO ${S}.alerts SELECT * FROM main.alerts;
  UPDATE ${S}.signal_stage
    SET (done_seq, owner, lease_expires_ms, detection_state) =
        (SELECT done_seq, owner, lease_expires_ms, detection_state FROM main.signal_stage WHERE id = 1)
    WHERE id = 1 AND EXISTS (SELECT 1 FROM main.signal_stage WHERE id = 1);

  DROP VIEW main.v_signals;
  DROP VIEW main.v_indicators;
  DROP VIEW main.v_alerts;
  DROP TABLE main.signals;
  DROP TABLE main.signals_fts;
  DROP TABLE main.alerts;
  DROP TABLE main.signal_stage;
`;

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
  {
    version: 2,
    name: 'signals, indicators, free text and analyst views',
    sql: SIGNALS_SQL,
  },
  {
    version: 3,
    name: 'indicator keys in the free-text index',
    sql: INDICATOR_KEYS_SQL,
  },
  {
    version: 4,
    name: 'signal stage, alerts and settings',
    sql: SIGNAL_STAGE_SQL,
  },
  {
    version: 5,
    name: 'signals keyed by their record',
    sql: SIGNALS_BY_SEQ_SQL,
  },
  {
    version: 6,
    name: 'free-text index merges less often',
    sql: FTS_MERGE_SQL,
  },
  {
    version: 7,
    name: 'signal JSON without the fields of its columns',
    sql: SIGNAL_BODY_SQL,
  },
  {
    version: 8,
    name: 'signals, alerts and the signal stage move to the signals file',
    sql: MOVE_TO_SIGNALS_FILE_SQL,
  },
];

export interface MigrateResult {
  /** Versions applied by this call (empty when the schema was already current, e.g. another process migrated). */
  applied: number[];
  version: number;
}

/**
 * Brings both files of the store to the newest schema this code knows, on a connection that has the signals file
 * attached as SIGNALS_SCHEMA: the signals file first, because migration 8 of the records file moves data into it.
 */
export function migrateStore(db: DatabaseSync): { records: MigrateResult; signals: MigrateResult } {
  const signals = migrate(db, SIGNALS_FILE_MIGRATIONS, SIGNALS_SCHEMA);
  const records = migrate(db, MIGRATIONS, 'main');
  return { records, signals };
}

/**
 * Brings the file attached as `schema` to the newest of `migrations`. Safe to call from several processes at once.
 * (BEGIN IMMEDIATE takes the write lock of every file the connection has attached.)
 */
export function migrate(db: DatabaseSync, migrations: readonly Migration[] = MIGRATIONS, schema = 'main'): MigrateResult {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = migrateLocked(db, migrations, schema);
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

function migrateLocked(db: DatabaseSync, migrations: readonly Migration[], schema: string): MigrateResult {
  db.function('azsec_indicator_keys', { deterministic: true }, (indicators) =>
    typeof indicators === 'string' ? signalKeyText(JSON.parse(indicators) as Indicators) : '',
  );
  db.exec(`
    CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT`);
  const rows = db.prepare(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`).all() as { version: number }[];
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
  const record = db.prepare(`INSERT INTO ${schema}.schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`);
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (appliedVersions.has(migration.version)) continue;
    db.exec(typeof migration.sql === 'string' ? migration.sql : migration.sql(schema));
    record.run(migration.version, migration.name, new Date().toISOString());
    applied.push(migration.version);
  }
  return { applied, version: Math.max(0, ...migrations.map((m) => m.version)) };
}
