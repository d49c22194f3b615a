// Indicator normalization: one rule per indicator type, applied both at ingest (IndicatorSet.add) and to what an
// analyst types (normalizeQueryValue), so that a search matches exactly what was stored. Values that are not valid
// for their type (an IP that does not parse, a hash of the wrong length, a placeholder such as "String") are dropped
// rather than stored, because an index of junk values makes every pivot noisier.
import { isIP } from 'node:net';
import { INDICATOR_TYPES } from '../signals/signal.ts';
import type { IndicatorType, Indicators } from '../signals/signal.ts';

/**
 * Longer values are not indexed (they stay in the signal's fields and text): btree indexes refuse very long keys
 * (PostgreSQL's limit is about 2.7 kB per entry) and nobody pivots on a 20 kB string typed from memory.
 */
export const MAX_INDICATOR_LENGTH = 2048;

const HASH_LENGTH = { md5: 32, sha1: 40, sha256: 64 } as const;

/** Types whose values keep their case: a URL path and a command line can be case-sensitive. */
const CASE_KEPT: ReadonlySet<IndicatorType> = new Set<IndicatorType>(['url', 'command_line']);

/** Identifier types compared as opaque lower-case tokens (GUIDs, Defender's 40-hex device ids, numeric app ids). */
const ID_TYPES: ReadonlySet<IndicatorType> = new Set<IndicatorType>(['user_id', 'device_id', 'app_id', 'service_principal_id', 'correlation_id']);

/** The all-zero GUID stands for "nobody" in Entra records (e.g. a system initiator): indexing it links unrelated signals. */
const NULL_GUID = '00000000-0000-0000-0000-000000000000';

const HEX = /^[0-9a-f]+$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
/** scheme://[userinfo@]host — the host is bracketed for IPv6 literals. */
const URL_AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(\[[^\]/?#]*\]|[^/?#:]*)/i;

function hasWhitespaceOrControl(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f) || c === 0xa0 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

/** Dotted-quad IPv4 without leading zeros ("010.001.002.003" → "10.1.2.3"); null when it is not one. */
function normalizeIpv4(v: string): string | null {
  const parts = v.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (p.length < 1 || p.length > 3) return null;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 48 || c > 57) return null;
    }
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out.join('.');
}

/** The eight 16-bit groups of an IPv6 address already accepted by isIP (zone id removed). */
function ipv6Groups(v: string): number[] | null {
  let text = v;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    // An embedded IPv4 tail ("::ffff:1.2.3.4") is the last two groups.
    const v4 = normalizeIpv4(last);
    if (v4 === null) return null;
    const [a = 0, b = 0, c = 0, d = 0] = v4.split('.').map(Number);
    tail.push((a << 8) | b, (c << 8) | d);
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => (g.length > 0 && g.length <= 4 ? parseInt(g, 16) : NaN)));
  let groups: number[];
  const dbl = text.indexOf('::');
  if (dbl >= 0) {
    const head = parse(text.slice(0, dbl));
    const rest = parse(text.slice(dbl + 2));
    const fill = 8 - tail.length - head.length - rest.length;
    if (fill < 0) return null;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest, ...tail];
  } else {
    groups = [...parse(text), ...tail];
  }
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return null;
  return groups;
}

/** RFC 5952 text: lower-case, no leading zeros, the longest run (≥ 2) of zero groups as "::", IPv4-mapped dotted. */
function formatIpv6(g: number[]): string {
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    const a = g[6] ?? 0;
    const b = g[7] ?? 0;
    return `::ffff:${a >> 8}.${a & 0xff}.${b >> 8}.${b & 0xff}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((n) => n.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** An IPv4 or IPv6 address in canonical text, or null. IPv6 zone ids ("%eth0") are kept, lower-cased. */
export function normalizeIp(value: string): string | null {
  const v = value.trim();
  if (v.length === 0 || v.length > 64) return null;
  if (!v.includes(':')) return normalizeIpv4(v);
  const bare = v.startsWith('[') && v.endsWith(']') ? v.slice(1, -1) : v;
  if (isIP(bare) !== 6) return null;
  const pct = bare.indexOf('%');
  const addr = pct >= 0 ? bare.slice(0, pct) : bare;
  const groups = ipv6Groups(addr.toLowerCase());
  if (groups === null) return null;
  return formatIpv6(groups) + (pct >= 0 ? bare.slice(pct).toLowerCase() : '');
}

/** A DNS name, lower-case, without the trailing dot; at least two labels and a non-numeric top label. */
export function normalizeDomain(value: string): string | null {
  let v = value.trim().toLowerCase();
  if (v.endsWith('.')) v = v.slice(0, -1);
  if (v.length < 3 || v.length > 253) return null;
  const labels = v.split('.');
  if (labels.length < 2) return null;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63 || label.startsWith('-') || label.endsWith('-')) return null;
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      const ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95 || c > 0x7f;
      if (!ok) return null;
    }
  }
  const top = labels[labels.length - 1] ?? '';
  if (/^[0-9]+$/.test(top)) return null;
  if (hasWhitespaceOrControl(v)) return null;
  return v;
}

/** An email address or UPN, lower-case; the part after the last "@" must be a domain. */
function normalizeEmail(value: string): string | null {
  const v = value.trim().toLowerCase();
  const at = v.lastIndexOf('@');
  if (at <= 0 || at === v.length - 1 || hasWhitespaceOrControl(v)) return null;
  const local = v.slice(0, at);
  if (local.includes('<') || local.includes('>') || local.includes('"') || local.includes(',')) return null;
  return normalizeDomain(v.slice(at + 1)) === null ? null : v;
}

/** The host of a URL (with or without a scheme) as an ip or domain indicator, or null. */
export function urlHost(url: string): { type: 'ip' | 'domain'; value: string } | null {
  let host: string | undefined;
  const m = URL_AUTHORITY.exec(url);
  if (m) host = m[1];
  else {
    // "evil.example/login": no scheme, but a host before the first slash.
    const end = url.search(/[/?#]/);
    host = end >= 0 ? url.slice(0, end) : url;
    const colon = host.lastIndexOf(':');
    if (colon > 0 && !host.startsWith('[') && host.indexOf(':') === colon) host = host.slice(0, colon);
  }
  if (host === undefined || host === '') return null;
  if (host.startsWith('[')) {
    const ip = normalizeIp(host.slice(1, -1));
    return ip === null ? null : { type: 'ip', value: ip };
  }
  const ip = normalizeIp(host);
  if (ip !== null) return { type: 'ip', value: ip };
  const domain = normalizeDomain(host);
  return domain === null ? null : { type: 'domain', value: domain };
}

/** A URL, trimmed but otherwise as given; it needs a scheme ("https://…") or a host and a path ("evil.example/x"). */
function normalizeUrl(value: string): string | null {
  const v = value.trim();
  if (v.length < 4 || hasWhitespaceOrControl(v)) return null;
  // file:///C:/x has no host but is still a URL; only the host, when there is one, becomes a domain or ip.
  if (SCHEME.test(v)) return v.length > v.indexOf('://') + 3 ? v : null;
  const slash = v.indexOf('/');
  if (slash <= 0) return null;
  return urlHost(v) === null ? null : v;
}

function normalizeHash(value: string, length: number): string | null {
  const v = value.trim().toLowerCase();
  return v.length === length && HEX.test(v) ? v : null;
}

/**
 * The stored form of a value of one indicator type, or null when it is not a valid value of that type:
 * IPs canonical (IPv4 without leading zeros, IPv6 per RFC 5952 with IPv4-mapped kept as ::ffff:a.b.c.d); domains
 * lower-case without the trailing dot; emails, UPNs, hashes and ids lower-case; message ids without "<>"; URLs and
 * command lines trimmed and otherwise as given; every other type trimmed and lower-case.
 */
export function normalizeIndicator(type: IndicatorType, value: string): string | null {
  if (typeof value !== 'string') return null;
  let out: string | null;
  switch (type) {
    case 'ip':
      out = normalizeIp(value);
      break;
    case 'domain':
      out = normalizeDomain(value);
      break;
    case 'url':
      out = normalizeUrl(value);
      break;
    case 'email':
    case 'upn':
      out = normalizeEmail(value);
      break;
    case 'md5':
    case 'sha1':
    case 'sha256':
      out = normalizeHash(value, HASH_LENGTH[type]);
      break;
    case 'message_id': {
      let v = value.trim();
      // All the brackets, so that normalizing a stored value again changes nothing.
      while (v.length >= 2 && v.startsWith('<') && v.endsWith('>')) v = v.slice(1, -1).trim();
      out = v === '' ? null : v.toLowerCase();
      break;
    }
    default: {
      const v = value.trim();
      if (v === '') return null;
      if (ID_TYPES.has(type)) {
        const id = v.toLowerCase();
        out = id === NULL_GUID || hasWhitespaceOrControl(id) ? null : id;
      } else out = CASE_KEPT.has(type) ? v : v.toLowerCase();
    }
  }
  return out === null || out.length > MAX_INDICATOR_LENGTH ? null : out;
}

/** A set of indicators being collected for one signal: values normalized on the way in, duplicates dropped. */
export class IndicatorSet {
  readonly #values = new Map<IndicatorType, Set<string>>();

  /** Adds a value (numbers are taken as their decimal text; anything else that is not a string is ignored). */
  add(type: IndicatorType, value: unknown): void {
    let text: string;
    if (typeof value === 'string') text = value;
    else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
    else return;
    const v = normalizeIndicator(type, text);
    if (v === null) return;
    this.#put(type, v);
    // Every URL also yields its host, so a pivot on a domain finds the URLs on it.
    if (type === 'url') {
      const host = urlHost(v);
      if (host !== null) this.#put(host.type, host.value);
    }
  }

  /** Adds the values of several types at once (already normalized values pass through unchanged). */
  addAll(indicators: Indicators): void {
    for (const type of INDICATOR_TYPES) {
      const values = indicators[type];
      if (values) for (const v of values) this.add(type, v);
    }
  }

  has(type: IndicatorType, value: string): boolean {
    return this.#values.get(type)?.has(value) ?? false;
  }

  get size(): number {
    let n = 0;
    for (const s of this.#values.values()) n += s.size;
    return n;
  }

  /** Sorted arrays, types in INDICATOR_TYPES order, only the types that hold a value. */
  toJSON(): Indicators {
    const out: Indicators = {};
    for (const type of INDICATOR_TYPES) {
      const s = this.#values.get(type);
      if (s && s.size > 0) out[type] = [...s].sort();
    }
    return out;
  }

  #put(type: IndicatorType, value: string): void {
    let s = this.#values.get(type);
    if (!s) {
      s = new Set();
      this.#values.set(type, s);
    }
    s.add(value);
  }
}

/** Types a free search term that is none of the specific shapes may be stored under (names, paths, keys, numbers). */
const NAME_LIKE: readonly IndicatorType[] = [
  'user_name',
  'host',
  'file_name',
  'file_path',
  'command_line',
  'mailbox',
  'message_id',
  'registry_key',
  'registry_value',
  'app_name',
  'incident_id',
  'alert_id',
  'process_id',
  'country',
];

const ID_LIKE: readonly IndicatorType[] = ['user_id', 'device_id', 'app_id', 'service_principal_id', 'correlation_id', 'message_id'];

/**
 * The (type, stored value) pairs a search term may match, for `azsec search --indicator`: an IP → ip; x@y → email,
 * upn and mailbox; 32/40/64 hex → that hash (40 hex also a Defender device id); a URL → url; a domain → domain and
 * host; a GUID → the id types; anything else → the name-like types. Each value goes through normalizeIndicator, so
 * it is exactly what ingest stored.
 */
export function normalizeQueryValue(value: string): Array<{ type: IndicatorType; value: string }> {
  const raw = value.trim();
  if (raw === '') return [];
  const out: Array<{ type: IndicatorType; value: string }> = [];
  const seen = new Set<string>();
  const push = (type: IndicatorType): void => {
    const v = normalizeIndicator(type, raw);
    if (v === null || seen.has(`${type}\u0000${v}`)) return;
    seen.add(`${type}\u0000${v}`);
    out.push({ type, value: v });
  };
  const lower = raw.toLowerCase();
  if (normalizeIp(raw) !== null) {
    push('ip');
    return out;
  }
  if (normalizeEmail(raw) !== null) {
    push('email');
    push('upn');
    push('mailbox');
    push('user_name');
    // Internet message ids look like addresses once their angle brackets are gone.
    push('message_id');
    return out;
  }
  if (HEX.test(lower) && (lower.length === 32 || lower.length === 40 || lower.length === 64)) {
    push(lower.length === 32 ? 'md5' : lower.length === 40 ? 'sha1' : 'sha256');
    if (lower.length === 40) push('device_id');
    return out;
  }
  if (SCHEME.test(raw)) {
    push('url');
    return out;
  }
  if (GUID.test(lower)) {
    for (const t of ID_LIKE) push(t);
    return out;
  }
  if (normalizeDomain(raw) !== null) {
    push('domain');
    push('host');
    // "mssense.exe" or "powershell.exe" look like domains too.
    push('file_name');
    push('app_name');
    push('user_name');
    return out;
  }
  if (raw.includes('/') && normalizeUrl(raw) !== null) push('url');
  for (const t of NAME_LIKE) push(t);
  return out;
}
