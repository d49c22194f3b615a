// Parsing Sigma rule YAML: the rule object, compiled predicates on small hand-written rules, and every
// "not supported" / "invalid" reason an operator may see at import time.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSigmaRule } from '../../../src/detections/sigma/compile-sigma-rule.ts';
import { loadSigmaDir } from '../../../src/detections/sigma/load-sigma-dir.ts';
import { parseSigmaRule } from '../../../src/detections/sigma/parse-sigma-rule.ts';
import type { SigmaRule } from '../../../src/detections/sigma/parse-sigma-rule.ts';

function rule(service: string, detection: string, extra = ''): string {
  return [
    'title: Test rule',
    'id: 0b8e2a5c-1111-4222-8333-944455566677',
    'status: experimental',
    'description: A rule for tests',
    'author: azsec',
    'references:',
    '    - https://example.com/rule',
    'tags:',
    '    - attack.t1078',
    'logsource:',
    '    product: azure',
    `    service: ${service}`,
    'detection:',
    detection,
    'falsepositives:',
    '    - Admins',
    'level: high',
    extra,
  ].join('\n');
}

function parsed(text: string): SigmaRule {
  const r = parseSigmaRule(text);
  if (!r.ok) throw new Error(r.reason);
  return r.rule;
}

function reason(text: string): string {
  const r = parseSigmaRule(text);
  if (r.ok) throw new Error('expected the rule to be refused');
  return r.reason;
}

const signIn = (over: Record<string, unknown>): Record<string, unknown> => ({
  id: 's1',
  userPrincipalName: 'adele@contoso.com',
  ipAddress: '203.0.113.7',
  clientAppUsed: 'IMAP4',
  status: { errorCode: 50126, failureReason: 'Invalid username or password or Invalid on-premise username or password.', additionalDetails: null },
  deviceDetail: { deviceId: '', trustType: null, isCompliant: false },
  ...over,
});

describe('parseSigmaRule', () => {
  it('keeps the metadata, logsource and detection of a rule', () => {
    const r = parsed(rule('signinlogs', '    selection:\n        ResultType: 50126\n    condition: selection'));
    expect(r).toMatchObject({
      id: '0b8e2a5c-1111-4222-8333-944455566677',
      title: 'Test rule',
      status: 'experimental',
      level: 'high',
      description: 'A rule for tests',
      author: 'azsec',
      references: ['https://example.com/rule'],
      tags: ['attack.t1078'],
      falsepositives: ['Admins'],
      logsource: { product: 'azure', service: 'signinlogs', category: null },
    });
    expect(r.detection.conditionText).toBe('selection');
    expect(r.detection.selections['selection']).toEqual({ alternatives: [[{ field: 'ResultType', modifiers: [], values: [50126] }]] });
  });

  it('compiles field names case-insensitively, numbers as text and lists as OR', () => {
    const predicate = compileSigmaRule(
      parsed(rule('signinlogs', "    selection:\n        resulttype:\n            - 50053\n            - 50126\n        IPADDRESS|cidr: '203.0.113.0/24'\n    condition: selection")),
    );
    expect(predicate('auditLogs.signIns', signIn({}))).toBe(true);
    expect(predicate('auditLogs.signIns', signIn({ ipAddress: '198.51.100.1' }))).toBe(false);
    expect(predicate('auditLogs.signIns', signIn({ status: { errorCode: 0 } }))).toBe(false);
  });

  it('compiles a list of maps as OR and a map as AND', () => {
    const predicate = compileSigmaRule(
      parsed(rule('signinlogs', "    selection:\n        - ClientAppUsed: 'IMAP4'\n          ResultType: 0\n        - UserPrincipalName|endswith: '@fabrikam.com'\n    condition: selection")),
    );
    expect(predicate('auditLogs.signIns', signIn({}))).toBe(false);
    expect(predicate('auditLogs.signIns', signIn({ status: { errorCode: 0 } }))).toBe(true);
    expect(predicate('auditLogs.signIns', signIn({ userPrincipalName: 'eve@FABRIKAM.com' }))).toBe(true);
  });

  it('searches keywords in every string of the record, with wildcards', () => {
    const predicate = compileSigmaRule(parsed(rule('signinlogs', "    keywords:\n        - '*on-premise*'\n        - 'nothing'\n    condition: keywords")));
    expect(predicate('auditLogs.signIns', signIn({}))).toBe(true);
    expect(predicate('auditLogs.signIns', signIn({ status: { errorCode: 0, failureReason: null } }))).toBe(false);
  });

  it('reads a list of conditions as their OR', () => {
    const predicate = compileSigmaRule(
      parsed(rule('signinlogs', "    a:\n        ResultType: 1\n    b:\n        ClientAppUsed: IMAP4\n    condition:\n        - a\n        - b and not a")),
    );
    expect(predicate('auditLogs.signIns', signIn({}))).toBe(true);
    expect(predicate('auditLogs.signIns', signIn({ clientAppUsed: 'Browser' }))).toBe(false);
  });

  it('matches null and exists against absent fields', () => {
    const predicate = compileSigmaRule(
      parsed(rule('signinlogs', '    selection:\n        DeviceDetail.trustType: null\n        AuthenticationRequirement|exists: false\n    condition: selection')),
    );
    expect(predicate('auditLogs.signIns', signIn({}))).toBe(true);
    expect(predicate('auditLogs.signIns', signIn({ authenticationRequirement: 'singleFactorAuthentication' }))).toBe(false);
    expect(predicate('auditLogs.signIns', signIn({ deviceDetail: { trustType: 'Azure AD joined' } }))).toBe(false);
  });

  it('refuses other logsources', () => {
    expect(reason(rule('activitylogs', '    selection:\n        x: 1\n    condition: selection'))).toMatch(
      /^not supported: logsource product azure service activitylogs/,
    );
    const windows = 'title: W\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        Image: x\n    condition: sel\n';
    expect(reason(windows)).toMatch(/^not supported: logsource product windows service \(none\)/);
  });

  it('refuses aggregations, timeframe, near and correlation rules', () => {
    expect(reason(rule('signinlogs', '    selection:\n        ResultType: 50126\n    condition: selection | count() by IPAddress > 10'))).toMatch(
      /^not supported: aggregation conditions/,
    );
    expect(reason(rule('signinlogs', '    selection:\n        ResultType: 50126\n    timeframe: 10m\n    condition: selection'))).toMatch(/"timeframe"/);
    expect(reason(rule('signinlogs', '    a:\n        ResultType: 1\n    b:\n        ResultType: 2\n    condition: a near b'))).toMatch(/^not supported: "near"/);
    expect(reason('title: C\ncorrelation:\n    type: event_count\n')).toMatch(/^not supported: correlation rules/);
  });

  it('refuses rule collections', () => {
    const text = `${rule('signinlogs', '    selection:\n        ResultType: 1\n    condition: selection')}\n---\n${rule('signinlogs', '    selection:\n        ResultType: 2\n    condition: selection')}`;
    expect(reason(text)).toMatch(/^not supported: rule collections \(2 YAML documents\)/);
  });

  it('refuses unmapped fields, unsupported modifiers and nested maps, naming them', () => {
    expect(reason(rule('signinlogs', '    selection:\n        CommandLine: x\n    condition: selection'))).toBe(
      'not supported: field "CommandLine" has no mapping for service signinlogs',
    );
    expect(reason(rule('auditlogs', "    selection:\n        OperationName|expand: '%ops%'\n    condition: selection"))).toMatch(/"expand" is not supported/);
    expect(reason(rule('auditlogs', '    selection:\n        OperationName:\n            a: b\n    condition: selection'))).toMatch(/nested map/);
  });

  it('reports broken rules as invalid with the problem', () => {
    expect(reason('title: [unclosed')).toMatch(/^invalid YAML/);
    expect(reason('- a\n- b\n')).toMatch(/not a map/);
    expect(reason(rule('signinlogs', '    selection:\n        ResultType: 1'))).toMatch(/condition" is missing/);
    expect(reason(rule('signinlogs', '    selection:\n        ResultType: 1\n    condition: selection and other'))).toMatch(
      /^invalid condition: condition names an undefined selection "other"/,
    );
    const untitled = rule('signinlogs', '    selection:\n        ResultType: 1\n    condition: selection').replace('title: Test rule\n', '');
    expect(reason(untitled)).toMatch(/"title" is missing/);
  });

  it('refuses a rule whose status is "unsupported" and checks status and level values', () => {
    const base = rule('signinlogs', '    selection:\n        ResultType: 1\n    condition: selection');
    expect(reason(base.replace('status: experimental', 'status: unsupported'))).toBe('not supported: the rule\'s status is "unsupported"');
    expect(reason(base.replace('status: experimental', 'status: sometimes'))).toMatch(/^invalid rule: status "sometimes"/);
    expect(reason(base.replace('level: high', 'level: severe'))).toMatch(/^invalid rule: level "severe"/);
    expect(parsed(base.replace('status: experimental', 'status: deprecated')).status).toBe('deprecated');
  });

  it('returns the id and title of a refused rule so an import report can name it', () => {
    const r = parseSigmaRule(rule('signinlogs', '    selection:\n        Nope: 1\n    condition: selection'));
    expect(r).toMatchObject({ ok: false, id: '0b8e2a5c-1111-4222-8333-944455566677', title: 'Test rule' });
  });
});

describe('loadSigmaDir', () => {
  it('reports each YAML file of a folder tree as loaded or not supported, in path order', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'azsec-sigma-'));
    try {
      mkdirSync(path.join(dir, 'sub'));
      writeFileSync(path.join(dir, 'b.yml'), rule('auditlogs', '    selection:\n        Category: Policy\n    condition: selection'));
      writeFileSync(path.join(dir, 'sub', 'a.yaml'), rule('signinlogs', '    selection:\n        Unknown: 1\n    condition: selection'));
      writeFileSync(path.join(dir, 'notes.txt'), 'not a rule');
      const results = await loadSigmaDir(dir);
      expect(results.map((r) => [r.file, r.status])).toEqual([
        ['b.yml', 'loaded'],
        ['sub/a.yaml', 'not_supported'],
      ]);
      const loaded = results[0]!;
      if (loaded.status !== 'loaded') throw new Error('expected loaded');
      expect(loaded.predicate('auditLogs.directoryAudits', { category: 'Policy' })).toBe(true);
      expect(loaded.predicate('auditLogs.signIns', { category: 'Policy' })).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fieldref', () => {
  const compiled = (detection: string) => compileSigmaRule(parsed(rule('signinlogs', detection)));

  it('matches when the field equals the referenced field, case-insensitively unless cased', () => {
    const test = compiled('    selection:\n        UserPrincipalName|fieldref: UserDisplayName\n    condition: selection');
    expect(test('auditLogs.signIns', signIn({ userDisplayName: 'ADELE@contoso.com' }))).toBe(true);
    expect(test('auditLogs.signIns', signIn({ userDisplayName: 'Adele Vance' }))).toBe(false);
    expect(test('auditLogs.signIns', signIn({ userDisplayName: undefined }))).toBe(false);
    const cased = compiled('    selection:\n        UserPrincipalName|fieldref|cased: UserDisplayName\n    condition: selection');
    expect(cased('auditLogs.signIns', signIn({ userDisplayName: 'ADELE@contoso.com' }))).toBe(false);
    expect(cased('auditLogs.signIns', signIn({ userDisplayName: 'adele@contoso.com' }))).toBe(true);
  });

  it('refuses a referenced field without a mapping, a non-name value, or other modifiers, with the reason', () => {
    expect(reason(rule('signinlogs', '    selection:\n        UserPrincipalName|fieldref: NoSuchColumn\n    condition: selection'))).toMatch(/referenced field "NoSuchColumn" has no mapping/);
    expect(reason(rule('signinlogs', '    selection:\n        UserPrincipalName|fieldref: 5\n    condition: selection'))).toMatch(/must be field names/);
    expect(reason(rule('signinlogs', '    selection:\n        UserPrincipalName|fieldref|contains: UserDisplayName\n    condition: selection'))).toMatch(/cannot be combined with "contains"/);
  });
});
