// The body of a commit, run inside a transaction the caller owns (Store.commit and LeaseStore.commitFenced share it).
// Records go in with ONE statement per chunk: the columns travel as parallel arrays and unnest() turns them back
// into rows, so a page of 1,000 records costs one round trip, not 1,000. ON CONFLICT DO NOTHING on the record's
// identity skips versions already stored (also duplicates inside the same page); rowCount is what was new.
import type { PoolClient } from 'pg';
import type { CheckId } from '../../core/check-ids.ts';
import type { JsonValue, NewRecord } from '../store.ts';
import { isoToMicros } from './iso-micros.ts';

/** Bounds the size of one statement's parameters; pages from Graph are at most 1,000 records anyway. */
const CHUNK = 5_000;

// Prepared once per connection under this name. WITH ORDINALITY + ORDER BY keeps seq in the order received.
const INSERT_RECORDS = {
  name: 'azsec_insert_records',
  text: `
    INSERT INTO records (integration, check_id, id, version, time, time_us, raw, stored_at)
    SELECT $1, $2, r.id, r.version, r.time, r.time_us, r.raw, $3
    FROM unnest($4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[])
      WITH ORDINALITY AS r(id, version, time, time_us, raw, ord)
    ORDER BY r.ord
    ON CONFLICT ON CONSTRAINT records_identity DO NOTHING`,
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
    const result = await client.query({
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
    inserted += result.rowCount ?? 0;
  }
  if (cursor !== undefined) {
    await client.query({ ...UPSERT_CHECKPOINT, values: [integration, check, JSON.stringify(cursor)] });
  }
  return { inserted };
}
