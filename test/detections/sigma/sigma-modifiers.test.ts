// Sigma value matching: plain values (case, wildcards, escapes, numbers, null, lists) and every value modifier.
import { describe, expect, it } from 'vitest';
import { base64OffsetVariants, buildValueMatcher, parseIp, windashVariants } from '../../../src/detections/sigma/sigma-modifiers.ts';
import type { SigmaScalar } from '../../../src/detections/sigma/sigma-modifiers.ts';

function matcher(modifiers: string[], values: SigmaScalar[]): (v: unknown) => boolean {
  const built = buildValueMatcher(modifiers, values);
  if (!built.ok) throw new Error(built.reason);
  return built.match;
}

function refused(modifiers: string[], values: SigmaScalar[]): string {
  const built = buildValueMatcher(modifiers, values);
  if (built.ok) throw new Error(`expected ${modifiers.join('|')} to be refused`);
  return built.reason;
}

describe('Sigma plain values', () => {
  it('compare whole strings case-insensitively', () => {
    const m = matcher([], ['Success']);
    expect(m('success')).toBe(true);
    expect(m('SUCCESS')).toBe(true);
    expect(m('Successful')).toBe(false);
    expect(m(undefined)).toBe(false);
  });

  it('treat * as any run and ? as one character', () => {
    expect(matcher([], ['Add * to role'])('Add member to role')).toBe(true);
    expect(matcher([], ['Add * to role'])('Add member to group')).toBe(false);
    expect(matcher([], ['50?26'])('50126')).toBe(true);
    expect(matcher([], ['50?26'])('5026')).toBe(false);
  });

  it('read \\* \\? and \\\\ as literal characters and any other backslash as itself', () => {
    expect(matcher([], ['a\\*b'])('a*b')).toBe(true);
    expect(matcher([], ['a\\*b'])('axxb')).toBe(false);
    expect(matcher([], ['what\\?'])('what?')).toBe(true);
    expect(matcher([], ['what\\?'])('whatx')).toBe(false);
    expect(matcher([], ['C:\\\\temp'])('C:\\temp')).toBe(true);
    expect(matcher([], ['C:\\Windows'])('C:\\Windows')).toBe(true);
    expect(matcher([], ['C:\\\\*'])('C:\\anything')).toBe(true);
  });

  it('compare numbers as text, against strings and numbers alike', () => {
    expect(matcher([], [50126])('50126')).toBe(true);
    expect(matcher([], [50126])(50126)).toBe(true);
    expect(matcher([], [0])('50126')).toBe(false);
    expect(matcher([], [false])(false)).toBe(true);
    expect(matcher([], ['false'])(false)).toBe(true);
  });

  it('match null against absent and null fields only', () => {
    const m = matcher([], [null]);
    expect(m(undefined)).toBe(true);
    expect(m(null)).toBe(true);
    expect(m('')).toBe(false);
    expect(matcher([], [''])('')).toBe(true);
    expect(matcher([], [''])(null)).toBe(false);
  });

  it('treat a list as OR, and as AND with all', () => {
    expect(matcher([], ['IMAP', 'POP3'])('pop3')).toBe(true);
    expect(matcher([], ['IMAP', 'POP3'])('SMTP')).toBe(false);
    expect(matcher(['contains', 'all'], ['Add', 'role'])('Add member to role')).toBe(true);
    expect(matcher(['contains', 'all'], ['Add', 'group'])('Add member to role')).toBe(false);
  });

  it('match arrays by any element and objects by their JSON text', () => {
    expect(matcher([], ['b'])(['a', 'b'])).toBe(true);
    expect(matcher([], ['[]'])([])).toBe(true);
    expect(matcher(['contains'], ['"type":"User"'])({ id: 1, type: 'User' })).toBe(true);
  });
});

describe('Sigma modifiers', () => {
  it('contains, startswith and endswith', () => {
    expect(matcher(['contains'], ['hound'])('AzureHound/1.2')).toBe(true);
    expect(matcher(['contains'], ['hound'])('curl')).toBe(false);
    expect(matcher(['startswith'], ['azure'])('AzureHound')).toBe(true);
    expect(matcher(['startswith'], ['hound'])('AzureHound')).toBe(false);
    expect(matcher(['endswith'], ['hound'])('AzureHound')).toBe(true);
    expect(matcher(['endswith'], ['azure'])('AzureHound')).toBe(false);
    expect(matcher(['contains'], ['a*c'])('xxabbbcxx')).toBe(true);
  });

  it('cased makes matching case-sensitive', () => {
    expect(matcher(['cased'], ['Success'])('success')).toBe(false);
    expect(matcher(['contains', 'cased'], ['Hound'])('AzureHound')).toBe(true);
  });

  it('re is case-sensitive unless i, with m and s flags', () => {
    expect(matcher(['re'], ['^Add .* role$'])('Add member to role')).toBe(true);
    expect(matcher(['re'], ['^add'])('Add member')).toBe(false);
    expect(matcher(['re', 'i'], ['^add'])('Add member')).toBe(true);
    expect(matcher(['re', 'm'], ['^second$'])('first\nsecond')).toBe(true);
    expect(matcher(['re'], ['^second$'])('first\nsecond')).toBe(false);
    expect(matcher(['re', 's'], ['first.second'])('first\nsecond')).toBe(true);
    expect(matcher(['re'], ['first.second'])('first\nsecond')).toBe(false);
    expect(refused(['re'], ['('])).toMatch(/invalid regular expression/);
    expect(refused(['i'], ['x'])).toMatch(/only valid after "re"/);
  });

  it('cidr matches IPv4 and IPv6 networks', () => {
    const v4 = matcher(['cidr'], ['10.0.0.0/8', '192.168.1.0/24']);
    expect(v4('10.200.3.4')).toBe(true);
    expect(v4('192.168.1.77')).toBe(true);
    expect(v4('192.168.2.1')).toBe(false);
    expect(v4('2001:db8::1')).toBe(false);
    const v6 = matcher(['cidr'], ['2001:db8::/32']);
    expect(v6('2001:db8:1234::5')).toBe(true);
    expect(v6('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe(true);
    expect(v6('2001:db9::1')).toBe(false);
    expect(v6('10.0.0.1')).toBe(false);
    expect(matcher(['cidr'], ['::ffff:0:0/96'])('::ffff:203.0.113.5')).toBe(true);
    expect(refused(['cidr'], ['10.0.0.0/33'])).toMatch(/invalid CIDR/);
    expect(parseIp('1::2::3')).toBeNull();
    expect(parseIp('256.1.1.1')).toBeNull();
  });

  it('base64 matches the encoded value', () => {
    const m = matcher(['base64'], ['hello']);
    expect(m('aGVsbG8=')).toBe(true);
    expect(m('hello')).toBe(false);
    expect(matcher(['base64', 'contains'], ['hello'])('xxaGVsbG8=xx')).toBe(true);
  });

  it('base64offset finds the value at any byte offset inside base64 text', () => {
    const m = matcher(['base64offset', 'contains'], ['/bin/bash']);
    for (const prefix of ['', 'a', 'ab', 'abc']) {
      expect(m(Buffer.from(`${prefix}/bin/bash -c id`).toString('base64'))).toBe(true);
    }
    expect(m(Buffer.from('/bin/sh -c id').toString('base64'))).toBe(false);
    expect(base64OffsetVariants(Buffer.from('/bin/bash'))).toEqual(['L2Jpbi9iYXNo', '9iaW4vYmFza', 'vYmluL2Jhc2']);
    expect(refused(['base64offset'], ['x'])).toMatch(/needs "contains"/);
  });

  it('wide / utf16le encode before base64', () => {
    const encoded = Buffer.from('ping', 'utf16le').toString('base64');
    expect(matcher(['wide', 'base64'], ['ping'])(encoded)).toBe(true);
    expect(matcher(['utf16le', 'base64'], ['ping'])(encoded)).toBe(true);
    expect(refused(['wide'], ['ping'])).toMatch(/only supported before "base64"/);
  });

  it('windash lets a word-leading dash or slash stand for every dash form', () => {
    const m = matcher(['windash', 'contains'], [' -enc ']);
    expect(m('powershell /enc abc')).toBe(true);
    expect(m('powershell -enc abc')).toBe(true);
    expect(m('powershell \u2014enc abc')).toBe(true);
    expect(m('powershell \u2013enc abc')).toBe(true);
    expect(m('powershell enc abc')).toBe(false);
    // A dash inside a word is not a switch.
    expect(matcher(['windash'], ['a-b'])('a/b')).toBe(false);
    // Every switch varies on its own.
    expect(matcher(['windash', 'contains'], ['-a -b'])('x /a \u2015b')).toBe(true);
  });

  it('windash spells out every dash combination before base64', () => {
    expect(windashVariants('-enc x')).toEqual(['-enc x', '/enc x', '\u2013enc x', '\u2014enc x', '\u2015enc x']);
    expect(windashVariants('-a -b')).toHaveLength(25);
    expect(windashVariants('a-b')).toEqual(['a-b']);
    expect(matcher(['windash', 'base64'], ['-x'])(Buffer.from('/x').toString('base64'))).toBe(true);
    expect(refused(['windash', 'base64'], ['-a -b -c -d -e'])).toMatch(/at most 4 dashes/);
  });

  it('exists tests presence only: null and empty values exist', () => {
    expect(matcher(['exists'], [true])('x')).toBe(true);
    expect(matcher(['exists'], [true])('')).toBe(true);
    expect(matcher(['exists'], [true])(null)).toBe(true);
    expect(matcher(['exists'], [true])(undefined)).toBe(false);
    expect(matcher(['exists'], [false])(undefined)).toBe(true);
    expect(matcher(['exists'], [false])(null)).toBe(false);
    expect(refused(['exists'], ['yes'])).toMatch(/one boolean/);
  });

  it('neq matches a present field that differs from every value', () => {
    const m = matcher(['neq'], ['Success', 'Interrupted']);
    expect(m('Failure')).toBe(true);
    expect(m('success')).toBe(false);
    expect(m('Interrupted')).toBe(false);
    expect(m(undefined)).toBe(false);
    expect(matcher(['neq'], [0])('50126')).toBe(true);
    expect(matcher(['neq'], [0])(0)).toBe(false);
  });

  it('time modifiers compare a UTC part of an ISO date-time', () => {
    const at = '2026-11-23T22:15:30.123Z'; // a Monday, ISO week 48
    expect(matcher(['hour'], [22])(at)).toBe(true);
    expect(matcher(['hour'], [21])(at)).toBe(false);
    expect(matcher(['hour', 'gte'], [20])(at)).toBe(true);
    expect(matcher(['hour', 'lt'], [6])(at)).toBe(false);
    expect(matcher(['minute'], [15])(at)).toBe(true);
    expect(matcher(['day'], [23])(at)).toBe(true);
    expect(matcher(['week'], [48])(at)).toBe(true);
    expect(matcher(['week'], [1])('2027-01-04T00:00:00Z')).toBe(true);
    expect(matcher(['week'], [53])('2026-12-31T00:00:00Z')).toBe(true);
    expect(matcher(['month'], [11])(at)).toBe(true);
    expect(matcher(['year'], [2026])(at)).toBe(true);
    expect(matcher(['year', 'neq'], [2026])(at)).toBe(false);
    expect(matcher(['hour'], [22])('not a date')).toBe(false);
    expect(matcher(['hour'], [22])('22')).toBe(false);
  });

  it('lt, lte, gt and gte compare numbers', () => {
    expect(matcher(['lt'], [10])('9')).toBe(true);
    expect(matcher(['lt'], [10])(10)).toBe(false);
    expect(matcher(['lte'], [10])(10)).toBe(true);
    expect(matcher(['gt'], [10])(11)).toBe(true);
    expect(matcher(['gt'], [10])('abc')).toBe(false);
    expect(matcher(['gte'], [10])(10)).toBe(true);
    expect(refused(['gt'], ['ten'])).toMatch(/numeric/);
  });

  it('refuses expand and unknown modifiers with a reason (fieldref is not a value matcher: sigma-fieldref.ts)', () => {
    expect(refused(['expand'], ['%admins%'])).toMatch(/"expand" is not supported/);
    expect(refused(['fieldref'], ['Other'])).toMatch(/"fieldref" compares whole records/);
    expect(refused(['sounds_like'], ['x'])).toMatch(/"sounds_like" is not supported/);
    expect(refused(['contains', 'startswith'], ['x'])).toMatch(/conflicting/);
  });
});
