import { describe, expect, it } from 'vitest';
import { legacyProtocolSignIn } from '../../src/detections/rules/legacy-protocol-sign-in.ts';
import { HOUR, START, baseSignIn, findRecord, run, signIn } from './detection-fixtures.ts';

type R = Record<string, unknown>;
// The simulator's legacy sign-ins: an old mail client over basic auth to Exchange Online.
const legacy = findRecord('auditLogs.signIns', (r) => ['IMAP4', 'POP3', 'Authenticated SMTP', 'Exchange ActiveSync', 'Other clients'].includes(r.clientAppUsed as string));

describe('legacy-protocol-sign-in', () => {
  it('fires on a successful sign-in over a legacy protocol', () => {
    const [a] = run([legacyProtocolSignIn], [{ check: 'auditLogs.signIns', record: signIn(legacy, { errorCode: 0, clientAppUsed: 'IMAP4', at: START }) }]);
    expect(a).toMatchObject({ ruleId: 'legacy-protocol-sign-in', severity: 'medium' });
    expect(a!.title).toMatch(/over IMAP4 from /);
  });

  it('is silent when the legacy attempt was blocked, and on modern clients', () => {
    expect(run([legacyProtocolSignIn], [{ check: 'auditLogs.signIns', record: signIn(legacy, { errorCode: 53003 }) }])).toHaveLength(0);
    expect(run([legacyProtocolSignIn], [{ check: 'auditLogs.signIns', record: signIn(baseSignIn(), {}) }])).toHaveLength(0);
    expect(run([legacyProtocolSignIn], [{ check: 'auditLogs.signIns', record: signIn(legacy, { errorCode: 0, clientAppUsed: 'Mobile Apps and Desktop clients' }) }])).toHaveLength(0);
  });

  it('raises one alert per user and protocol per day, counting the rest', () => {
    const items = [0, 5, 23].map((h) => ({ check: 'auditLogs.signIns' as const, record: signIn(legacy, { errorCode: 0, clientAppUsed: 'POP3', at: START + h * HOUR }) }));
    items.push({ check: 'auditLogs.signIns', record: signIn(legacy, { errorCode: 0, clientAppUsed: 'Authenticated SMTP', at: START + HOUR }) });
    const alerts = run([legacyProtocolSignIn], items);
    expect(alerts.map((a) => [a.fields.protocol, a.absorbed])).toEqual([
      ['POP3', 0],
      ['POP3', 1],
      ['POP3', 2],
      ['Authenticated SMTP', 0],
    ]);
    expect((legacy.status as R).errorCode).toBeDefined();
  });
});
