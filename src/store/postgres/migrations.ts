// Versioned schema of the PostgreSQL backend. Migrations are applied in order at start, each once, inside ONE
// transaction that first takes a transaction-scoped advisory lock: when several collector processes start together,
// one migrates and the others wait, then find nothing left to do. A database migrated by a newer azsec (a version
// this code does not know) is refused rather than written with an older idea of the schema.
import type { Pool, PoolClient } from 'pg';
import { AzsecError } from '../../core/errors.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** What an operator can do when the migration fails for lack of a privilege or a missing extension. */
  remedy?: string;
}

/** insufficient_privilege, feature_not_supported, undefined_file (an extension whose files are not installed). */
const REMEDIABLE_CODES = new Set(['42501', '0A000', '58P01']);

/** Arbitrary but fixed: the advisory-lock key every azsec process uses for migrations ("azsec" in ASCII + 1). */
export const MIGRATION_LOCK_KEY = 0x617a7365630001n;

// Column notes:
// - raw, cursor and every ISO timestamp are TEXT so they come back exactly as written (jsonb reorders keys,
//   timestamptz reformats and drops Graph's 7th fractional digit). Numeric shadows (time_us, next_due_ms) serve
//   filtering and ordering.
// - records has no foreign key to integrations: removing an integration may keep its records.
// Signals (migration 3), one row per stored record version that has one. (Migration 4 replaced the indicators table
// below with indicator keys in the search vector; applied migrations are never edited.) Searches order by (time_us DESC, sid DESC):
// sid is a bigserial, unique, so it is the stable tie-break and, with time_us, the keyset of every page.
// - signal is the Signal as JSON text (jsonb would refuse a \u0000 escape a hostile record can carry); title and
//   indicator values are also columns, with NUL (which PostgreSQL text cannot hold) replaced by U+FFFD there only.
// - search is to_tsvector('simple', …) of the title and text, split into letter/digit words by azsec first (the same
//   words SQLite's FTS5 sees), 'simple' so nothing is stemmed away; a GIN index serves rare words, signals_by_time
//   common ones (the planner picks by the word's frequency).
// - indicators carry the signal's time_us so that one index range yields a value's signals newest first. Indexed on
//   left(value, 256): a B-tree entry must stay under ~2.7 kB and a command line or URL can be longer; the search
//   compares the full value as well.
// - v_signals, v_indicators, v_records are the documented analyst views (docs/sql.md).
const SIGNALS_SQL = `
  CREATE TABLE signals (
    sid bigserial PRIMARY KEY,
    integration text NOT NULL,
    check_id text NOT NULL,
    record_id text NOT NULL,
    version text NOT NULL,
    tenant_id text NOT NULL,
    time text NOT NULL,
    time_us bigint NOT NULL,
    kind text NOT NULL,
    severity text NOT NULL,
    severity_rank smallint NOT NULL,
    outcome text,
    title text NOT NULL,
    signal text NOT NULL,
    hit_json text NOT NULL,
    search tsvector NOT NULL,
    CONSTRAINT signals_identity UNIQUE (integration, check_id, record_id, version)
  );
  CREATE INDEX signals_by_time ON signals (time_us, sid);
  CREATE INDEX signals_search ON signals USING gin (search);

  CREATE TABLE indicators (
    sid bigint NOT NULL REFERENCES signals (sid) ON DELETE CASCADE,
    time_us bigint NOT NULL,
    type text NOT NULL,
    value text NOT NULL
  );
  CREATE INDEX indicators_by_value ON indicators (left(value, 256), time_us, sid);
  CREATE INDEX indicators_by_type ON indicators (type, left(value, 256), time_us, sid);
  CREATE INDEX indicators_by_signal ON indicators (sid);

  CREATE VIEW v_signals AS
    SELECT sid, integration, check_id, record_id, version, tenant_id, time, time_us, kind, severity, severity_rank,
           outcome, title, signal::json AS signal
    FROM signals;
  CREATE VIEW v_indicators AS
    SELECT i.sid, s.integration, s.check_id, s.record_id, s.version, i.type, i.value, s.time, i.time_us
    FROM indicators i JOIN signals s ON s.sid = i.sid;
  CREATE VIEW v_records AS
    SELECT seq, integration, check_id, id AS record_id, version, time, time_us, raw, stored_at
    FROM records;
`;

// Migration 4 moves indicator lookups into the search vector (see src/store/indicator-keys.ts for why): each signal's
// indicator keys (typed and untyped) are lexemes of weight A (words of the title and text have weight D, so a word
// can never pose as an indicator), served by the same GIN index; the indicators table and its three B-trees go, and v_indicators reads
// the signal JSON. Existing signals get their keys from the indicators table before it is dropped, computed as
// indicator-keys.ts does.
const INDICATOR_KEYS_SQL = `
  CREATE FUNCTION pg_temp.azsec_escape(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(string_agg(
      CASE
        WHEN u.ch ~ '^[a-y0-9]$' THEN u.ch
        WHEN u.cp < 256 THEN 'z' || lpad(to_hex(u.cp), 2, '0')
        WHEN u.cp < 65536 THEN 'zu' || lpad(to_hex(u.cp), 4, '0')
        -- Outside the BMP JavaScript sees two UTF-16 code units: escape both, as indicator-keys.ts does.
        ELSE 'zu' || to_hex(55296 + ((u.cp - 65536) >> 10)) || 'zu' || to_hex(56320 + ((u.cp - 65536) & 1023))
      END, '' ORDER BY u.i), '')
    FROM (SELECT c.ch, ascii(c.ch) AS cp, c.i FROM regexp_split_to_table(value, '') WITH ORDINALITY AS c(ch, i)) u
  $$;
  UPDATE signals s
  SET search = s.search || k.keys
  FROM (
    SELECT sid, setweight(array_to_tsvector(array_agg(DISTINCT key)), 'A') AS keys
    FROM (
      SELECT sid, type, CASE WHEN length(pg_temp.azsec_escape(value)) <= 192
          THEN 'x' || pg_temp.azsec_escape(value)
          ELSE 'h' || left(encode(sha256(convert_to(value, 'UTF8')), 'hex'), 40)
        END AS encoded
      FROM indicators
    ) e
    CROSS JOIN LATERAL (VALUES
      ('i' || left(encode(sha256(convert_to(e.type, 'UTF8')), 'hex'), 6) || e.encoded),
      ('v' || e.encoded)
    ) AS keys(key)
    GROUP BY sid
  ) k
  WHERE k.sid = s.sid;
  DROP VIEW v_indicators;
  DROP TABLE indicators;
  -- Search hits now read title and indicators from the signal JSON (parsed by azsec, which accepts any escape).
  ALTER TABLE signals DROP COLUMN hit_json;
  CREATE VIEW v_indicators AS
    SELECT s.sid, s.integration, s.check_id, s.record_id, s.version, t.key AS type, v.value, s.time, s.time_us
    FROM signals s
    CROSS JOIN LATERAL json_each(s.signal::json -> 'indicators') t
    CROSS JOIN LATERAL json_array_elements_text(t.value) v
    WHERE json_typeof(t.value) = 'array';
`;

// Migration 5: the signal stage and alerts (src/signals/stage/).
// - signal_queue holds the seq of every record version commit() stores, in the same transaction: the stage's durable
//   input. (A "seq > done" pointer, as on SQLite, would skip records: with concurrent writers a bigserial seq can
//   become visible after a higher one was already processed.) The stage deletes a batch's seqs in the transaction that
//   stores its signals and alerts. Records stored before this migration already have their signals.
// - signal_stage is one row: the stage lease (one process runs the stage at a time, times in the database's clock)
//   and the detection engine's state.
// - alerts: aid orders and pages (time_us, aid); id is the engine's stable id, the upsert key.
// - settings: installation-wide JSON values by name (rule tunables, imported Sigma rules).
const SIGNAL_STAGE_SQL = `
  CREATE TABLE signal_queue (seq bigint PRIMARY KEY);
  CREATE TABLE signal_stage (
    id integer PRIMARY KEY CHECK (id = 1),
    owner text,
    lease_expires_ms bigint NOT NULL DEFAULT 0,
    detection_state text
  );
  INSERT INTO signal_stage (id) VALUES (1);

  CREATE TABLE alerts (
    aid bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    rule_id text NOT NULL,
    integration text NOT NULL,
    group_key text NOT NULL,
    title text NOT NULL,
    severity text NOT NULL,
    severity_rank integer NOT NULL,
    time text NOT NULL,
    time_us bigint NOT NULL,
    status text NOT NULL,
    absorbed integer NOT NULL,
    signals text NOT NULL,
    fields text NOT NULL,
    raised_at text NOT NULL,
    updated_at text NOT NULL
  );
  CREATE INDEX alerts_by_time ON alerts (time_us, aid);
  CREATE INDEX alerts_by_integration ON alerts (integration, status);

  CREATE TABLE settings (name text PRIMARY KEY, value text NOT NULL);

  CREATE VIEW v_alerts AS
    SELECT id, rule_id, integration, group_key, title, severity, time, time_us, status, absorbed, signals, fields,
           raised_at, updated_at
    FROM alerts;
`;

// Migration 6 gives indicator lookups their own narrow B-tree (see src/store/postgres/write-signals.ts): as weight-A
// lexemes of the search vector, GIN could not filter by weight, so every candidate was rechecked from the large,
// TOASTed vector, and all matches were sorted by time before the first page (seconds for a common value). A row of
// signal_keys is one untyped indicator key of one signal ("v" + the encoded value, indicator-keys.ts) with the
// signal's time and the type codes it appears under. The index leads with the day (time_us / 1 day), then
// (key, time_us, sid): a search reads the key's range day by day from the newest and stops after one page, and a
// commit's inserts land in the current day's part of the index (a few thousand pages that stay cached) rather than
// on one page per distinct value across the whole index, which made commits several times slower. A statement
// trigger drops the keys of deleted signals (reindex, purge), found by sid through signal_keys_by_signal (appended
// in sid order, cheap to maintain).
// Existing signals get their rows from the typed keys of their search vector: key lexemes are the ones without
// positions (words always have one), "i" + 6 hex digits of the type code + the encoded value. The keys stay in those
// old vectors (rewriting every row would double the table for no gain); new vectors hold words only.
const SIGNAL_KEYS_SQL = `
  CREATE TABLE signal_keys (
    key text NOT NULL,
    time_us bigint NOT NULL,
    sid bigint NOT NULL,
    types text[] NOT NULL
  );
  INSERT INTO signal_keys (key, time_us, sid, types)
    SELECT 'v' || substr(k.lexeme, 8), s.time_us, s.sid, array_agg(DISTINCT substr(k.lexeme, 2, 6))
    FROM signals s
    CROSS JOIN LATERAL unnest(s.search) k
    WHERE k.positions IS NULL AND k.lexeme ~ '^i[0-9a-f]{6}[xh]'
    GROUP BY s.sid, s.time_us, 'v' || substr(k.lexeme, 8);
  CREATE INDEX signal_keys_by_day ON signal_keys ((time_us / 86400000000), key, time_us, sid);
  CREATE INDEX signal_keys_by_signal ON signal_keys (sid);
  CREATE FUNCTION azsec_drop_signal_keys() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM signal_keys k USING gone g WHERE k.sid = g.sid;
    RETURN NULL;
  END;
  $$;
  CREATE TRIGGER signals_drop_keys AFTER DELETE ON signals REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION azsec_drop_signal_keys();
`;

// Migration 7 puts the day inside the free-text index, so a search reads the newest matches without fetching and
// sorting every match of a word: signals_search_by_day is a GIN index on ((time_us / 1 day), search), its first
// column by btree_gin (an equality on the day is one exact GIN entry, intersected with the words' entries inside the
// index). A search probes one day at a time from the newest down and stops once a page is full
// (postgres-signal-search.ts). It serves `search @@` without a day as well, so signals_search goes (one GIN index to
// maintain per signal, as before, with one more entry: the day). btree_gin is a trusted extension: the role that
// migrates needs CREATE on the database, unless the extension is already there (docs/postgres.md).
// New entries wait in GIN's pending list until it exceeds gin_pending_list_limit, and every probe reads the whole
// list: at the default 4 MB a walk of 30 days read it 30 times (7 ms each). 256 kB keeps a probe's share small; the
// list is merged into the index 16 times as often, which made inserting signals about 10% slower than at 4 MB
// (switching the list off, fastupdate = off, made it twice as slow).
// Cost on a database that holds signals: the index is built inside the migration transaction, which holds a SHARE
// lock on signals meanwhile (searches go on, commits wait): 58 s for 5 million signals on 2 shared cores
// (maintenance_work_mem raised to 256 MB for this transaction only); the new index took 279 MB there, the
// signals_search it replaces 366 MB.
const SEARCH_BY_DAY_SQL = `
  CREATE EXTENSION IF NOT EXISTS btree_gin;
  SET LOCAL maintenance_work_mem = '256MB';
  CREATE INDEX signals_search_by_day ON signals USING gin ((time_us / 86400000000), search) WITH (gin_pending_list_limit = 256);
  DROP INDEX signals_search;
`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'store tables',
    sql: `
      CREATE TABLE integrations (
        name text PRIMARY KEY,
        tenant_id text NOT NULL,
        client_id text NOT NULL,
        credential_kind text NOT NULL,
        certificate_pem text,
        cloud text NOT NULL,
        login_url text,
        graph_url text,
        interval_ms bigint NOT NULL,
        initial_lookback_ms bigint NOT NULL,
        late_window_ms bigint NOT NULL,
        enabled boolean NOT NULL,
        disabled_checks text[] NOT NULL DEFAULT '{}',
        created_at text NOT NULL,
        updated_at text NOT NULL,
        secret_ciphertext text NOT NULL
      );

      CREATE TABLE records (
        seq bigserial PRIMARY KEY,
        integration text NOT NULL,
        check_id text NOT NULL,
        id text NOT NULL,
        version text NOT NULL,
        time text NOT NULL,
        time_us bigint,
        raw text NOT NULL,
        stored_at text NOT NULL,
        CONSTRAINT records_identity UNIQUE (integration, check_id, id, version)
      );
      CREATE INDEX records_by_check ON records (integration, check_id, seq);
      CREATE INDEX records_by_time ON records (time_us);

      CREATE TABLE checkpoints (
        integration text NOT NULL,
        check_id text NOT NULL,
        cursor text NOT NULL,
        PRIMARY KEY (integration, check_id)
      );

      CREATE TABLE check_states (
        integration text NOT NULL,
        check_id text NOT NULL,
        state text NOT NULL,
        reason text,
        error_code text,
        last_attempt_at text,
        last_success_at text,
        next_due_at text,
        next_due_ms bigint,
        collected bigint NOT NULL,
        last_run_collected bigint NOT NULL,
        consecutive_failures integer NOT NULL,
        warned_at text,
        PRIMARY KEY (integration, check_id)
      );
    `,
  },
  {
    version: 2,
    name: 'leases and workers',
    sql: `
      -- One lease row per integration, created with it (trigger) and removed with it (cascade).
      CREATE TABLE leases (
        integration text PRIMARY KEY REFERENCES integrations (name) ON DELETE CASCADE,
        worker_id text,
        token bigint NOT NULL DEFAULT 0,
        expires_ms bigint NOT NULL DEFAULT 0,
        claimed_ms bigint
      );
      CREATE INDEX leases_by_worker ON leases (worker_id) WHERE worker_id IS NOT NULL;

      -- Fencing tokens come from one sequence: strictly increasing across every claim, so a successor's token is
      -- always higher than its predecessor's.
      CREATE SEQUENCE lease_tokens;

      CREATE TABLE workers (
        worker_id text PRIMARY KEY,
        heartbeat_ms bigint NOT NULL,
        expires_ms bigint NOT NULL
      );

      CREATE FUNCTION azsec_create_lease() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO leases (integration) VALUES (NEW.name) ON CONFLICT DO NOTHING;
        RETURN NEW;
      END;
      $$;
      CREATE TRIGGER integrations_create_lease AFTER INSERT ON integrations
        FOR EACH ROW EXECUTE FUNCTION azsec_create_lease();

      INSERT INTO leases (integration) SELECT name FROM integrations ON CONFLICT DO NOTHING;
    `,
  },
  {
    version: 3,
    name: 'signals, indicators, free text and analyst views',
    sql: SIGNALS_SQL,
  },
  {
    version: 4,
    name: 'indicator keys in the search vector',
    sql: INDICATOR_KEYS_SQL,
  },
  {
    version: 5,
    name: 'signal stage, alerts and settings',
    sql: SIGNAL_STAGE_SQL,
  },
  {
    version: 6,
    name: 'indicator keys in their own B-tree',
    sql: SIGNAL_KEYS_SQL,
  },
  {
    version: 7,
    name: 'free-text index by day',
    sql: SEARCH_BY_DAY_SQL,
    remedy:
      'It needs the btree_gin extension (PostgreSQL contrib): have a database administrator run "CREATE EXTENSION btree_gin;" in this database, or grant CREATE on the database to the role azsec connects as; then start azsec again (docs/postgres.md).',
  },
];

export interface MigrateResult {
  /** Versions applied by this call (empty when another process had already applied them). */
  applied: number[];
  version: number;
}

/** Brings the database to the newest schema this code knows. Safe to call from many processes at once. */
export async function migrate(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrateResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    try {
      const result = await migrateLocked(client, migrations);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    client.release();
  }
}

async function migrateLocked(client: PoolClient, migrations: readonly Migration[]): Promise<MigrateResult> {
  // Held until COMMIT/ROLLBACK; everything below, including creating the bookkeeping table, runs serialised.
  await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK_KEY.toString()]);
  await client.query(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  const done = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
  const appliedVersions = new Set(done.rows.map((row) => row.version));
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...appliedVersions].filter((v) => !known.has(v));
  if (unknown.length > 0) {
    throw new AzsecError(
      'ERR_STORE',
      `The PostgreSQL schema has migration ${Math.max(...unknown)}, which this azsec version does not know; upgrade azsec on this host.`,
      { unknownVersions: unknown },
    );
  }
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (appliedVersions.has(migration.version)) continue;
    try {
      await client.query(migration.sql);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (migration.remedy === undefined || !REMEDIABLE_CODES.has(String(code))) throw error;
      // Nothing was applied (the whole migration is one transaction): say what the operator can do about it.
      throw new AzsecError(
        'ERR_STORE',
        `PostgreSQL migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}. ${migration.remedy}`,
        { migration: migration.version, pgCode: String(code) },
        { cause: error },
      );
    }
    await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    applied.push(migration.version);
  }
  const version = Math.max(0, ...migrations.map((m) => m.version));
  return { applied, version };
}
