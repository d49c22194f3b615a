import { describe, expect, it } from 'vitest';
import { accountLockout } from '../../src/detections/rules/account-lockout.ts';
import { MINUTE, START, findRecord, records, run, signIn, userFields } from './detection-fixtures.ts';

type R = Record<string, unknown>;

describe('account-lockout', () => {
  it('fires on the simulator\'s 50053 sign-ins and on nothing else', () => {
    const all = records('auditLogs.signIns');
    const locked = all.filter((r) => (r.status as R).errorCode === 50053);
    expect(locked.length).toBeGreaterThan(0);
    const alerts = run([accountLockout], all.map((record) => ({ check: 'auditLogs.signIns' as const, record })));
    const ids = new Set(alerts.flatMap((a) => a.signals.map((s) => s.recordId)));
    expect(ids).toEqual(new Set(locked.map((r) => r.id as string)));
  });

  it('raises one alert per user per hour and counts the lockouts it absorbs', () => {
    const base = findRecord('auditLogs.signIns', (r) => (r.status as R).errorCode === 50053);
    const items = [0, 30, 60, 61].map((m) => ({ check: 'auditLogs.signIns' as const, record: signIn(base, { ...userFields(7), at: START + m * MINUTE }) }));
    const alerts = run([accountLockout], items);
    expect(alerts.map((a) => a.absorbed)).toEqual([0, 1, 2, 0]);
    expect(alerts[0]!.title).toMatch(/^Account locked out: .+ \(from .+\)$/);
  });
});
