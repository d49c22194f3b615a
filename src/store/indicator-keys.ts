// Indicator values as search keys in the stores' inverted indexes (FTS5 on SQLite, tsvector/GIN on PostgreSQL), next
// to the words of free-text search. An inverted index takes a signal's ~12 indicators in one insert into a log-merge
// structure; a B-tree table of (value, time) rows costs ~12 random B-tree inserts per signal, which made commits
// several times slower than the records themselves.
// A key is one lower-case letter/digit token, so no tokenizer splits or folds it:
//   "i" + 6 hex digits of sha256(type) + "x" + the value escaped     (escaped values up to 192 characters: exact)
//   "i" + 6 hex digits of sha256(type) + "h" + 40 hex digits of sha256(value)   (longer values: hashed)
// Escaping keeps a-y and 0-9 and writes every other UTF-16 code unit as "z" + 2 hex digits (up to U+00FF) or "zu" +
// 4 hex digits: reversible, so two values never share a key, and about a third shorter than hex for the usual
// addresses, names and GUIDs (keys are written with every signal).
// Keys live in their own FTS5 column / tsvector weight, so words of a title can never pose as an indicator. A search
// for a hashed value checks the hit's stored indicators for the exact value as well.
import { createHash } from 'node:crypto';
import { INDICATOR_TYPES } from '../signals/signal.ts';
import type { IndicatorType, Indicators } from '../signals/signal.ts';

export const MAX_EXACT_KEY_CHARS = 192;


function escapeUnit(unit: string): string {
  const code = unit.charCodeAt(0);
  return code < 0x100 ? `z${code.toString(16).padStart(2, '0')}` : `zu${code.toString(16).padStart(4, '0')}`;
}

/** The escaped form of each code unit below U+0100 (kept as is or "z" + 2 hex digits): keys are made per signal. */
const LATIN1 = Array.from({ length: 0x100 }, (_, code) => {
  const unit = String.fromCharCode(code);
  return /[^a-y0-9]/.test(unit) ? escapeUnit(unit) : unit;
});

export function escapeValue(value: string): string {
  // Runs of kept characters are copied as slices and only the characters in between are looked up: most values
  // (addresses, names, GUIDs) are long runs with a few separators. About twice as fast as one lookup per character,
  // several times faster than replace() with a callback; keys are made for every signal on the ingest path.
  let out = '';
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code >= 0x61 && code <= 0x79) || (code >= 0x30 && code <= 0x39)) continue;
    out += value.slice(start, i) + (code < 0x100 ? (LATIN1[code] as string) : escapeUnit(value[i] as string));
    start = i + 1;
  }
  return start === 0 ? value : out + value.slice(start);
}

const typeCodes = new Map<string, string>();

function typeCode(type: string): string {
  let code = typeCodes.get(type);
  if (code === undefined) {
    code = createHash('sha256').update(type, 'utf8').digest('hex').slice(0, 6);
    typeCodes.set(type, code);
  }
  return code;
}

function encodeValue(value: string): string {
  const escaped = escapeValue(value);
  return escaped.length <= MAX_EXACT_KEY_CHARS ? `x${escaped}` : `h${createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 40)}`;
}

export function indicatorKey(type: string, value: string): string {
  return `i${typeCode(type)}${encodeValue(value)}`;
}

/**
 * The key of a value under any type: "v" + the encoded value. PostgreSQL indexes it next to the typed keys, because
 * its planner estimates one lexeme well and an OR of 27 typed lexemes badly (then it walks the whole time index for a
 * rare value). SQLite's FTS5 has no planner to mislead and ORs the typed keys instead, saving the extra lexemes.
 */
export function anyTypeKey(value: string): string {
  return `v${encodeValue(value)}`;
}

/** Whether a key of this value names it exactly (otherwise hits must be checked against the stored value). */
export function isExactKey(value: string): boolean {
  return escapeValue(value).length <= MAX_EXACT_KEY_CHARS;
}

/** The distinct keys of a signal's indicators (typed, and with `anyType` untyped too); non-strings are skipped. */
export function signalKeys(indicators: Indicators, anyType = false): string[] {
  const keys = new Set<string>();
  for (const [type, values] of Object.entries(indicators)) {
    if (!Array.isArray(values)) continue;
    for (const value of values) {
      if (typeof value !== 'string') continue;
      keys.add(indicatorKey(type, value));
      if (anyType) keys.add(anyTypeKey(value));
    }
  }
  return [...keys];
}

/**
 * The typed keys of a signal's indicators as one space-separated text (SQLite's FTS5 keys column), built directly:
 * no set, no array. Duplicates need no removal there (a repeated token changes no match), and a value is listed once
 * per type anyway. Non-strings are skipped.
 */
export function signalKeyText(indicators: Indicators): string {
  let text = '';
  for (const type in indicators) {
    const values: unknown = indicators[type as IndicatorType];
    if (!Array.isArray(values)) continue;
    for (const value of values as unknown[]) {
      if (typeof value !== 'string') continue;
      text += text === '' ? indicatorKey(type, value) : ` ${indicatorKey(type, value)}`;
    }
  }
  return text;
}

/** The keys a search looks for (ORed): the value under one type, or under every type. */
export function searchKeys(value: string, type: IndicatorType | undefined, anyType = false): string[] {
  if (type !== undefined) return [indicatorKey(type, value)];
  return anyType ? [anyTypeKey(value)] : INDICATOR_TYPES.map((t) => indicatorKey(t, value));
}

/** Whether a hit's stored indicators hold the value (under the type, when given). */
export function holdsIndicator(indicators: Indicators, value: string, type?: IndicatorType): boolean {
  return Object.entries(indicators).some(
    ([t, values]) => (type === undefined || t === type) && Array.isArray(values) && values.includes(value),
  );
}
