// Privileged role assigned: a directory audit "Add member to role" (or its PIM variants for eligible and
// permanent members) that succeeded for one of the roles that can take over the tenant or its security: Global
// Administrator and the other privileged roles below. The role is read from the modified properties (display name,
// else the well-known template id, identical in every tenant). Global Administrator raises critical, others high.
import { defineRule } from '../rule.ts';
import { activityOf, auditSucceeded, auditTargets, initiatorOf, parsedValue } from './record-readers.ts';

/** Privileged roles by template id (public values, the same in every tenant). */
const PRIVILEGED_ROLES: Record<string, string> = {
  '62e90394-69f5-4237-9190-012177145e10': 'Global Administrator',
  'e8611ab8-c189-46e8-94e1-60213ab1f814': 'Privileged Role Administrator',
  '7be44c8a-adaf-4e2a-84d6-ab2649e08a13': 'Privileged Authentication Administrator',
  '194ae4cb-b126-40b2-bd5b-6091b380977d': 'Security Administrator',
  'fe930be7-5e62-47db-91af-98c3a49a38b1': 'User Administrator',
  '29232cdf-9323-42fd-ade2-1d097af3e4de': 'Exchange Administrator',
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3': 'Application Administrator',
  '158c047a-c907-4556-b7ef-446551a6b5f7': 'Cloud Application Administrator',
  'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9': 'Conditional Access Administrator',
  'c4e39bd9-1100-46d3-8c65-fb160da0071f': 'Authentication Administrator',
  '729827e3-9c14-49f7-bb1b-9608f156bbb8': 'Helpdesk Administrator',
  'f28a1f50-f6e7-4571-818b-6a12f2af6b6c': 'SharePoint Administrator',
  '3a2c62db-5318-420d-8d74-23affee5d9d5': 'Intune Administrator',
  '966707d0-3269-4727-9be2-8c3a10f19b9d': 'Password Administrator',
  '8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2': 'Hybrid Identity Administrator',
};
const PRIVILEGED_NAMES = new Set(Object.values(PRIVILEGED_ROLES).map((n) => n.toLowerCase()));

const ACTIVITIES = new Set(['add member to role', 'add eligible member to role', 'add member to role completed (pim activation)', 'add member to role in pim completed (permanent)', 'add member to role in pim completed (timebound)']);

function roleOf(modified: Map<string, { oldValue: string | null; newValue: string | null }>): string | null {
  const name = parsedValue(modified.get('Role.DisplayName')?.newValue ?? null);
  if (typeof name === 'string' && PRIVILEGED_NAMES.has(name.toLowerCase())) return name;
  const template = parsedValue(modified.get('Role.TemplateId')?.newValue ?? null);
  if (typeof template === 'string') return PRIVILEGED_ROLES[template.toLowerCase()] ?? null;
  return null;
}

export const privilegedRoleAssigned = defineRule({
  id: 'privileged-role-assigned',
  title: 'Privileged role assigned',
  description: 'A directory audit "Add member to role" that succeeded for Global Administrator or another privileged role.',
  severity: 'high',
  checks: ['auditLogs.directoryAudits'],
  dedupeWindowMs: 3_600_000,
  alertTitle: '{role} assigned to {target} by {initiator}',
  match(signal, raw) {
    if (!ACTIVITIES.has(activityOf(raw).toLowerCase()) || !auditSucceeded(raw)) return false;
    for (const t of auditTargets(raw)) {
      const role = roleOf(t.modified);
      if (role === null) continue;
      const target = t.userPrincipalName ?? t.displayName ?? t.id ?? 'unknown';
      return {
        key: `${t.id ?? target}|${role}`,
        severity: role === 'Global Administrator' ? 'critical' : 'high',
        fields: { role, target, initiator: initiatorOf(raw), auditId: signal.recordId },
      };
    }
    return false;
  },
});
