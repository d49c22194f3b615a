import { describe, expect, it } from 'vitest';
import { passwordSpray } from '../../src/detections/rules/password-spray.ts';
import { MINUTE, START, findRecord, run, signIn, userFields } from './detection-fixtures.ts';
import type { Item } from './detection-fixtures.ts';

// The simulator's own spray sign-ins: legacy client, hostile place, invalid password.
const base = findRecord('auditLogs.signIns', (r) => (r.status as { errorCode: number }).errorCode === 50126 && r.clientAppUsed !== 'Browser');
const attempts = (users: number[], stepMs: number, ip = '198.51.100.7', errorCode = 50126): Item[] =>
  users.map((u, i) => ({ check: 'auditLogs.signIns' as const, record: signIn(base, { ...userFields(u), ipAddress: ip, errorCode, at: START + i * stepMs }) }));

describe('password-spray', () => {
  it('fires when five distinct users fail from one IP within 10 minutes', () => {
    const alerts = run([passwordSpray], attempts([1, 2, 3, 4, 5], MINUTE));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ groupKey: '198.51.100.7', severity: 'high', title: 'Password spray from 198.51.100.7: 5 users failed 5 sign-ins' });
  });

  it('counts users, not attempts: one user failing ten times from the IP is silent', () => {
    expect(run([passwordSpray], attempts([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 10_000))).toHaveLength(0);
    expect(run([passwordSpray], attempts([1, 2, 1, 2, 3, 4, 3, 4], 10_000))).toHaveLength(0);
  });

  it('is silent when the fifth user comes after the window, or from another IP', () => {
    expect(run([passwordSpray], attempts([1, 2, 3, 4, 5], 150_001))).toHaveLength(0);
    expect(run([passwordSpray], attempts([1, 2, 3, 4, 5], 150_000))).toHaveLength(1);
    const mixed = [...attempts([1, 2, 3, 4], MINUTE), ...attempts([5], MINUTE, '198.51.100.8')];
    expect(run([passwordSpray], mixed)).toHaveLength(0);
  });

  it('ignores successful sign-ins and non-password failures', () => {
    expect(run([passwordSpray], attempts([1, 2, 3, 4, 5, 6], MINUTE, '198.51.100.7', 0))).toHaveLength(0);
    expect(run([passwordSpray], attempts([1, 2, 3, 4, 5, 6], MINUTE, '198.51.100.7', 500121))).toHaveLength(0);
  });

  it('absorbs the sixth and later users into the open alert', () => {
    const alerts = run([passwordSpray], attempts([1, 2, 3, 4, 5, 6, 7], MINUTE));
    expect(alerts.map((a) => a.absorbed)).toEqual([0, 1, 2]);
  });
});
