// The opaque paging cursor of searchSignals: base64url JSON of the last hit's sort key. Each backend decides what
// the key holds; callers only pass it back. A cursor that does not decode is the caller's mistake (ERR_CONFIG_INVALID),
// never a database error.
import { AzsecError } from '../core/errors.ts';

export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The key, checked to hold exactly `fields` as integer strings. */
export function decodeCursor<K extends string>(cursor: string, fields: readonly K[]): Record<K, bigint> {
  const invalid = (): AzsecError => new AzsecError('ERR_CONFIG_INVALID', 'The search cursor is not one this store issued.', {});
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const out = {} as Record<K, bigint>;
  for (const field of fields) {
    const value = (parsed as Record<string, unknown>)[field];
    if (typeof value !== 'string' || !/^-?\d{1,20}$/.test(value)) throw invalid();
    out[field] = BigInt(value);
  }
  return out;
}

/** Validates the page size shared by both backends. */
export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new AzsecError('ERR_CONFIG_INVALID', `The search limit must be an integer from 1 to 1000 (got ${limit}).`, { limit });
  }
}
