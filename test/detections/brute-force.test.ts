import { describe, expect, it } from 'vitest';
import { bruteForce } from '../../src/detections/rules/brute-force.ts';
import { MINUTE, START, baseSignIn, run, signIn, userFields } from './detection-fixtures.ts';
import type { Item } from './detection-fixtures.ts';

const base = baseSignIn();
const failures = (n: number, stepMs: number, over: Record<string, unknown> = {}): Item[] =>
  Array.from({ length: n }, (_, i) => ({ check: 'auditLogs.signIns' as const, record: signIn(base, { ...userFields(3), errorCode: 50126, at: START + i * stepMs, ipAddress: `203.0.113.${i}`, ...over }) }));

describe('brute-force', () => {
  it('fires on the tenth failed password of one user within 10 minutes', () => {
    const alerts = run([bruteForce], failures(10, MINUTE));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ ruleId: 'brute-force', severity: 'medium', absorbed: 0 });
    expect(alerts[0]!.title).toMatch(/^Brute force against .+@fabrikam-7\.example\.com: 10 failed sign-ins \(last from 203\.0\.113\.9\)$/);
    expect(alerts[0]!.signals).toHaveLength(10);
  });

  it('counts lockouts (50053) as failed passwords too', () => {
    expect(run([bruteForce], [...failures(9, MINUTE), ...failures(1, MINUTE, { errorCode: 50053, at: START + 9 * MINUTE })])).toHaveLength(1);
  });

  it('is silent on nine failures, and on ten spread over more than 10 minutes', () => {
    expect(run([bruteForce], failures(9, MINUTE))).toHaveLength(0);
    // 10 events 67 s apart span 603 s: one more than the window.
    expect(run([bruteForce], failures(10, 67_000))).toHaveLength(0);
    expect(run([bruteForce], failures(10, 66_666))).toHaveLength(1);
  });

  it('is silent on other failures (MFA, Conditional Access) and on successes', () => {
    expect(run([bruteForce], failures(12, MINUTE, { errorCode: 53003 }))).toHaveLength(0);
    expect(run([bruteForce], failures(12, MINUTE, { errorCode: 0 }))).toHaveLength(0);
  });

  it('absorbs further failures of the same user into the open alert', () => {
    const alerts = run([bruteForce], failures(15, 30_000));
    expect(alerts.filter((a) => a.absorbed === 0)).toHaveLength(1);
    expect(alerts.at(-1)!.absorbed).toBe(5);
  });
});
