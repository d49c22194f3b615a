// The sorted index behind every endpoint: (timeMs, key) pairs in ascending (timeMs, id) order, held in typed arrays.
//
// A record is only its time and a numeric key; everything else is derived from the key when rendered, so a million
// sign-ins cost 12 bytes each. New records almost always arrive in order (their time is "now") and are appended.
// Late records (Entra's ingestion delay, or `at` in the past) go to a small sorted overflow instead of shifting the
// main arrays; the overflow is merged into the main arrays once it grows past ~2·sqrt(n), so a single late record
// never costs an O(n) copy and the amortised cost of merging stays small. Index-based reads (timeAt/idAt) work over
// the union: each overflow entry remembers its position in the union, found by binary search.

/** The id of a record from its key and time; must be cheap and never change for a record. */
export type IdOf = (key: number, timeMs: number) => string;

const MIN_CAPACITY = 16;

export class SortedRecords {
  private times: Float64Array;
  private keys: Uint32Array;
  private mainLen: number;
  private readonly ovTimes: number[] = [];
  private readonly ovKeys: number[] = [];
  /** Position of each overflow entry in the union (ascending, since the overflow is sorted). */
  private readonly ovPos: number[] = [];
  private readonly idOf: IdOf;

  /** `times`/`keys` must already be sorted by (time, id); use SortedRecords.build otherwise. */
  private constructor(idOf: IdOf, times: Float64Array, keys: Uint32Array, length: number) {
    this.idOf = idOf;
    this.times = times;
    this.keys = keys;
    this.mainLen = length;
  }

  static empty(idOf: IdOf): SortedRecords {
    return new SortedRecords(idOf, new Float64Array(MIN_CAPACITY), new Uint32Array(MIN_CAPACITY), 0);
  }

  /**
   * Builds the index from parallel arrays (taken over, not copied). Times that are already ascending (the large
   * generated endpoints) are only fixed up where several records share a millisecond; otherwise a full sort runs.
   */
  static build(idOf: IdOf, times: Float64Array, keys: Uint32Array): SortedRecords {
    const n = times.length;
    let ascending = true;
    for (let i = 1; i < n; i++) {
      if (times[i]! < times[i - 1]!) {
        ascending = false;
        break;
      }
    }
    if (!ascending) {
      const order = Array.from({ length: n }, (_, i) => i);
      order.sort((a, b) => times[a]! - times[b]! || compareIds(idOf(keys[a]!, times[a]!), idOf(keys[b]!, times[b]!)));
      const t2 = new Float64Array(n);
      const k2 = new Uint32Array(n);
      order.forEach((src, dst) => {
        t2[dst] = times[src]!;
        k2[dst] = keys[src]!;
      });
      return new SortedRecords(idOf, t2, k2, n);
    }
    // Sort each run of equal times by id (runs are short: a few records share a millisecond).
    let runStart = 0;
    for (let i = 1; i <= n; i++) {
      if (i < n && times[i] === times[runStart]) continue;
      if (i - runStart > 1) {
        const t = times[runStart]!;
        const run = Array.from(keys.subarray(runStart, i)).map((k) => ({ k, id: idOf(k, t) }));
        run.sort((a, b) => compareIds(a.id, b.id));
        run.forEach((r, j) => {
          keys[runStart + j] = r.k;
        });
      }
      runStart = i;
    }
    return new SortedRecords(idOf, times, keys, n);
  }

  size(): number {
    return this.mainLen + this.ovTimes.length;
  }

  timeAt(i: number): number {
    const loc = this.locate(i);
    return loc >= 0 ? this.times[loc]! : this.ovTimes[-loc - 1]!;
  }

  keyAt(i: number): number {
    const loc = this.locate(i);
    return loc >= 0 ? this.keys[loc]! : this.ovKeys[-loc - 1]!;
  }

  idAt(i: number): string {
    const loc = this.locate(i);
    return loc >= 0 ? this.idOf(this.keys[loc]!, this.times[loc]!) : this.idOf(this.ovKeys[-loc - 1]!, this.ovTimes[-loc - 1]!);
  }

  /** Index of the first record whose time is >= timeMs. */
  lowerBound(timeMs: number): number {
    return this.mainLowerBound(timeMs) + arrayLowerBound(this.ovTimes, timeMs);
  }

  /** Index of the first record whose time is > timeMs. */
  upperBound(timeMs: number): number {
    return this.mainUpperBound(timeMs) + arrayUpperBound(this.ovTimes, timeMs);
  }

  /** Index in the union of the record (timeMs, key), or -1. */
  indexOf(timeMs: number, key: number): number {
    const end = this.upperBound(timeMs);
    for (let i = this.lowerBound(timeMs); i < end; i++) if (this.keyAt(i) === key) return i;
    return -1;
  }

  insert(timeMs: number, key: number): void {
    const len = this.mainLen;
    const ovRank = this.overflowRank(timeMs, key);
    if (len === 0 || this.compare(timeMs, key, this.times[len - 1]!, this.keys[len - 1]!) > 0) {
      // In order with the main arrays: append; overflow entries that sort after it move one place down.
      this.ensureCapacity(len + 1);
      this.times[len] = timeMs;
      this.keys[len] = key;
      this.mainLen = len + 1;
      for (let j = ovRank; j < this.ovPos.length; j++) this.ovPos[j]! += 1;
      return;
    }
    const mainRank = this.mainRank(timeMs, key);
    this.ovTimes.splice(ovRank, 0, timeMs);
    this.ovKeys.splice(ovRank, 0, key);
    this.ovPos.splice(ovRank, 0, mainRank + ovRank);
    for (let j = ovRank + 1; j < this.ovPos.length; j++) this.ovPos[j]! += 1;
    if (this.ovTimes.length > Math.max(256, 2 * Math.sqrt(this.mainLen))) this.mergeOverflow();
  }

  /** Removes the record (timeMs, key); O(n) when it sits in the main arrays, which only small mutable endpoints do. */
  remove(timeMs: number, key: number): boolean {
    const ovRank = this.overflowRank(timeMs, key);
    if (this.ovTimes[ovRank] === timeMs && this.ovKeys[ovRank] === key) {
      this.ovTimes.splice(ovRank, 1);
      this.ovKeys.splice(ovRank, 1);
      this.ovPos.splice(ovRank, 1);
      for (let j = ovRank; j < this.ovPos.length; j++) this.ovPos[j]! -= 1;
      return true;
    }
    const m = this.mainRank(timeMs, key);
    if (m >= this.mainLen || this.times[m] !== timeMs || this.keys[m] !== key) return false;
    this.times.copyWithin(m, m + 1, this.mainLen);
    this.keys.copyWithin(m, m + 1, this.mainLen);
    this.mainLen--;
    for (let j = ovRank; j < this.ovPos.length; j++) this.ovPos[j]! -= 1;
    return true;
  }

  /** Bytes held by the typed arrays (for the memory figures in the report and benchmarks). */
  byteLength(): number {
    return this.times.byteLength + this.keys.byteLength + this.ovTimes.length * 24;
  }

  /** Main index (>= 0) or -(overflowIndex + 1) of union index i. */
  private locate(i: number): number {
    const ov = this.ovPos;
    if (ov.length === 0) return i;
    let lo = 0;
    let hi = ov.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ov[mid]! < i) lo = mid + 1;
      else hi = mid;
    }
    if (lo < ov.length && ov[lo] === i) return -(lo + 1);
    return i - lo;
  }

  private compare(t1: number, k1: number, t2: number, k2: number): number {
    if (t1 !== t2) return t1 < t2 ? -1 : 1;
    if (k1 === k2) return 0;
    return compareIds(this.idOf(k1, t1), this.idOf(k2, t2));
  }

  private mainLowerBound(t: number): number {
    let lo = 0;
    let hi = this.mainLen;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private mainUpperBound(t: number): number {
    let lo = 0;
    let hi = this.mainLen;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Number of main entries that sort strictly before (t, key). */
  private mainRank(t: number, key: number): number {
    let i = this.mainLowerBound(t);
    while (i < this.mainLen && this.times[i] === t && this.compare(this.times[i]!, this.keys[i]!, t, key) < 0) i++;
    return i;
  }

  /** Number of overflow entries that sort strictly before (t, key). */
  private overflowRank(t: number, key: number): number {
    let i = arrayLowerBound(this.ovTimes, t);
    while (i < this.ovTimes.length && this.ovTimes[i] === t && this.compare(t, this.ovKeys[i]!, t, key) < 0) i++;
    return i;
  }

  private ensureCapacity(n: number): void {
    if (n <= this.times.length) return;
    const cap = Math.max(MIN_CAPACITY, Math.ceil(n * 1.5));
    const t = new Float64Array(cap);
    t.set(this.times.subarray(0, this.mainLen));
    const k = new Uint32Array(cap);
    k.set(this.keys.subarray(0, this.mainLen));
    this.times = t;
    this.keys = k;
  }

  private mergeOverflow(): void {
    const total = this.mainLen + this.ovTimes.length;
    const cap = Math.max(MIN_CAPACITY, Math.ceil(total * 1.25));
    const t = new Float64Array(cap);
    const k = new Uint32Array(cap);
    // Each overflow entry's union position is already known: copy the main runs between them.
    let src = 0;
    let dst = 0;
    for (let j = 0; j < this.ovPos.length; j++) {
      const pos = this.ovPos[j]!;
      const run = pos - dst;
      t.set(this.times.subarray(src, src + run), dst);
      k.set(this.keys.subarray(src, src + run), dst);
      src += run;
      dst += run;
      t[dst] = this.ovTimes[j]!;
      k[dst] = this.ovKeys[j]!;
      dst++;
    }
    t.set(this.times.subarray(src, this.mainLen), dst);
    k.set(this.keys.subarray(src, this.mainLen), dst);
    this.times = t;
    this.keys = k;
    this.mainLen = total;
    this.ovTimes.length = 0;
    this.ovKeys.length = 0;
    this.ovPos.length = 0;
  }
}

/** Ordinal comparison, like Graph's: ids compare by UTF-16 code units. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function arrayLowerBound(a: readonly number[], t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function arrayUpperBound(a: readonly number[], t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
