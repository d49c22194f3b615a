import { describe, expect, it } from 'vitest';
import { riskySignInSucceeded } from '../../src/detections/rules/risky-sign-in-succeeded.ts';
import { MINUTE, START, baseSignIn, records, run, signIn } from './detection-fixtures.ts';

type R = Record<string, unknown>;
const code = (r: R): unknown => (r.status as R).errorCode;

describe('risky-sign-in-succeeded', () => {
  it('fires on the simulator\'s risky sign-ins that succeeded, and on none of the others', () => {
    const all = records('auditLogs.signIns');
    const alerts = run([riskySignInSucceeded], all.map((record) => ({ check: 'auditLogs.signIns' as const, record })));
    const risky = all.filter((r) => code(r) === 0 && (r.riskLevelAggregated === 'medium' || r.riskLevelAggregated === 'high'));
    expect(risky.length).toBeGreaterThan(0);
    const alertedRecords = new Set(alerts.flatMap((a) => a.signals.map((s) => s.recordId)));
    for (const r of risky) expect(alertedRecords.has(r.id as string)).toBe(true);
    const failedRisky = all.filter((r) => code(r) !== 0 && r.riskLevelAggregated !== 'none');
    expect(failedRisky.length).toBeGreaterThan(0);
    for (const r of failedRisky) expect(alertedRecords.has(r.id as string)).toBe(false);
  });

  it('fires on a risk event alone (anonymizedIPAddress at low level) and takes high severity from a high risk', () => {
    const base = baseSignIn();
    const anon = signIn(base, { riskLevelAggregated: 'low', riskLevelDuringSignIn: 'low', riskEventTypes_v2: ['anonymizedIPAddress'], at: START });
    const [a] = run([riskySignInSucceeded], [{ check: 'auditLogs.signIns', record: anon }]);
    expect(a).toMatchObject({ severity: 'medium' });
    expect(a!.title).toContain('anonymizedIPAddress');
    const high = signIn(base, { riskLevelAggregated: 'high', riskLevelDuringSignIn: 'high', at: START });
    expect(run([riskySignInSucceeded], [{ check: 'auditLogs.signIns', record: high }])[0]!.severity).toBe('high');
  });

  it('is silent on low risk without risk events, and on a risky sign-in that failed', () => {
    const base = baseSignIn();
    expect(run([riskySignInSucceeded], [{ check: 'auditLogs.signIns', record: signIn(base, { riskLevelAggregated: 'low', riskEventTypes_v2: [] }) }])).toHaveLength(0);
    expect(run([riskySignInSucceeded], [{ check: 'auditLogs.signIns', record: signIn(base, { riskLevelAggregated: 'high', errorCode: 500121 }) }])).toHaveLength(0);
  });

  it('absorbs more risky sign-ins of the same user within the hour', () => {
    const base = baseSignIn();
    const items = [0, 10, 59, 61].map((m) => ({ check: 'auditLogs.signIns' as const, record: signIn(base, { riskLevelAggregated: 'medium', at: START + m * MINUTE }) }));
    expect(run([riskySignInSucceeded], items).map((a) => a.absorbed)).toEqual([0, 1, 2, 0]);
  });
});
