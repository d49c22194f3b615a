// Writes signals on SQLite: the signal row and its FTS entry (title, text and indicator keys), always inside a
// transaction the caller owns (commit, putSignals, removeIntegration). Three prepared statements per signal, run in
// a plain loop: in-process there are no round trips to save.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { CheckId } from '../../core/check-ids.ts';
import type { Signal } from '../../signals/signal.ts';
import { signalKeys } from '../indicator-keys.ts';
import { severityRank, signalMicros } from '../signal-rows.ts';
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

export class SqliteSignalWriter {
  readonly #keys: TimeKeys;
  readonly #insertSignal: StatementSync;
  readonly #insertText: StatementSync;
  readonly #findSignal: StatementSync;
  readonly #recordTime: StatementSync;
  readonly #deleteText: StatementSync;
  readonly #deleteSignal: StatementSync;
  readonly #purgeText: StatementSync;
  readonly #purgeSignals: StatementSync;

  constructor(db: DatabaseSync) {
    this.#keys = new TimeKeys(db);
    this.#insertSignal = db.prepare(`
      INSERT INTO signals (sid, time_us, severity_rank, integration, check_id, record_id, version, tenant_id, time, kind,
                           severity, outcome, title, signal)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (integration, check_id, record_id, version) DO NOTHING`);
    this.#insertText = db.prepare('INSERT INTO signals_fts (rowid, title, text, keys) VALUES (?, ?, ?, ?)');
    this.#findSignal = db.prepare('SELECT sid FROM signals WHERE integration = ? AND check_id = ? AND record_id = ? AND version = ?');
    this.#findSignal.setReadBigInts(true);
    this.#recordTime = db.prepare('SELECT time FROM records WHERE integration = ? AND check_id = ? AND id = ? AND version = ?');
    this.#deleteText = db.prepare('DELETE FROM signals_fts WHERE rowid = ?');
    this.#deleteSignal = db.prepare('DELETE FROM signals WHERE sid = ?');
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
    this.#insertText.run(sid, signal.title, signal.text, signalKeys(signal.indicators).join(' '));
  }

  /**
   * Replaces the signal of a stored record version (reindex). The key is recomputed: a changed normalizer may have
   * picked another time. Returns false, writing nothing, when no such record is stored.
   */
  replace(signal: Signal): boolean {
    const owner = [signal.integration, signal.check, signal.recordId, signal.version] as const;
    const record = this.#recordTime.get(...owner) as { time: string } | undefined;
    if (record === undefined) return false;
    const existing = this.#findSignal.get(...owner) as { sid: bigint } | undefined;
    if (existing !== undefined) {
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
    this.#purgeText.run(integration);
    this.#purgeSignals.run(integration);
  }
}
