// Writes signals on SQLite, in the signals file (signals-file.ts): the signal row (keyed by its record's seq) and its
// FTS entry (words and indicator keys, under the signal's time key), always inside a transaction the caller owns on
// that file's connection (the signal stage's completeRecords, putSignals, removeIntegration, commit's inline signals).
// A few prepared statements per signal, run in a plain loop: in-process there are no round trips to save.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { CheckId } from '../../core/check-ids.ts';
import type { Signal } from '../../signals/signal.ts';
import { signalKeyText } from '../indicator-keys.ts';
import { searchText } from '../search-text.ts';
import { severityRank, signalMicros } from '../signal-rows.ts';
import { signalBody } from './sqlite-signal-body.ts';
import { TimeKeys } from './sqlite-time-key.ts';

/** Where a signal belongs: the record version it was computed from. */
export interface SignalOwner {
  /** The record's seq: the signal's row id. */
  seq: number | bigint;
  integration: string;
  check: CheckId;
  recordId: string;
  version: string;
  /** The record's stored time, used when the signal's own time does not parse. */
  recordTime: string;
}

/** A signal with its rows' computed values (SqliteSignalWriter.prepare). */
export interface PreparedSignal {
  owner: SignalOwner;
  signal: Signal;
  timeUs: number;
  /** The signal's JSON; null when it is computed from its record on read (SignalBatchOutput.derived). */
  body: string | null;
  text: string;
  keys: string;
}

export class SqliteSignalWriter {
  readonly #keys: TimeKeys;
  readonly #insertSignal: StatementSync;
  readonly #insertText: StatementSync;
  readonly #findSignal: StatementSync;
  readonly #deleteText: StatementSync;
  readonly #deleteSignal: StatementSync;
  readonly #purgeText: StatementSync;
  readonly #purgeSignals: StatementSync;

  constructor(db: DatabaseSync) {
    this.#keys = new TimeKeys(db);
    this.#insertSignal = db.prepare(`
      INSERT INTO signals (seq, sid, time_us, severity_rank, integration, check_id, record_id, version, tenant_id, time,
                           kind, severity, outcome, title, signal)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (seq) DO NOTHING`);
    this.#insertText = db.prepare('INSERT INTO signals_fts (rowid, title, text, keys) VALUES (?, ?, ?, ?)');
    this.#findSignal = db.prepare('SELECT sid FROM signals WHERE seq = ?');
    this.#findSignal.setReadBigInts(true);
    this.#deleteText = db.prepare('DELETE FROM signals_fts WHERE rowid = ?');
    this.#deleteSignal = db.prepare('DELETE FROM signals WHERE seq = ?');
    // A scan: signals have no index on integration (one B-tree insert less per signal), and the records' index is in the
    // other file. Removing an integration with its records is rare.
    this.#purgeText = db.prepare('DELETE FROM signals_fts WHERE rowid IN (SELECT sid FROM signals WHERE integration = ?)');
    this.#purgeSignals = db.prepare('DELETE FROM signals WHERE integration = ?');
  }

  /**
   * Everything of a signal's rows that does not need the database: its JSON, search text and key text, computed before
   * the transaction so that the write lock is held only for the statements. Without `keepBody` no JSON is stored: the
   * signal is computed from its record when read.
   */
  static prepare(owner: SignalOwner, signal: Signal, keepBody = true): PreparedSignal {
    return {
      owner,
      signal,
      timeUs: signalMicros(signal, owner.recordTime),
      body: keepBody ? signalBody(signal, owner) : null,
      text: searchText(signal),
      keys: signalKeyText(signal.indicators),
    };
  }

  /** Stores the signal of a record that was just inserted. */
  insert(owner: SignalOwner, signal: Signal): void {
    this.insertPrepared(SqliteSignalWriter.prepare(owner, signal));
  }

  /** Stores a prepared signal (prepare()); inside the caller's transaction. */
  insertPrepared(p: PreparedSignal): void {
    const { owner, signal } = p;
    const sid = this.#keys.next(p.timeUs);
    const inserted = this.#insertSignal.run(
      owner.seq,
      sid,
      p.timeUs,
      severityRank(signal.severity),
      owner.integration,
      owner.check,
      owner.recordId,
      owner.version,
      signal.tenantId,
      signal.time,
      signal.kind,
      signal.severity,
      signal.outcome,
      signal.title,
      p.body,
    );
    // Already there (only possible when a signal outlived its record): the stored one stays, as for records.
    if (Number(inserted.changes) === 0) return;
    this.#insertText.run(sid, '', p.text, p.keys);
  }

  /**
   * Replaces the signal of a stored record version (reindex), whose record the caller has found. The key is
   * recomputed: a changed normalizer may have picked another time.
   */
  replace(owner: SignalOwner, signal: Signal): void {
    const existing = this.#findSignal.get(owner.seq) as { sid: bigint } | undefined;
    if (existing !== undefined) {
      this.#deleteText.run(existing.sid);
      this.#deleteSignal.run(owner.seq);
    }
    this.insert(owner, signal);
  }

  /** Removes every signal of an integration (removeIntegration with purgeRecords), before its records go. */
  purge(integration: string): void {
    this.#purgeText.run(integration);
    this.#purgeSignals.run(integration);
  }
}
