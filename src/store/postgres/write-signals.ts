// Writes signals on PostgreSQL inside a transaction the caller owns. One statement per batch: the signals travel as
// parallel arrays (unnest), and a data-modifying CTE inserts their indicators with the sids the signal insert
// returned, so a page of 1,000 signals with their ~10,000 indicators is one round trip.
import type { PoolClient } from 'pg';
import type { CheckId } from '../../core/check-ids.ts';
import type { Signal } from '../../signals/signal.ts';
import { searchTokens } from '../search-text.ts';
import { indicatorRows, severityRank, signalMicros } from '../signal-rows.ts';

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

/** PostgreSQL text cannot hold NUL; columns get U+FFFD instead (the signal JSON keeps the exact value, escaped). */
export function pgText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

/** The words free-text search finds, as PostgreSQL should index them: azsec's tokens, space-separated. */
export function searchDocument(signal: Signal): string {
  const text = `${signal.title} ${signal.text}`;
  return searchTokens(text.length > MAX_SEARCH_CHARS ? text.slice(0, MAX_SEARCH_CHARS) : text).join(' ');
}

function insertSignalsSql(onlyStoredRecords: boolean): string {
  return `
    WITH input AS (
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[],
                           $8::text[], $9::text[], $10::smallint[], $11::text[], $12::text[], $13::text[], $14::text[],
                           $15::text[])
        WITH ORDINALITY AS r(integration, check_id, record_id, version, tenant_id, time, time_us, kind, severity,
                             severity_rank, outcome, title, signal, hit_json, doc, ord)
    ), added AS (
      INSERT INTO signals (integration, check_id, record_id, version, tenant_id, time, time_us, kind, severity,
                           severity_rank, outcome, title, signal, hit_json, search)
      SELECT r.integration, r.check_id, r.record_id, r.version, r.tenant_id, r.time, r.time_us, r.kind, r.severity,
             r.severity_rank, r.outcome, r.title, r.signal, r.hit_json, to_tsvector('simple', r.doc)
      FROM input r
      ${onlyStoredRecords ? `WHERE EXISTS (SELECT 1 FROM records x WHERE x.integration = r.integration
        AND x.check_id = r.check_id AND x.id = r.record_id AND x.version = r.version)` : ''}
      ORDER BY r.ord
      ON CONFLICT ON CONSTRAINT signals_identity DO NOTHING
      RETURNING sid, time_us, integration, check_id, record_id, version
    ), indicator_input AS (
      SELECT * FROM unnest($16::int[], $17::text[], $18::text[]) AS x(ord, type, value)
    ), indicators_added AS (
      INSERT INTO indicators (sid, time_us, type, value)
      SELECT a.sid, a.time_us, x.type, x.value
      FROM indicator_input x
      JOIN input r ON r.ord = x.ord
      JOIN added a ON (a.integration, a.check_id, a.record_id, a.version) = (r.integration, r.check_id, r.record_id, r.version)
    )
    SELECT count(*)::int AS n FROM added`;
}

const INSERT_SIGNALS = { name: 'azsec_insert_signals_v2', text: insertSignalsSql(false) };
const REPLACE_SIGNALS = { name: 'azsec_replace_signals_v2', text: insertSignalsSql(true) };

const DELETE_SIGNALS = {
  name: 'azsec_delete_signals_v1',
  text: `
    DELETE FROM signals s
    USING unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(integration, check_id, record_id, version)
    WHERE (s.integration, s.check_id, s.record_id, s.version) = (k.integration, k.check_id, k.record_id, k.version)`,
};

function signalValues(batch: readonly OwnedSignal[]): unknown[] {
  const indicatorOrd: number[] = [];
  const indicatorType: string[] = [];
  const indicatorValue: string[] = [];
  batch.forEach((item, index) => {
    for (const row of indicatorRows(item.signal.indicators)) {
      // ORDINALITY counts from 1.
      indicatorOrd.push(index + 1);
      indicatorType.push(row.type);
      indicatorValue.push(pgText(row.value));
    }
  });
  return [
    batch.map((s) => s.integration),
    batch.map((s) => s.check),
    batch.map((s) => s.recordId),
    batch.map((s) => s.version),
    batch.map((s) => pgText(String(s.signal.tenantId))),
    batch.map((s) => pgText(String(s.signal.time))),
    batch.map((s) => signalMicros(s.signal, s.recordTime)),
    batch.map((s) => pgText(String(s.signal.kind))),
    batch.map((s) => pgText(String(s.signal.severity))),
    batch.map((s) => severityRank(s.signal.severity)),
    batch.map((s) => (s.signal.outcome === null ? null : pgText(String(s.signal.outcome)))),
    batch.map((s) => pgText(String(s.signal.title))),
    batch.map((s) => JSON.stringify(s.signal)),
    batch.map((s) => JSON.stringify({ title: s.signal.title, indicators: s.signal.indicators })),
    batch.map((s) => searchDocument(s.signal)),
    indicatorOrd,
    indicatorType,
    indicatorValue,
  ];
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
