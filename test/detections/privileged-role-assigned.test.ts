import { describe, expect, it } from 'vitest';
import { privilegedRoleAssigned } from '../../src/detections/rules/privileged-role-assigned.ts';
import { records, run } from './detection-fixtures.ts';

type R = Record<string, unknown>;
const audits = records('auditLogs.directoryAudits');
const roleOf = (r: R): string => {
  const t = (r.targetResources as R[])[0]!;
  const p = (t.modifiedProperties as R[]).find((m) => m.displayName === 'Role.DisplayName');
  return p === undefined ? '' : (JSON.parse(p.newValue as string) as string);
};
const assignments = audits.filter((r) => r.activityDisplayName === 'Add member to role');

describe('privileged-role-assigned', () => {
  it('fires on every successful simulator role assignment of a privileged role, critical for Global Administrator', () => {
    const ok = assignments.filter((r) => r.result === 'success');
    expect(ok.length).toBeGreaterThan(0);
    const alerts = ok.map((r) => run([privilegedRoleAssigned], [{ check: 'auditLogs.directoryAudits', record: r }]));
    for (const [i, a] of alerts.entries()) {
      expect(a).toHaveLength(1);
      const role = roleOf(ok[i]!);
      expect(a[0]!.fields.role).toBe(role);
      expect(a[0]!.severity).toBe(role === 'Global Administrator' ? 'critical' : 'high');
      expect(a[0]!.title).toMatch(new RegExp(`^${role} assigned to .+ by .+$`));
    }
  });

  it('is silent on failed assignments and on every other activity', () => {
    const silent = audits.filter((r) => r.activityDisplayName !== 'Add member to role' || r.result !== 'success');
    expect(run([privilegedRoleAssigned], silent.map((record) => ({ check: 'auditLogs.directoryAudits' as const, record })))).toHaveLength(0);
  });

  it('is silent on a role that is not privileged, and recognises a privileged role by template id alone', () => {
    const r = JSON.parse(JSON.stringify(assignments.find((x) => x.result === 'success'))) as R;
    const t = (r.targetResources as R[])[0]!;
    t.modifiedProperties = [
      { displayName: 'Role.DisplayName', oldValue: null, newValue: '"Reports Reader"' },
      { displayName: 'Role.TemplateId', oldValue: null, newValue: '"4a5d8f65-41da-4de4-8968-e035b65339cf"' },
    ];
    expect(run([privilegedRoleAssigned], [{ check: 'auditLogs.directoryAudits', record: r }])).toHaveLength(0);
    t.modifiedProperties = [{ displayName: 'Role.TemplateId', oldValue: null, newValue: '"62e90394-69f5-4237-9190-012177145e10"' }];
    const [a] = run([privilegedRoleAssigned], [{ check: 'auditLogs.directoryAudits', record: r }]);
    expect(a).toMatchObject({ severity: 'critical', fields: { role: 'Global Administrator' } });
  });
});
