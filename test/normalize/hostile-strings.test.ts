// Hostile strings (HTML, SQL quotes, 20 kB values, control characters, odd Unicode) and hostile shapes never break
// a normalizer: it returns a signal, and the strings come back byte-for-byte in the fields, title and text that use
// them (titles being one line, their line breaks read as spaces).
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../src/core/check-ids.ts';
import type { CheckId } from '../../src/core/check-ids.ts';
import { normalize } from '../../src/normalize/normalizers.ts';
import { SEVERITIES, SIGNAL_KINDS } from '../../src/signals/signal.ts';
import type { NormalizeContext, Signal } from '../../src/signals/signal.ts';

const HOSTILE = [
  '<script>alert("x")</script><img src=x onerror=alert(1)>',
  `Robert'); DROP TABLE signals;-- "double" 'single' \`back\``,
  `${'A'.repeat(20 * 1024)}<end>`,
  'ctrl \u0000\u0001\u0007\u001b[31mred\u001b[0m\t\u007f\u0085 end',
  'line1\nline2\r\nline3\u2028line4\rline5',
  '\u202eRTL \ud83d\ude00 emoji \ud800 lone surrogate \ufeff',
  '%s %d ${x} {{x}} \\u0000 \\ end\\',
];

const ctx = (check: CheckId, over: Partial<NormalizeContext> = {}): NormalizeContext => ({
  integration: 'contoso',
  check,
  recordId: 'rec-1',
  version: 'v1',
  tenantId: 'tenant-1',
  time: '2025-06-10T10:00:00.000Z',
  ...over,
});

const asTitle = (h: string): string => h.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');

/** A record of `check` with `h` in the fields its title, text and artifacts use. */
function hostileRecord(check: CheckId, h: string): Record<string, unknown> {
  switch (check) {
    case 'auditLogs.signIns':
      return {
        id: 'x',
        createdDateTime: '2025-06-10T09:00:00Z',
        userPrincipalName: h,
        appDisplayName: h,
        ipAddress: '203.0.113.7',
        userAgent: h,
        status: { errorCode: 50126, failureReason: h, additionalDetails: h },
        location: { city: h, state: null, countryOrRegion: 'US' },
      };
    case 'auditLogs.directoryAudits':
      return {
        id: 'x',
        activityDateTime: '2025-06-10T09:00:00Z',
        activityDisplayName: h,
        result: 'failure',
        resultReason: h,
        initiatedBy: { user: { id: 'u', userPrincipalName: h, ipAddress: h } },
        targetResources: [{ id: 'g', displayName: h, type: 'Group', modifiedProperties: [{ displayName: 'Group.DisplayName', oldValue: null, newValue: JSON.stringify(h) }] }],
        additionalDetails: [{ key: 'User-Agent', value: h }],
      };
    case 'security.alerts_v2':
      return {
        id: 'x',
        title: h,
        description: h,
        severity: h,
        createdDateTime: '2025-06-10T09:00:00Z',
        evidence: [
          { '@odata.type': '#microsoft.graph.security.analyzedMessageEvidence', subject: h, urls: [h], senderIp: h },
          { '@odata.type': '#microsoft.graph.security.urlEvidence', url: h },
          { '@odata.type': '#microsoft.graph.security.processEvidence', processCommandLine: h },
          { '@odata.type': h, note: h },
        ],
      };
    case 'security.incidents':
      return { id: 'x', displayName: h, description: h, severity: 'High', createdDateTime: '2025-06-10T09:00:00Z', comments: [{ comment: h, createdBy: h }] };
    case 'identityProtection.riskDetections':
      return {
        id: 'x',
        riskEventType: h,
        riskLevel: 'high',
        userPrincipalName: h,
        detectedDateTime: '2025-06-10T09:00:00Z',
        additionalInfo: JSON.stringify([{ Key: 'userAgent', Value: h }]),
      };
    case 'identityProtection.riskyUsers':
      return { id: 'x', userPrincipalName: h, userDisplayName: h, riskLevel: 'high', riskState: 'atRisk', riskLastUpdatedDateTime: '2025-06-10T09:00:00Z' };
    case 'security.secureScores':
      return { id: 'x', currentScore: 1, maxScore: 2, createdDateTime: '2025-06-10T00:00:00Z', controlScores: [{ controlName: h, controlCategory: h }] };
    case 'users':
      return { id: 'x', userPrincipalName: h, displayName: h, jobTitle: h };
  }
}

function expectValidSignal(s: Signal, check: CheckId): void {
  expect(s.check).toBe(check);
  expect(SIGNAL_KINDS).toContain(s.kind);
  expect(SEVERITIES).toContain(s.severity);
  expect(s.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  expect(typeof s.title).toBe('string');
  expect(s.title).not.toMatch(/[\r\n\u2028\u2029]/);
  // Stored as JSON: it must survive the round trip unchanged.
  expect(JSON.parse(JSON.stringify(s))).toEqual(s);
}

describe('hostile strings', () => {
  for (const check of CHECK_IDS) {
    it(`${check}: returns a signal and keeps every hostile string byte-for-byte where it is used`, () => {
      for (const h of HOSTILE) {
        const s = normalize(hostileRecord(check, h), ctx(check));
        expectValidSignal(s, check);
        expect(s.text.includes(h), `text keeps ${JSON.stringify(h.slice(0, 40))}`).toBe(true);
        if (check !== 'security.secureScores') expect(s.title.includes(asTitle(h)), `title keeps ${JSON.stringify(h.slice(0, 40))}`).toBe(true);
      }
    });
  }

  it('keeps hostile strings byte-for-byte in artifact fields, including an unknown evidence type named by one', () => {
    for (const h of HOSTILE) {
      const s = normalize(hostileRecord('security.alerts_v2', h), ctx('security.alerts_v2'));
      const [message, url, process, unknown] = s.artifacts;
      expect(message?.fields.subject).toBe(h);
      expect(message?.fields.urls).toEqual([h]);
      expect(url?.fields.url).toBe(h);
      expect(process?.fields.processCommandLine).toBe(h);
      expect(unknown?.type).toBe(`unknown:${h}`);
      expect(unknown?.fields.note).toBe(h);
      expect(s.severity).toBe('low');
    }
  });

  it('keeps hostile actor and target names byte-for-byte', () => {
    for (const h of HOSTILE) {
      const audit = normalize(hostileRecord('auditLogs.directoryAudits', h), ctx('auditLogs.directoryAudits'));
      expect(audit.actor?.upn).toBe(h);
      expect(audit.targets.some((t) => t.name === h)).toBe(true);
      const signIn = normalize(hostileRecord('auditLogs.signIns', h), ctx('auditLogs.signIns'));
      expect(signIn.actor?.upn).toBe(h);
      expect(signIn.location?.city).toBe(h);
    }
  });
});

describe('hostile shapes', () => {
  const WRONG = {
    id: 5,
    createdDateTime: 'yesterday',
    activityDateTime: { at: 1 },
    status: 'failed',
    location: [],
    initiatedBy: 'someone',
    targetResources: { 0: 'x' },
    evidence: [null, 1, 'a', [], {}, { '@odata.type': 7 }],
    comments: 7,
    additionalInfo: '{not json',
    riskLevel: 42,
    severity: ['high'],
    controlScores: null,
    currentScore: 'lots',
    '@removed': 'yes',
    userPrincipalName: { upn: 'a@b.c' },
    title: null,
    displayName: 0,
  };

  for (const check of CHECK_IDS) {
    it(`${check}: a record of wrong types still yields a signal`, () => {
      expectValidSignal(normalize(WRONG, ctx(check)), check);
    });

    it(`${check}: something that is not an object yields a minimal signal`, () => {
      for (const v of [null, 42, 'text', [], [{ id: 'x' }], undefined, true]) {
        const s = normalize(v, ctx(check));
        expectValidSignal(s, check);
        expect(s.recordId).toBe('rec-1');
        expect(s.title).toContain('rec-1');
        expect(s.indicators).toEqual({});
        expect(s.time).toBe('2025-06-10T10:00:00.000Z');
      }
    });

    it(`${check}: a record whose properties throw when read yields a generic signal`, () => {
      const rec: Record<string, unknown> = {};
      for (const k of ['id', 'status', 'title', 'displayName', 'evidence', 'initiatedBy', 'userPrincipalName', 'riskLevel', 'currentScore', 'createdDateTime', '@removed']) {
        Object.defineProperty(rec, k, { enumerable: true, get: () => { throw new Error('boom'); } });
      }
      const s = normalize(rec, ctx(check));
      expectValidSignal(s, check);
      expect(s.title).toContain('rec-1');
    });
  }

  it('turns every odd evidence entry into an artifact instead of dropping it', () => {
    const s = normalize({ id: 'a', title: 't', evidence: WRONG.evidence }, ctx('security.alerts_v2'));
    expect(s.artifacts.map((a) => a.type)).toEqual(['unknown:', 'unknown:', 'unknown:', 'unknown:', 'unknown:', 'unknown:']);
    expect(s.artifacts[2]?.fields).toEqual({ $: 'a' });
  });

  it('survives deeply nested and very wide unknown evidence', () => {
    let deep: Record<string, unknown> = { leaf: '203.0.113.9' };
    for (let i = 0; i < 5000; i++) deep = { d: deep };
    const wide = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, `v${i}`]));
    const s = normalize({ id: 'a', title: 't', evidence: [{ '@odata.type': '#x.deep', deep }, { '@odata.type': '#x.wide', ...wide }] }, ctx('security.alerts_v2'));
    expect(s.artifacts).toHaveLength(2);
    expect(Object.keys(s.artifacts[1]?.fields ?? {}).length).toBeLessThanOrEqual(10_000);
  });
});
