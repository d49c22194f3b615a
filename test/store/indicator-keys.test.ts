// Indicator keys (src/store/indicator-keys.ts): one lower-case letter/digit token per (type, value), distinct for
// distinct values, and the SQLite key text made of exactly those keys.
import { describe, expect, it } from 'vitest';
import { MAX_EXACT_KEY_CHARS, escapeValue, indicatorKey, isExactKey, signalKeyText } from '../../src/store/indicator-keys.ts';

/** The inverse of escapeValue, written independently: the test of "reversible, so two values never share a key". */
function unescape(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; ) {
    if (key[i] !== 'z') {
      out += key[i];
      i += 1;
    } else if (key[i + 1] === 'u') {
      out += String.fromCharCode(Number.parseInt(key.slice(i + 2, i + 6), 16));
      i += 6;
    } else {
      out += String.fromCharCode(Number.parseInt(key.slice(i + 1, i + 3), 16));
      i += 3;
    }
  }
  return out;
}

const VALUES = ['', 'a', 'z', 'zz', 'y9', 'Z', 'A-B', '198.51.100.7', '2001:db8::1', 'alice@contoso.com', 'Alice@Contoso.com',
  '68398a30-b82d-4f86-9eea-38bc20f4524b', 'x\u0000y', 'é', '日本語', '\ud800', 'a b\tc\n', 'z41', 'zu0041', '<script>"\'', '-'];

describe('indicator keys', () => {
  it('escapes every value to letters a-z and digits only, reversibly (distinct values, distinct keys)', () => {
    for (const value of VALUES) {
      const escaped = escapeValue(value);
      expect(escaped).toMatch(/^[a-z0-9]*$/);
      expect(unescape(escaped)).toBe(value);
    }
    expect(new Set(VALUES.map(escapeValue)).size).toBe(VALUES.length);
  });

  it('keeps runs of a-y and digits as they are and escapes each other character on its own', () => {
    expect(escapeValue('abc123')).toBe('abc123');
    expect(escapeValue('a.b')).toBe('az2eb');
    expect(escapeValue('..')).toBe('z2ez2e');
    expect(escapeValue('z')).toBe('z7a');
    expect(escapeValue('\u65e5')).toBe('zu65e5');
  });

  it('hashes values whose escaped form is longer than the exact limit', () => {
    const long = 'a'.repeat(MAX_EXACT_KEY_CHARS + 1);
    expect(isExactKey(long)).toBe(false);
    expect(indicatorKey('url', long)).toMatch(/^i[0-9a-f]{6}h[0-9a-f]{40}$/);
    expect(isExactKey('a'.repeat(MAX_EXACT_KEY_CHARS))).toBe(true);
  });

  it('lists every typed key of a signal once per type and value, space-separated, skipping non-strings', () => {
    const indicators = { ip: ['198.51.100.7', '203.0.113.9'], email: ['alice@contoso.com'], upn: ['alice@contoso.com'], host: [42] };
    const text = signalKeyText(indicators as never);
    expect(text.split(' ')).toEqual([
      indicatorKey('ip', '198.51.100.7'),
      indicatorKey('ip', '203.0.113.9'),
      indicatorKey('email', 'alice@contoso.com'),
      indicatorKey('upn', 'alice@contoso.com'),
    ]);
    expect(indicatorKey('email', 'alice@contoso.com')).not.toBe(indicatorKey('upn', 'alice@contoso.com'));
    expect(signalKeyText({})).toBe('');
  });
});
