// Seedable, fast, deterministic randomness for the simulator's generated data.
// Every record is a pure function of (seed, tenant, endpoint, key): nothing here reads Math.random or the clock,
// so two datasets built from the same options render byte-identical JSON.

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** murmur3's finaliser: spreads every input bit over the whole 32-bit word. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, finalised; stable across runs and platforms. */
export function hashString(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** Combines two 32-bit values into one well-mixed value (order matters). */
export function mix(a: number, b: number): number {
  return fmix32((Math.imul(a ^ 0x9e3779b9, 0x27d4eb2d) + fmix32(b >>> 0)) | 0);
}

/** A 32-bit hash of a sequence of strings and integers. Numbers must be integers within ±2^53. */
export function hashParts(...parts: ReadonlyArray<string | number>): number {
  return hashPartsFrom(0x6a09e667, parts);
}

function hashPartsFrom(init: number, parts: ReadonlyArray<string | number>): number {
  let h = init;
  for (const p of parts) {
    if (typeof p === 'string') {
      h = mix(h, hashString(p));
    } else {
      // Fold the high bits in so keys beyond 2^32 (e.g. ms timestamps) stay distinct.
      h = mix(mix(h, p >>> 0), Math.floor(p / 4294967296) >>> 0);
    }
  }
  return h;
}

/** splitmix32: tiny state, passes the usual statistical batteries, fast enough to seed one per record. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  u32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    return fmix32(this.state);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [min, maxExclusive). */
  int(min: number, maxExclusive: number): number {
    return min + Math.floor(this.next() * (maxExclusive - min));
  }

  /** Float in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by relative weight: [[value, weight], ...]. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let r = this.next() * total;
    for (const [v, w] of entries) {
      r -= w;
      if (r < 0) return v;
    }
    const last = entries[entries.length - 1];
    if (last === undefined) throw new Error('Rng.weighted from an empty list');
    return last[0];
  }

  /** `count` distinct items (fewer if the list is shorter), in list order. */
  some<T>(items: readonly T[], count: number): T[] {
    const chosen: T[] = [];
    let need = Math.min(count, items.length);
    for (let i = 0; i < items.length && need > 0; i++) {
      // Selection sampling: each remaining item is taken with probability need / remaining.
      if (this.next() * (items.length - i) < need) {
        chosen.push(items[i] as T);
        need--;
      }
    }
    return chosen;
  }

  /** Lowercase hex string of `length` characters. */
  hex(length: number): string {
    let s = '';
    while (s.length < length) {
      const v = this.u32();
      s += HEX[v & 0xff]! + HEX[(v >>> 8) & 0xff]! + HEX[(v >>> 16) & 0xff]! + HEX[v >>> 24]!;
    }
    return s.slice(0, length);
  }

  /** Decimal digits, first one non-zero. */
  digits(length: number): string {
    let s = String(this.int(1, 10));
    while (s.length < length) s += String(this.int(0, 10));
    return s;
  }

  /** A version-4 style GUID (lowercase, hyphenated) drawn from this stream. */
  guid(): string {
    return guidFromWords(this.u32(), this.u32(), this.u32(), this.u32());
  }
}

/** An Rng seeded from a sequence of parts, e.g. rngFor(tenantSeed, 'signIn', key). */
export function rngFor(...parts: ReadonlyArray<string | number>): Rng {
  return new Rng(hashParts(...parts));
}

/** Formats four 32-bit words as a GUID with the version-4 and variant bits set. */
export function guidFromWords(a: number, b: number, c: number, d: number): string {
  const h = (v: number): string =>
    HEX[v >>> 24]! + HEX[(v >>> 16) & 0xff]! + HEX[(v >>> 8) & 0xff]! + HEX[v & 0xff]!;
  const bb = ((b & 0xffff0fff) | 0x00004000) >>> 0;
  const cc = ((c & 0x3fffffff) | 0x80000000) >>> 0;
  const sb = h(bb);
  const sc = h(cc);
  return `${h(a)}-${sb.slice(0, 4)}-${sb.slice(4)}-${sc.slice(0, 4)}-${sc.slice(4)}${h(d)}`;
}

/**
 * A GUID that is a pure function of its parts. Two independent 32-bit hashes give 64 bits of entropy, so a
 * million ids of one endpoint do not collide (32 bits would give ~100 collisions at that size).
 */
export function guidFor(...parts: ReadonlyArray<string | number>): string {
  const h1 = hashPartsFrom(0x6a09e667, parts);
  const h2 = hashPartsFrom(0xbb67ae85, parts);
  return guidFromWords(h1, fmix32(h2 ^ 0xcc9e2d51), fmix32(h1 ^ 0x85ebca6b), h2);
}
