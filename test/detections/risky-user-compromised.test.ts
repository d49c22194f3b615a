import { describe, expect, it } from 'vitest';
import { riskyUserCompromised } from '../../src/detections/rules/risky-user-compromised.ts';
import { HOUR, graphTime, records, run, START } from './detection-fixtures.ts';

type R = Record<string, unknown>;
const users = records('identityProtection.riskyUsers');

describe('risky-user-compromised', () => {
  it('fires on the simulator\'s confirmed-compromised and high-risk users, and on no others', () => {
    const expected = users.filter((r) => r.riskState === 'confirmedCompromised' || (r.riskState === 'atRisk' && r.riskLevel === 'high'));
    expect(expected.length).toBeGreaterThan(0);
    const out = run([riskyUserCompromised], users.map((record) => ({ check: 'identityProtection.riskyUsers' as const, record })));
    expect(out.map((a) => a.groupKey.split('|')[0]).sort()).toEqual(expected.map((r) => r.id as string).sort());
  });

  it('raises critical for a confirmed compromise and high for high risk', () => {
    const base = users[0]!;
    const [confirmed] = run([riskyUserCompromised], [{ check: 'identityProtection.riskyUsers', record: { ...base, riskState: 'confirmedCompromised', riskLevel: 'high' } }]);
    expect(confirmed).toMatchObject({ severity: 'critical' });
    expect(confirmed!.title).toMatch(/confirmed compromised$/);
    const [high] = run([riskyUserCompromised], [{ check: 'identityProtection.riskyUsers', record: { ...base, riskState: 'atRisk', riskLevel: 'high' } }]);
    expect(high).toMatchObject({ severity: 'high' });
  });

  it('is silent on medium risk, and on remediated or dismissed users', () => {
    const base = users[0]!;
    for (const over of [{ riskState: 'atRisk', riskLevel: 'medium' }, { riskState: 'remediated', riskLevel: 'none' }, { riskState: 'dismissed', riskLevel: 'high' }]) {
      expect(run([riskyUserCompromised], [{ check: 'identityProtection.riskyUsers', record: { ...base, ...over } }])).toHaveLength(0);
    }
  });

  it('raises again when a high-risk user is then confirmed compromised, and absorbs repeats of a state', () => {
    const base: R = users[0]!;
    const v = (h: number, over: R) => ({ check: 'identityProtection.riskyUsers' as const, record: { ...base, ...over, riskLastUpdatedDateTime: graphTime(START + h * HOUR) } });
    const out = run([riskyUserCompromised], [v(0, { riskState: 'atRisk', riskLevel: 'high' }), v(1, { riskState: 'atRisk', riskLevel: 'high' }), v(2, { riskState: 'confirmedCompromised', riskLevel: 'high' })]);
    expect(out.map((a) => [a.fields.state, a.absorbed])).toEqual([
      ['at high risk', 0],
      ['at high risk', 1],
      ['confirmed compromised', 0],
    ]);
  });
});
