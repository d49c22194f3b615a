// Versioned schema of the signals file (signals-file.ts), applied by the same runner as the records file's schema
// (migrations.ts), to the schema name it is given: `main` when the file is opened by itself, SIGNALS_SCHEMA when it is
// attached (how the store migrates it, and how an in-memory store holds it).
// The tables are those the records file had up to its migration 7 (see migrations.ts for the reasons behind their
// columns), with two differences made for ingest cost (issue 5):
// - signals.signal may be NULL: the signal stage writes no JSON for a signal it computed from its record with the
//   store's normalizer, and readers compute the signal again from the record (sqlite-signal-reader.ts,
//   sqlite-analyst-views.ts). The JSON was half of what the stage wrote per record. Signals handed in whole (reindex,
//   imports, tests) keep their JSON.
// - FTS5 automerge 16 instead of 8: each indexed term is rewritten about log16 instead of log8 times as the index
//   grows (10 % fewer bytes written by the stage); a term lookup probes more segments per level, which costs
//   microseconds (measured at 5,000,000 signals: docs/signals.md).
// Migration 8 of the records file moves an older installation's signals, alerts and stage state here.
import type { Migration } from './migrations.ts';

const SIGNALS_FILE_SQL = (s: string): string => `
  CREATE TABLE ${s}.signals (
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
    signal TEXT
  ) STRICT;
  CREATE UNIQUE INDEX ${s}.signals_by_sid ON signals (sid);

  CREATE VIRTUAL TABLE ${s}.signals_fts USING fts5 (
    title, text, keys, content = '', contentless_delete = 1, tokenize = 'unicode61'
  );
  INSERT INTO ${s}.signals_fts (signals_fts, rank) VALUES ('automerge', 16);

  CREATE TABLE ${s}.signal_stage (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    done_seq INTEGER NOT NULL,
    owner TEXT,
    lease_expires_ms INTEGER NOT NULL DEFAULT 0,
    detection_state TEXT
  ) STRICT;
  INSERT INTO ${s}.signal_stage (id, done_seq) VALUES (1, 0);

  CREATE TABLE ${s}.alerts (
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
  CREATE INDEX ${s}.alerts_by_time ON alerts (time_us, aid);
  CREATE INDEX ${s}.alerts_by_integration ON alerts (integration, status);
`;

export const SIGNALS_FILE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'signals, free text, alerts and the signal stage',
    sql: SIGNALS_FILE_SQL,
  },
];
