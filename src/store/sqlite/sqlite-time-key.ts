// The SQLite signal key: time_us * 1024 + n, unique, so that ordering by the key is ordering by time with a stable
// tie-break. n is the next free slot among signals of the same microsecond (found with one index probe). A
// microsecond holding more than 1,024 signals (a users run stamps every user with the same time) borrows keys just
// above it: still unique and after every older signal, at worst ordered a few microseconds early among its
// neighbours. Times outside SQLite's 64-bit range for such keys (before 1716 or after 2223) are clamped.
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export const SLOT = 1024n;
/** Keys of one overflowing microsecond may spread over this many slots before the slow walk is needed. */
const OVERFLOW_SPAN = SLOT * 1024n;
const MAX_US = 8_000_000_000_000_000;

/** The smallest key of a microsecond; also the bound used for since/until. */
export function keyBase(timeUs: number): bigint {
  const clamped = Math.min(MAX_US, Math.max(-MAX_US, Math.trunc(timeUs)));
  return BigInt(clamped) * SLOT;
}

export class TimeKeys {
  readonly #maxBetween: StatementSync;
  readonly #taken: StatementSync;

  constructor(db: DatabaseSync) {
    this.#maxBetween = db.prepare('SELECT max(sid) AS m FROM signals WHERE sid >= ? AND sid < ?');
    this.#maxBetween.setReadBigInts(true);
    this.#taken = db.prepare('SELECT 1 AS x FROM signals WHERE sid = ?');
  }

  /** A free key for a signal at `timeUs`. Must run inside the transaction that inserts it (writers are serialised). */
  next(timeUs: number): bigint {
    const base = keyBase(timeUs);
    const inSlot = this.#max(base, base + SLOT);
    if (inSlot === null) return base;
    if (inSlot + 1n < base + SLOT) return inSlot + 1n;
    let candidate = (this.#max(base, base + OVERFLOW_SPAN) ?? base) + 1n;
    while (this.#taken.get(candidate) !== undefined) candidate += 1n;
    return candidate;
  }

  #max(from: bigint, to: bigint): bigint | null {
    const row = this.#maxBetween.get(from, to) as { m: bigint | null } | undefined;
    return row?.m ?? null;
  }
}
