// Writes signals on PostgreSQL inside a transaction the caller owns. One statement per batch: the signals travel as
// one JSON parameter, so a page of 1,000 signals is one round trip. Each signal's search vector holds the words of its
// title and text; its indicator keys go to signal_keys, one row per distinct value ("v" + the encoded value,
// indicator-keys.ts) with the signal's time and the codes of the types it appears under, indexed by
// (day, key, time_us, sid) so a search yields a value's newest signals first (migration 6). That costs one B-tree
// insert per value, kept within the current day's part of the index; the GIN weight-A lexemes it replaced were
// cheaper to write but made a common value's first page take seconds.
import type { PoolClient } from 'pg';
import type { CheckId } from '../../core/check-ids.ts';
import type { Signal } from '../../signals/signal.ts';
import { searchText, searchTokens } from '../search-text.ts';
import { anyTypeKey, indicatorKey } from '../indicator-keys.ts';
import { severityRank, signalMicros } from '../signal-rows.ts';

/** A signal with the record version it belongs to. */
export interface OwnedSignal {
  integration: string;
  check: CheckId;
  recordId: string;
  version: string;
  recordTime: string;
  signal: Signal;
}

/** tsvector input is capped at 1 MB; a signal's searchable text is cut well below that. */
const MAX_SEARCH_CHARS = 200_000;

/** A hostile record can carry thousands of indicator values: a signal's keys are cut at 400 kB (thousands of values). */
const MAX_KEY_CHARS = 400_000;

/** One signal_keys row to be: an untyped key and the 6-hex-digit codes of the types the value appears under. */
interface KeyRow {
  key: string;
  types: string[];
}

/** The code of a type as it appears in its typed keys ("i" + 6 hex digits + the encoded value). */
export function typeCode(type: string): string {
  return indicatorKey(type, '').slice(1, 7);
}

/** The distinct values of a signal's indicators as signal_keys rows (non-strings skipped), capped at MAX_KEY_CHARS. */
export function keyRows(indicators: Signal['indicators']): KeyRow[] {
  const rows = new Map<string, KeyRow>();
  let length = 0;
  for (const [type, values] of Object.entries(indicators)) {
    if (!Array.isArray(values)) continue;
    const code = typeCode(type);
    for (const value of values) {
      if (typeof value !== 'string') continue;
      const key = anyTypeKey(value);
      const row = rows.get(key);
      if (row !== undefined) {
        if (!row.types.includes(code)) row.types.push(code);
        continue;
      }
      if (length + key.length > MAX_KEY_CHARS) return [...rows.values()];
      length += key.length;
      rows.set(key, { key, types: [code] });
    }
  }
  return [...rows.values()];
}

/** PostgreSQL text cannot hold NUL; columns get U+FFFD instead (the signal JSON keeps the exact value, escaped). */
export function pgText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

/** The words free-text search finds, as PostgreSQL should index them: azsec's tokens, space-separated. */
export function searchDocument(signal: Signal): string {
  const text = searchText(signal);
  return searchTokens(text.length > MAX_SEARCH_CHARS ? text.slice(0, MAX_SEARCH_CHARS) : text).join(' ');
}

// The batch travels as ONE json parameter, expanded by json_to_recordset: pg would otherwise write each of ~16 text
// arrays as an escaped array literal in JavaScript, which for 1,000 signal JSON texts costs more than the insert.
// (No value holds NUL: text columns went through pgText and the JSON texts escape it.) The keys of the signals
// actually inserted (RETURNING: a conflict inserts none) follow in the same statement, sorted by key so that
// neighbouring values share the B-tree pages they touch.
function insertSignalsSql(onlyStoredRecords: boolean): string {
  return `
    WITH r AS MATERIALIZED (
      SELECT * FROM json_to_recordset($1::json) AS r(integration text, check_id text, record_id text,
        version text, tenant_id text, time text, time_us bigint, kind text, severity text, severity_rank smallint,
        outcome text, title text, signal text, doc text, keys json, ord bigint)
    ), ins AS (
      INSERT INTO signals (integration, check_id, record_id, version, tenant_id, time, time_us, kind, severity,
                           severity_rank, outcome, title, signal, search)
      SELECT r.integration, r.check_id, r.record_id, r.version, r.tenant_id, r.time, r.time_us, r.kind, r.severity,
             r.severity_rank, r.outcome, r.title, r.signal, to_tsvector('simple', r.doc)
      FROM r
      ${onlyStoredRecords ? `WHERE EXISTS (SELECT 1 FROM records x WHERE x.integration = r.integration
        AND x.check_id = r.check_id AND x.id = r.record_id AND x.version = r.version)` : ''}
      ORDER BY r.ord
      ON CONFLICT ON CONSTRAINT signals_identity DO NOTHING
      RETURNING sid, integration, check_id, record_id, version, time_us
    )
    INSERT INTO signal_keys (key, time_us, sid, types)
    SELECT k.key, ins.time_us, ins.sid, k.types
    FROM ins
    JOIN r ON (r.integration, r.check_id, r.record_id, r.version) = (ins.integration, ins.check_id, ins.record_id, ins.version)
    CROSS JOIN LATERAL json_to_recordset(r.keys) AS k(key text, types text[])
    ORDER BY k.key, ins.time_us, ins.sid`;
}

const INSERT_SIGNALS = { name: 'azsec_insert_signals_v6', text: insertSignalsSql(false) };
const REPLACE_SIGNALS = { name: 'azsec_replace_signals_v6', text: insertSignalsSql(true) };

const DELETE_SIGNALS = {
  name: 'azsec_delete_signals_v1',
  text: `
    DELETE FROM signals s
    USING unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(integration, check_id, record_id, version)
    WHERE (s.integration, s.check_id, s.record_id, s.version) = (k.integration, k.check_id, k.record_id, k.version)`,
};

function signalValues(batch: readonly OwnedSignal[]): unknown[] {
  const rows = batch.map((s, ord) => ({
    ord,
    integration: s.integration,
    check_id: s.check,
    record_id: s.recordId,
    version: s.version,
    tenant_id: pgText(String(s.signal.tenantId)),
    time: pgText(String(s.signal.time)),
    time_us: signalMicros(s.signal, s.recordTime),
    kind: pgText(String(s.signal.kind)),
    severity: pgText(String(s.signal.severity)),
    severity_rank: severityRank(s.signal.severity),
    outcome: s.signal.outcome === null ? null : pgText(String(s.signal.outcome)),
    title: pgText(String(s.signal.title)),
    signal: JSON.stringify(s.signal),
    doc: searchDocument(s.signal),
    keys: keyRows(s.signal.indicators),
  }));
  return [JSON.stringify(rows)];
}

/** Stores the signals of records this transaction just inserted. */
export async function insertSignals(client: PoolClient, batch: readonly OwnedSignal[]): Promise<void> {
  if (batch.length === 0) return;
  await client.query({ ...INSERT_SIGNALS, values: signalValues(batch) });
}

/** Replaces the signals of stored record versions (reindex); signals of records not stored are skipped. */
export async function replaceSignals(client: PoolClient, signals: readonly Signal[]): Promise<void> {
  if (signals.length === 0) return;
  await client.query({
    ...DELETE_SIGNALS,
    values: [signals.map((s) => s.integration), signals.map((s) => s.check), signals.map((s) => s.recordId), signals.map((s) => s.version)],
  });
  // The record's time is the fallback when a signal's own time does not parse; look it up only then.
  const batch: OwnedSignal[] = [];
  for (const signal of signals) {
    let recordTime = signal.time;
    if (signalMicros(signal, '') === 0) {
      const found = await client.query<{ time: string }>(
        'SELECT time FROM records WHERE integration = $1 AND check_id = $2 AND id = $3 AND version = $4',
        [signal.integration, signal.check, signal.recordId, signal.version],
      );
      recordTime = found.rows[0]?.time ?? signal.time;
    }
    batch.push({ integration: signal.integration, check: signal.check, recordId: signal.recordId, version: signal.version, recordTime, signal });
  }
  await client.query({ ...REPLACE_SIGNALS, values: signalValues(batch) });
}
