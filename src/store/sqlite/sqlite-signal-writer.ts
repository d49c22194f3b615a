// Writes signals on SQLite: the signal row, its indicator rows and its FTS entry, always inside a transaction the
// caller owns (commit, putSignals, removeIntegration). Statements are prepared once; a commit runs them in a plain
// loop, which in-process costs no round trips.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { CheckId } from '../../core/check-ids.ts';
import type { Signal } from '../../signals/signal.ts';
import { indicatorRows, severityRank, signalMicros } from '../signal-rows.ts';
import { TimeKeys } from './sqlite-time-key.ts';

/** Where a signal belongs: the record version it was computed from. */
export interface SignalOwner {
  integration: string;
  check: CheckId;
  recordId: string;
  version: string;
  /** The record's stored time, used when the signal's own time does not parse. */
  recordTime: string;
}

// Indicators of one or more signals, derived from the stored JSON: the same rows the insert wrote (exact duplicates
// collapse in the IN list; non-string values were never written and match nothing).
const INDICATORS_OF = `
  SELECT v.value, s.sid, t.key
  FROM signals s, json_each(s.signal, '$.indicators') t, json_each(t.value) v
  WHERE json_type(t.value) = 'array' AND v.type = 'text'`;

export class SqliteSignalWriter {
  readonly #keys: TimeKeys;
  readonly #insertSignal: StatementSync;
  readonly #insertIndicator: StatementSync;
  readonly #insertText: StatementSync;
  readonly #findSignal: StatementSync;
  readonly #recordExists: StatementSync;
  readonly #deleteIndicatorsOf: StatementSync;
  readonly #deleteText: StatementSync;
  readonly #deleteSignal: StatementSync;
  readonly #purgeIndicators: StatementSync;
  readonly #purgeText: StatementSync;
  readonly #purgeSignals: StatementSync;

  constructor(db: DatabaseSync) {
    this.#keys = new TimeKeys(db);
    this.#insertSignal = db.prepare(`
      INSERT INTO signals (sid, time_us, severity_rank, integration, check_id, record_id, version, tenant_id, time, kind,
                           severity, outcome, title, signal)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (integration, check_id, record_id, version) DO NOTHING`);
    this.#insertIndicator = db.prepare('INSERT INTO indicators (value, sid, type) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    this.#insertText = db.prepare('INSERT INTO signals_fts (rowid, title, text) VALUES (?, ?, ?)');
    this.#findSignal = db.prepare(
      'SELECT sid FROM signals WHERE integration = ? AND check_id = ? AND record_id = ? AND version = ?',
    );
    this.#findSignal.setReadBigInts(true);
    this.#recordExists = db.prepare(
      'SELECT time FROM records WHERE integration = ? AND check_id = ? AND id = ? AND version = ?',
    );
    this.#deleteIndicatorsOf = db.prepare(`DELETE FROM indicators WHERE (value, sid, type) IN (${INDICATORS_OF} AND s.sid = ?)`);
    this.#deleteText = db.prepare('DELETE FROM signals_fts WHERE rowid = ?');
    this.#deleteSignal = db.prepare('DELETE FROM signals WHERE sid = ?');
    this.#purgeIndicators = db.prepare(`DELETE FROM indicators WHERE (value, sid, type) IN (${INDICATORS_OF} AND s.integration = ?)`);
    this.#purgeText = db.prepare('DELETE FROM signals_fts WHERE rowid IN (SELECT sid FROM signals WHERE integration = ?)');
    this.#purgeSignals = db.prepare('DELETE FROM signals WHERE integration = ?');
  }

  /** Stores the signal of a record that was just inserted. */
  insert(owner: SignalOwner, signal: Signal): void {
    const timeUs = signalMicros(signal, owner.recordTime);
    const sid = this.#keys.next(timeUs);
    const inserted = this.#insertSignal.run(
      sid,
      timeUs,
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
      JSON.stringify(signal),
    );
    // Already there (only possible when a signal outlived its record): the stored one stays, as for records.
    if (Number(inserted.changes) === 0) return;
    for (const row of indicatorRows(signal.indicators)) this.#insertIndicator.run(row.value, sid, row.type);
    this.#insertText.run(sid, signal.title, signal.text);
  }

  /**
   * Replaces the signal of a stored record version (reindex). The key is recomputed: a changed normalizer may have
   * picked another time. Returns false, writing nothing, when no such record is stored.
   */
  replace(signal: Signal): boolean {
    const owner = [signal.integration, signal.check, signal.recordId, signal.version] as const;
    const record = this.#recordExists.get(...owner) as { time: string } | undefined;
    if (record === undefined) return false;
    const existing = this.#findSignal.get(...owner) as { sid: bigint } | undefined;
    if (existing !== undefined) {
      this.#deleteIndicatorsOf.run(existing.sid);
      this.#deleteText.run(existing.sid);
      this.#deleteSignal.run(existing.sid);
    }
    this.insert(
      { integration: signal.integration, check: signal.check, recordId: signal.recordId, version: signal.version, recordTime: record.time },
      signal,
    );
    return true;
  }

  /** Removes every signal of an integration (removeIntegration with purgeRecords). */
  purge(integration: string): void {
    this.#purgeIndicators.run(integration);
    this.#purgeText.run(integration);
    this.#purgeSignals.run(integration);
  }
}
