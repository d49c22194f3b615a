// The body of a commit, run inside a transaction the caller owns (Store.commit and LeaseStore.commitFenced share it).
// Records go in with ONE statement per chunk: the columns travel as parallel arrays and unnest() turns them back
// into rows, so a page of 1,000 records costs one round trip, not 1,000. ON CONFLICT DO NOTHING on the record's
// identity skips versions already stored (also duplicates inside the same page); rowCount is what was new, and the
// returned identities say which records' signals to store (write-signals.ts), in the same transaction.
import type { PoolClient } from 'pg';
import type { CheckId } from '../../core/check-ids.ts';
import type { JsonValue, NewRecord } from '../store.ts';
import { isoToMicros } from './iso-micros.ts';
import { insertSignals } from './write-signals.ts';
import type { OwnedSignal } from './write-signals.ts';

/** Bounds the size of one statement's parameters; pages from Graph are at most 1,000 records anyway. */
const CHUNK = 5_000;

// Prepared once per connection under this name. WITH ORDINALITY + ORDER BY keeps seq in the order received. Every
// new record's seq also goes into signal_queue, the signal stage's durable input (migration 5), in the same statement.
const INSERT_RECORDS = {
  name: 'azsec_insert_records_v3',
  text: `
    WITH added AS (
      INSERT INTO records (integration, check_id, id, version, time, time_us, raw, stored_at)
      SELECT $1, $2, r.id, r.version, r.time, r.time_us, r.raw, $3
      FROM unnest($4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[])
        WITH ORDINALITY AS r(id, version, time, time_us, raw, ord)
      ORDER BY r.ord
      ON CONFLICT ON CONSTRAINT records_identity DO NOTHING
      RETURNING seq, id, version
    ), queued AS (
      INSERT INTO signal_queue (seq) SELECT seq FROM added
    )
    SELECT id, version FROM added`,
};

const UPSERT_CHECKPOINT = {
  name: 'azsec_upsert_checkpoint',
  text: `
    INSERT INTO checkpoints (integration, check_id, cursor) VALUES ($1, $2, $3)
    ON CONFLICT (integration, check_id) DO UPDATE SET cursor = EXCLUDED.cursor`,
};

export async function writeCommit(
  client: PoolClient,
  integration: string,
  check: CheckId,
  records: readonly NewRecord[],
  cursor: JsonValue | undefined,
  storedAt: string,
): Promise<{ inserted: number }> {
  let inserted = 0;
  for (let start = 0; start < records.length; start += CHUNK) {
    const chunk = records.slice(start, start + CHUNK);
    const result = await client.query<{ id: string; version: string }>({
      ...INSERT_RECORDS,
      values: [
        integration,
        check,
        storedAt,
        chunk.map((r) => r.id),
        chunk.map((r) => r.version),
        chunk.map((r) => r.time),
        chunk.map((r) => isoToMicros(r.time)),
        chunk.map((r) => r.raw),
      ],
    });
    inserted += result.rows.length;
    await insertSignals(client, newSignals(integration, check, chunk, result.rows));
  }
  if (cursor !== undefined) {
    await client.query({ ...UPSERT_CHECKPOINT, values: [integration, check, JSON.stringify(cursor)] });
  }
  return { inserted };
}

/** The signals of the records the insert reported as new; for a record repeated in the batch, its first copy's. */
function newSignals(
  integration: string,
  check: CheckId,
  chunk: readonly NewRecord[],
  added: readonly { id: string; version: string }[],
): OwnedSignal[] {
  if (added.length === 0) return [];
  const wanted = new Set(added.map((r) => JSON.stringify([r.id, r.version])));
  const out: OwnedSignal[] = [];
  for (const r of chunk) {
    const key = JSON.stringify([r.id, r.version]);
    if (!wanted.delete(key) || r.signal === undefined) continue;
    out.push({ integration, check, recordId: r.id, version: r.version, recordTime: r.time, signal: r.signal });
  }
  return out;
}
