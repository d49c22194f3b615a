// Sigma value matching (specification 2.x): plain values with wildcards and escapes, null, lists, and the value
// modifiers. A field clause (`Field|mod1|mod2: value-or-list`) becomes one ValueMatcher over the field's value as the
// field mapping returns it (undefined = the record has no such field).
//
// Semantics we implement, and why:
// - Strings compare case-insensitively (the spec's default); `cased` makes them case-sensitive.
// - `*` matches any run of characters, `?` exactly one; `\*`, `\?` and `\\` are the literal characters; any other
//   backslash is itself (the spec's escaping rule, so Windows paths need no doubling).
// - A list of values is OR; with `all` every value must match.
// - Numbers and booleans in a rule compare as their text, so `ResultType: 50126` matches the string "50126" and a
//   Graph number 50126 alike.
// - A field holding an array matches when any element matches; an object or array also offers its JSON text, which
//   is how Azure Monitor's dynamic columns (TargetResources, Status, ...) behave under `contains`.
// - `null` matches a field that is absent or null.
// - `re` is a JavaScript regular expression, case-sensitive unless `i`; `m` and `s` as in the spec. Unanchored.
// - `cidr` takes IPv4 and IPv6 networks; `lt`/`lte`/`gt`/`gte` compare numbers.
// - `minute`/`hour`/`day`/`week`/`month`/`year` (Sigma 2.1) take that part of an ISO date-time, in UTC, and compare
//   it as a number (equal, or with lt/lte/gt/gte/neq); `week` is the ISO week.
// - `neq` (Sigma 2.1): the field is present and different from every value (text or number).
// - `base64` / `base64offset` encode the value (after `wide`/`utf16*` when given); base64offset needs `contains`.
// - `windash`: a "-", "/", en dash, em dash or horizontal bar that starts a word matches any of the five.
// - `exists: true|false` tests presence only (the spec: a null or empty value still exists).
// - `fieldref` compares the field with other fields of the record: sigma-fieldref.ts (it needs the whole record).
// - Not supported: `expand` (its %placeholder% values need per-installation value lists, which azsec does not keep)
//   and anything unknown; the rule is then reported "not supported" with the modifier named.

export type SigmaScalar = string | number | boolean | null;

/** Tests one field value (undefined when the field is absent). */
export type ValueMatcher = (value: unknown) => boolean;

export type BuildMatcherResult = { ok: true; match: ValueMatcher } | { ok: false; reason: string };

const STRING_POSITION = new Set(['contains', 'startswith', 'endswith']);
const ENCODINGS = new Set(['wide', 'utf16le', 'utf16be', 'utf16']);
const COMPARISONS = new Set(['lt', 'lte', 'gt', 'gte']);
const TIME_PARTS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const REGEX_FLAGS = new Set(['i', 'm', 's']);
const KNOWN = new Set([
  ...STRING_POSITION,
  ...ENCODINGS,
  ...COMPARISONS,
  ...TIME_PARTS,
  'neq',
  'all',
  'base64',
  'base64offset',
  'windash',
  're',
  'cidr',
  'exists',
  'cased',
  'i',
  'm',
  's',
]);
const NOT_SUPPORTED: Record<string, string> = {
  expand: 'modifier "expand" is not supported: its placeholders need per-installation value lists',
  fieldref: 'modifier "fieldref" compares whole records: build it with sigma-fieldref.ts',
};

/** The texts a field value offers to string matching (see the header for arrays and objects). */
export function candidateStrings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return [String(value)];
  if (Array.isArray(value)) return [...value.flatMap((v) => candidateStrings(v)), JSON.stringify(value)];
  return [JSON.stringify(value)];
}

/** Sigma wildcard pattern (with its escapes) → an anchored regular expression source. */
export function wildcardToRegexSource(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === WINDASH_SLOT) out += WINDASH_CLASS;
    else if (c === '\\') {
      const next = pattern[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        out += escapeRegex(next);
        i++;
      } else {
        out += '\\\\';
      }
    } else if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else out += escapeRegex(c);
  }
  return `^${out}$`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Escapes a literal so it survives wildcardToRegexSource unchanged (for encoded values). */
function literalPattern(text: string): string {
  return text.replace(/[\\*?]/g, '\\$&');
}

function scalarText(v: SigmaScalar): string {
  return v === null ? '' : String(v);
}

export function buildValueMatcher(modifiersIn: readonly string[], values: readonly SigmaScalar[]): BuildMatcherResult {
  const modifiers = modifiersIn.map((m) => m.toLowerCase());
  for (const m of modifiers) {
    const why = NOT_SUPPORTED[m];
    if (why) return { ok: false, reason: why };
    if (!KNOWN.has(m)) return { ok: false, reason: `modifier "${m}" is not supported (unknown to Sigma 2.x)` };
  }
  if (values.length === 0) return { ok: false, reason: 'a field has an empty list of values' };
  const has = (m: string): boolean => modifiers.includes(m);
  const all = has('all');
  const combine = (tests: ValueMatcher[]): ValueMatcher =>
    all ? (v) => tests.every((t) => t(v)) : (v) => tests.some((t) => t(v));

  if (has('exists')) {
    if (modifiers.length !== 1) return { ok: false, reason: '"exists" cannot be combined with other modifiers' };
    const want = values[0];
    if (values.length !== 1 || typeof want !== 'boolean') return { ok: false, reason: '"exists" needs one boolean value' };
    return { ok: true, match: (v) => (v !== undefined) === want };
  }

  if (has('re')) {
    const extra = modifiers.filter((m) => m !== 're' && m !== 'all' && !REGEX_FLAGS.has(m));
    if (extra.length > 0) return { ok: false, reason: `"re" cannot be combined with "${extra.join('|')}"` };
    const flags = modifiers.filter((m) => REGEX_FLAGS.has(m)).join('');
    const tests: ValueMatcher[] = [];
    for (const value of values) {
      if (typeof value !== 'string') return { ok: false, reason: '"re" needs string values' };
      let re: RegExp;
      try {
        re = new RegExp(value, flags);
      } catch (err) {
        return { ok: false, reason: `invalid regular expression ${JSON.stringify(value)}: ${(err as Error).message}` };
      }
      tests.push((v) => candidateStrings(v).some((s) => re.test(s)));
    }
    return { ok: true, match: combine(tests) };
  }
  const strayFlag = modifiers.find((m) => REGEX_FLAGS.has(m));
  if (strayFlag) return { ok: false, reason: `modifier "${strayFlag}" is only valid after "re"` };

  if (has('cidr')) {
    const extra = modifiers.filter((m) => m !== 'cidr' && m !== 'all');
    if (extra.length > 0) return { ok: false, reason: `"cidr" cannot be combined with "${extra.join('|')}"` };
    const tests: ValueMatcher[] = [];
    for (const value of values) {
      const net = typeof value === 'string' ? parseCidr(value) : null;
      if (!net) return { ok: false, reason: `invalid CIDR network ${JSON.stringify(value)}` };
      tests.push((v) => candidateStrings(v).some((s) => inNetwork(s, net)));
    }
    return { ok: true, match: combine(tests) };
  }

  const comparison = modifiers.find((m) => COMPARISONS.has(m));
  const timePart = modifiers.find((m) => TIME_PARTS.has(m));
  const neq = has('neq');
  if (comparison || timePart) {
    const extra = modifiers.filter((m) => m !== comparison && m !== timePart && m !== 'neq' && m !== 'all');
    if (extra.length > 0) return { ok: false, reason: `"${comparison ?? timePart}" cannot be combined with "${extra.join('|')}"` };
    if (comparison && neq) return { ok: false, reason: `"${comparison}" cannot be combined with "neq"` };
    const op = comparison ?? (neq ? 'neq' : 'eq');
    const extract = timePart ? (text: string) => datePart(text, timePart) : (text: string) => (text.trim() === '' ? NaN : Number(text));
    const tests: ValueMatcher[] = [];
    for (const value of values) {
      const bound = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(bound)) return { ok: false, reason: `"${comparison ?? timePart}" needs numeric values` };
      tests.push((v) => {
        const numbers = candidateStrings(v).map(extract).filter((n) => Number.isFinite(n));
        if (op === 'neq') return numbers.length > 0 && numbers.every((n) => n !== bound);
        return numbers.some((n) => compareNumbers(op, n, bound));
      });
    }
    // "Different from the values" means different from each of them.
    return { ok: true, match: op === 'neq' ? (v) => tests.every((t) => t(v)) : combine(tests) };
  }

  // String matching: transformations, then position, then compile the wildcard patterns.
  const positions = modifiers.filter((m) => STRING_POSITION.has(m));
  if (positions.length > 1) return { ok: false, reason: `conflicting modifiers "${positions.join('|')}"` };
  const position = positions[0];
  const encoding = modifiers.find((m) => ENCODINGS.has(m));
  const b64 = has('base64');
  const b64offset = has('base64offset');
  if (b64 && b64offset) return { ok: false, reason: '"base64" and "base64offset" cannot be combined' };
  if (encoding && !b64 && !b64offset) return { ok: false, reason: `"${encoding}" is only supported before "base64" or "base64offset"` };
  if (b64offset && position !== 'contains') return { ok: false, reason: '"base64offset" needs "contains"' };
  const cased = has('cased');

  const tests: ValueMatcher[] = [];
  for (const value of values) {
    if (value === null) {
      if (modifiers.some((m) => m !== 'all' && m !== 'cased')) return { ok: false, reason: 'a null value cannot take modifiers' };
      tests.push((v) => v === undefined || v === null);
      continue;
    }
    let patterns = [scalarText(value)];
    // Encoded values need every dash variant spelled out; plain ones get a character class instead (no blow-up).
    if (has('windash')) {
      if (b64 || b64offset) {
        const slots = patterns.reduce((n, p) => Math.max(n, p.split(WORD_DASH).length - 1), 0);
        if (slots > MAX_WINDASH_SLOTS) return { ok: false, reason: `"windash" with base64 supports at most ${MAX_WINDASH_SLOTS} dashes per value` };
        patterns = patterns.flatMap(windashVariants);
      } else {
        patterns = patterns.map(windashPattern);
      }
    }
    if (b64 || b64offset) {
      patterns = patterns.flatMap((p) => {
        const bytes = encode(p, encoding);
        return (b64 ? [bytes.toString('base64')] : base64OffsetVariants(bytes)).map(literalPattern);
      });
    }
    if (position === 'contains') patterns = patterns.map((p) => `*${p}*`);
    else if (position === 'startswith') patterns = patterns.map((p) => `${p}*`);
    else if (position === 'endswith') patterns = patterns.map((p) => `*${p}`);
    const regexes = patterns.map((p) => new RegExp(wildcardToRegexSource(p), cased ? '' : 'i'));
    tests.push((v) => candidateStrings(v).some((s) => regexes.some((re) => re.test(s))));
  }
  if (neq) {
    const equalsAny = (v: unknown): boolean => tests.some((t) => t(v));
    return { ok: true, match: (v) => v !== undefined && v !== null && !equalsAny(v) };
  }
  return { ok: true, match: combine(tests) };
}

function encode(text: string, encoding: string | undefined): Buffer {
  if (encoding === 'wide' || encoding === 'utf16le') return Buffer.from(text, 'utf16le');
  if (encoding === 'utf16be') return Buffer.from(text, 'utf16le').swap16();
  if (encoding === 'utf16') return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  return Buffer.from(text, 'utf8');
}

/**
 * The value as it appears inside longer base64 text at each of the three byte offsets: the characters that depend
 * on the unknown neighbouring bytes are cut off (the spec's base64offset).
 */
export function base64OffsetVariants(bytes: Buffer): string[] {
  const out: string[] = [];
  const startCut = [0, 2, 3];
  const endCut = [0, 3, 2];
  for (let i = 0; i < 3; i++) {
    const encoded = Buffer.concat([Buffer.alloc(i), bytes]).toString('base64');
    const tail = (bytes.length + i) % 3;
    const end = encoded.length - (tail === 0 ? 0 : endCut[tail]!);
    out.push(encoded.slice(startCut[i]!, end));
  }
  return out;
}

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
/** A dash that starts a word (pySigma's `\B[-/]\b`, widened to the five dashes of Sigma 2.1). */
const WORD_DASH = /(?<!\w)[-/\u2013\u2014\u2015](?=\w)/g;
/** Stands for "any dash" inside a wildcard pattern; cannot occur in YAML rule text. */
const WINDASH_SLOT = '\u0000';
const WINDASH_CLASS = '[-/\u2013\u2014\u2015]';
const MAX_WINDASH_SLOTS = 4;

function windashPattern(value: string): string {
  return value.replace(WORD_DASH, WINDASH_SLOT);
}

/** Every combination of dashes at the word-leading dash positions (5^n variants; n is capped). */
export function windashVariants(value: string): string[] {
  const parts = value.split(WORD_DASH);
  if (parts.length === 1) return [value];
  if (parts.length - 1 > MAX_WINDASH_SLOTS) throw new Error(`windash with base64 supports at most ${MAX_WINDASH_SLOTS} dashes`);
  let variants = [parts[0]!];
  for (const part of parts.slice(1)) variants = variants.flatMap((v) => DASHES.map((d) => `${v}${d}${part}`));
  return variants;
}

function compareNumbers(op: string, n: number, bound: number): boolean {
  switch (op) {
    case 'lt':
      return n < bound;
    case 'lte':
      return n <= bound;
    case 'gt':
      return n > bound;
    case 'gte':
      return n >= bound;
    default:
      return n === bound;
  }
}

/** A part of an ISO 8601 date-time, in UTC; NaN for text that is not one. */
export function datePart(text: string, part: string): number {
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return NaN;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return NaN;
  const d = new Date(ms);
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
    default: {
      // ISO week: the week (Monday first) holding the year's first Thursday is week 1.
      const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
      const weekday = day.getUTCDay() || 7;
      day.setUTCDate(day.getUTCDate() + 4 - weekday);
      const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
      return Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
    }
  }
}

// --- IP networks -------------------------------------------------------------------------------------------------

interface Network {
  v6: boolean;
  base: bigint;
  bits: number;
}

export function parseCidr(text: string): Network | null {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const ip = parseIp(addrText.trim());
  if (!ip) return null;
  const max = ip.v6 ? 128 : 32;
  const bits = slash < 0 ? max : Number(text.slice(slash + 1));
  if (!Number.isInteger(bits) || bits < 0 || bits > max) return null;
  return { v6: ip.v6, base: ip.value >> BigInt(max - bits), bits };
}

function inNetwork(text: string, net: Network): boolean {
  const ip = parseIp(text.trim());
  if (!ip || ip.v6 !== net.v6) return false;
  const max = ip.v6 ? 128 : 32;
  return ip.value >> BigInt(max - net.bits) === net.base;
}

export function parseIp(text: string): { v6: boolean; value: bigint } | null {
  if (!text.includes(':')) {
    const v4 = parseIpv4(text);
    return v4 === null ? null : { v6: false, value: v4 };
  }
  const zone = text.indexOf('%');
  let s = zone >= 0 ? text.slice(0, zone) : text;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  // An embedded IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIpv4(tail);
    if (v4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const rest = halves.length === 2 ? (halves[1] === '' ? [] : halves[1]!.split(':')) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  return { v6: true, value };
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    value = (value << 8n) | BigInt(Number(p));
  }
  return value;
}
