// Indicator normalization: the rules ingest and search share (IPv6 canonical form, URL → domain, hashes, ids, dedupe).
import { describe, expect, it } from 'vitest';
import { IndicatorSet, MAX_INDICATOR_LENGTH, normalizeIndicator, normalizeQueryValue } from '../../src/normalize/indicators.ts';
import { INDICATOR_TYPES } from '../../src/signals/signal.ts';

describe('normalizeIndicator', () => {
  it('writes IPv6 addresses in RFC 5952 form: lower-case, no leading zeros, the longest zero run compressed', () => {
    expect(normalizeIndicator('ip', '2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(normalizeIndicator('ip', '2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(normalizeIndicator('ip', '1:0:0:2:0:0:0:3')).toBe('1:0:0:2::3');
    expect(normalizeIndicator('ip', '2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(normalizeIndicator('ip', '0:0:0:0:0:0:0:0')).toBe('::');
    expect(normalizeIndicator('ip', '[2001:db8::1]')).toBe('2001:db8::1');
  });

  it('keeps IPv4-mapped IPv6 addresses in dotted form, however they were written', () => {
    expect(normalizeIndicator('ip', '::FFFF:1.2.3.4')).toBe('::ffff:1.2.3.4');
    expect(normalizeIndicator('ip', '0:0:0:0:0:ffff:0102:0304')).toBe('::ffff:1.2.3.4');
  });

  it('drops leading zeros from IPv4 and refuses addresses that do not parse', () => {
    expect(normalizeIndicator('ip', ' 010.001.002.003 ')).toBe('10.1.2.3');
    expect(normalizeIndicator('ip', '203.0.113.7')).toBe('203.0.113.7');
    expect(normalizeIndicator('ip', '123.456.7.89')).toBeNull();
    expect(normalizeIndicator('ip', '1.2.3')).toBeNull();
    expect(normalizeIndicator('ip', 'String')).toBeNull();
    expect(normalizeIndicator('ip', '2001:db8::1::2')).toBeNull();
  });

  it('lower-cases domains and removes the trailing dot; single labels and numbers are not domains', () => {
    expect(normalizeIndicator('domain', 'Contoso.COM.')).toBe('contoso.com');
    expect(normalizeIndicator('domain', 'tempDns')).toBeNull();
    expect(normalizeIndicator('domain', '1.2.3.4')).toBeNull();
    expect(normalizeIndicator('domain', 'a b.com')).toBeNull();
  });

  it('lower-cases emails and UPNs and refuses placeholders', () => {
    expect(normalizeIndicator('email', ' Alice@Contoso.com ')).toBe('alice@contoso.com');
    expect(normalizeIndicator('upn', 'bob_fabrikam.com#EXT#@contoso.onmicrosoft.com')).toBe('bob_fabrikam.com#ext#@contoso.onmicrosoft.com');
    expect(normalizeIndicator('upn', 'String')).toBeNull();
    expect(normalizeIndicator('email', 'userPrincipalName-value')).toBeNull();
  });

  it('accepts hashes of the right length only, in lower-case hex', () => {
    expect(normalizeIndicator('md5', 'D41D8CD98F00B204E9800998ECF8427E')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(normalizeIndicator('sha1', '5f1e8acedc065031aad553b710838eb366cfee9a')).toBe('5f1e8acedc065031aad553b710838eb366cfee9a');
    expect(normalizeIndicator('sha256', '8963A19FB992AD9A76576C5638FD68292CFFB9AAAC29EB8285F9ABF6196A7DEC')).toBe(
      '8963a19fb992ad9a76576c5638fd68292cffb9aaac29eb8285f9abf6196a7dec',
    );
    expect(normalizeIndicator('sha1', '8963a19fb992ad9a76576c5638fd68292cffb9aaac29eb8285f9abf6196a7dec')).toBeNull();
    expect(normalizeIndicator('md5', 'zz1d8cd98f00b204e9800998ecf8427e')).toBeNull();
  });

  it('lower-cases GUID-like ids and ignores the all-zero GUID', () => {
    expect(normalizeIndicator('user_id', '26BE570A-AE82-4189-B4E2-A37C6808512D')).toBe('26be570a-ae82-4189-b4e2-a37c6808512d');
    expect(normalizeIndicator('user_id', '00000000-0000-0000-0000-000000000000')).toBeNull();
  });

  it('keeps URLs and command lines as given, trimmed', () => {
    expect(normalizeIndicator('url', '  https://Evil.Example/Login?ID=1 ')).toBe('https://Evil.Example/Login?ID=1');
    expect(normalizeIndicator('command_line', ' "MsSense.exe" -X ')).toBe('"MsSense.exe" -X');
    expect(normalizeIndicator('url', 'not a url')).toBeNull();
  });

  it('strips the angle brackets of internet message ids', () => {
    expect(normalizeIndicator('message_id', '<ABC123@Mail.Example>')).toBe('abc123@mail.example');
  });

  it('refuses values too long to index', () => {
    expect(normalizeIndicator('command_line', 'x'.repeat(MAX_INDICATOR_LENGTH + 1))).toBeNull();
    expect(normalizeIndicator('command_line', 'x'.repeat(MAX_INDICATOR_LENGTH))).not.toBeNull();
  });
});

describe('IndicatorSet', () => {
  it('adds the host of every URL as a domain, or as an ip for IP hosts', () => {
    const s = new IndicatorSet();
    s.add('url', 'https://user@Login.Evil.Example.:8443/a?b#c');
    s.add('url', 'http://[2001:DB8:0::1]/x');
    s.add('url', 'http://198.51.100.4/payload');
    s.add('url', 'phish.example/verify');
    expect(s.toJSON()).toEqual({
      ip: ['198.51.100.4', '2001:db8::1'],
      domain: ['login.evil.example', 'phish.example'],
      url: ['http://198.51.100.4/payload', 'http://[2001:DB8:0::1]/x', 'https://user@Login.Evil.Example.:8443/a?b#c', 'phish.example/verify'],
    });
  });

  it('dedupes values that normalize to the same text and keeps only types that hold a value', () => {
    const s = new IndicatorSet();
    s.add('ip', '2001:DB8::1');
    s.add('ip', '2001:db8:0:0:0:0:0:1');
    s.add('email', 'Alice@Contoso.com');
    s.add('email', 'alice@contoso.com');
    s.add('sha256', 'not-a-hash');
    s.add('process_id', 4780);
    s.add('user_id', null);
    expect(s.toJSON()).toEqual({ ip: ['2001:db8::1'], email: ['alice@contoso.com'], process_id: ['4780'] });
    expect(s.size).toBe(3);
  });

  it('returns sorted arrays', () => {
    const s = new IndicatorSet();
    for (const ip of ['203.0.113.9', '192.0.2.1', '198.51.100.3']) s.add('ip', ip);
    expect(s.toJSON().ip).toEqual(['192.0.2.1', '198.51.100.3', '203.0.113.9']);
  });
});

describe('normalizeQueryValue', () => {
  it('guesses an IP as an ip, in canonical form', () => {
    expect(normalizeQueryValue('2001:DB8::0:1')).toEqual([{ type: 'ip', value: '2001:db8::1' }]);
  });

  it('guesses an address as email, upn and mailbox', () => {
    const types = normalizeQueryValue('Alice@Contoso.com').map((c) => c.type);
    expect(types).toEqual(expect.arrayContaining(['email', 'upn', 'mailbox']));
    expect(normalizeQueryValue('Alice@Contoso.com').every((c) => c.value === 'alice@contoso.com')).toBe(true);
  });

  it('guesses hex of hash length as that hash', () => {
    expect(normalizeQueryValue('D41D8CD98F00B204E9800998ECF8427E')).toEqual([{ type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' }]);
    expect(normalizeQueryValue('5f1e8acedc065031aad553b710838eb366cfee9a').map((c) => c.type)).toContain('sha1');
  });

  it('guesses a URL as a url kept as typed, and a domain as domain and host', () => {
    expect(normalizeQueryValue(' https://Evil.Example/x ')).toEqual([{ type: 'url', value: 'https://Evil.Example/x' }]);
    const d = normalizeQueryValue('Evil.Example');
    expect(d).toEqual(expect.arrayContaining([{ type: 'domain', value: 'evil.example' }, { type: 'host', value: 'evil.example' }]));
  });

  it('guesses a GUID as every id type', () => {
    const types = normalizeQueryValue('26BE570A-AE82-4189-B4E2-A37C6808512D').map((c) => c.type);
    expect(types).toEqual(expect.arrayContaining(['user_id', 'device_id', 'app_id', 'service_principal_id', 'correlation_id']));
  });

  it('falls back to the name-like types, lower-cased', () => {
    const c = normalizeQueryValue('DESKTOP-7QK2M9P');
    expect(c).toEqual(expect.arrayContaining([{ type: 'host', value: 'desktop-7qk2m9p' }, { type: 'user_name', value: 'desktop-7qk2m9p' }]));
    expect(normalizeQueryValue('   ')).toEqual([]);
  });
});

describe('normalization is stable', () => {
  it('leaves an already normalized value unchanged, for every type', () => {
    const samples = [
      ' 2001:0DB8::0:1%ETH0 ', '::ffff:0102:0304', '010.1.1.1', 'Evil.Example.', 'https://X.example/A ', 'phish.example/x', 'Alice@Contoso.COM',
      'D41D8CD98F00B204E9800998ECF8427E', '5F1E8ACEDC065031AAD553B710838EB366CFEE9A', '<<ABC@x.example>>', ' C:\\Windows\\System32 ', '"cmd.exe" /c X',
      '26BE570A-AE82-4189-B4E2-A37C6808512D', 'US', '4780', 'DESKTOP-1',
    ];
    for (const type of INDICATOR_TYPES) {
      for (const v of samples) {
        const once = normalizeIndicator(type, v);
        if (once !== null) expect(normalizeIndicator(type, once), `${type} ${v}`).toBe(once);
      }
    }
  });
});
