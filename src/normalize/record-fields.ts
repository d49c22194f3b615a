// Safe readers for Graph records parsed from JSON. Normalizers never trust a shape: a property may be missing, null,
// of another type (the riskyUsers sample holds "Boolean" placeholders) or hostile, and a reader then answers null
// instead of throwing, so one odd record still yields a signal.
import type { JsonValue } from '../store/store.ts';

export type Obj = Record<string, unknown>;

export function asObj(v: unknown): Obj | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;
}

export function asArray(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A non-empty string, or null. */
export function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** A finite number (also from numeric text such as Int64 values sent as strings), or null. */
export function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Graph enum members arrive in varying case ("Active", "active"): compare them lower-cased. */
export function lower(v: unknown): string {
  return typeof v === 'string' ? v.toLowerCase() : '';
}

/** The strings of an array (others skipped). */
export function strings(v: unknown): string[] {
  const out: string[] = [];
  for (const x of asArray(v)) if (typeof x === 'string' && x !== '') out.push(x);
  return out;
}

const EARLIEST_MS = Date.UTC(1900, 0, 1);
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const ISO_LIKE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/;

/**
 * A Graph DateTimeOffset as ISO 8601 UTC with milliseconds ("2020-03-13T19:15:41.619Z"), or null. Graph sends seven
 * fractional digits (truncated to milliseconds here) and always UTC; a time without a zone is read as UTC rather
 * than as the machine's local time.
 */
export function isoTime(v: unknown): string | null {
  if (typeof v !== 'string' || v.length < 10 || v.length > 40) return null;
  let text = v.trim();
  if (!HAS_ZONE.test(text)) {
    if (!ISO_LIKE.test(text)) return null;
    text = text.length === 10 ? `${text}T00:00:00Z` : `${text.replace(' ', 'T')}Z`;
  }
  const ms = Date.parse(text);
  // .NET's DateTime.MinValue ("0001-01-01T00:00:00Z") means "never"; years past 9999 do not fit the ISO format.
  if (!Number.isFinite(ms) || ms < EARLIEST_MS || ms > LATEST_MS) return null;
  return new Date(ms).toISOString();
}

/** The first of several properties that holds a parseable time. */
export function firstTime(o: Obj, ...names: string[]): string | null {
  for (const n of names) {
    const t = isoTime(o[n]);
    if (t !== null) return t;
  }
  return null;
}

/** A value as it can go into an artifact's fields: JSON data is passed through unchanged (strings byte-for-byte). */
export function jsonOf(v: unknown): JsonValue | undefined {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'object') return v as JsonValue;
  return undefined;
}

/** Line breaks would split a one-line title: they become spaces there (the text field keeps the original). */
export function oneLine(s: string): string {
  return /[\r\n\u2028\u2029]/.test(s) ? s.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ') : s;
}

/** Joins the non-empty parts of a signal's search text, each once, one per line. */
export function joinText(parts: ReadonlyArray<string | null | undefined>): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const p of parts) {
    if (typeof p !== 'string' || p === '' || seen.has(p)) continue;
    seen.add(p);
    out.push(p);
  }
  return out.join('\n');
}
