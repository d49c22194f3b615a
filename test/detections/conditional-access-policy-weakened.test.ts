import { describe, expect, it } from 'vitest';
import { conditionalAccessPolicyWeakened } from '../../src/detections/rules/conditional-access-policy-weakened.ts';
import { records, run } from './detection-fixtures.ts';

type R = Record<string, unknown>;
const audits = records('auditLogs.directoryAudits');
const stateIn = (v: unknown): string | null => (typeof v === 'string' ? (JSON.parse(v) as { state: string }).state : null);
const states = (r: R): [string | null, string | null] => {
  const p = ((r.targetResources as R[])[0]!.modifiedProperties as R[])[0]!;
  return [stateIn(p.oldValue), stateIn(p.newValue)];
};
const one = (record: R) => run([conditionalAccessPolicyWeakened], [{ check: 'auditLogs.directoryAudits', record }]);

describe('conditional-access-policy-weakened', () => {
  it('fires on every successful simulator policy deletion', () => {
    const deleted = audits.filter((r) => r.activityDisplayName === 'Delete conditional access policy' && r.result === 'success');
    expect(deleted.length).toBeGreaterThan(0);
    for (const r of deleted) expect(one(r)[0]!.title).toMatch(/^Conditional Access policy ".+" deleted by .+$/);
  });

  it('fires on updates that disable a policy and is silent on other updates', () => {
    const updates = audits.filter((r) => r.activityDisplayName === 'Update conditional access policy' && r.result === 'success');
    const disabling = updates.filter((r) => states(r)[1] === 'disabled' && states(r)[0] !== 'disabled');
    const others = updates.filter((r) => !disabling.includes(r));
    expect(disabling.length).toBeGreaterThan(0);
    expect(others.length).toBeGreaterThan(0);
    for (const r of disabling) expect(one(r)[0]!.fields.change).toBe('disabled');
    for (const r of others) expect(one(r)).toHaveLength(0);
  });

  it('is silent on policy additions, failures and unrelated activities', () => {
    const silent = audits.filter((r) => !/^(Delete|Update) conditional access policy$/.test(r.activityDisplayName as string) || r.result !== 'success');
    expect(run([conditionalAccessPolicyWeakened], silent.map((record) => ({ check: 'auditLogs.directoryAudits' as const, record })))).toHaveLength(0);
  });
});
