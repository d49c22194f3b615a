// Conditional Access policy deleted or disabled: turning off a policy (MFA for admins, blocking legacy
// authentication, ...) opens the door it guarded. Directory audits "Delete conditional access policy", and
// "Update conditional access policy" whose new state is disabled while the old one was not. The states are read
// from the ConditionalAccessPolicy modified property (the policy as JSON, old and new).
import { defineRule } from '../rule.ts';
import { activityOf, auditSucceeded, auditTargets, initiatorOf, parsedValue } from './record-readers.ts';

function stateOf(json: string | null): string | null {
  const v = parsedValue(json);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const s = (v as Record<string, unknown>).state;
  return typeof s === 'string' ? s.toLowerCase() : null;
}

export const conditionalAccessPolicyWeakened = defineRule({
  id: 'conditional-access-policy-weakened',
  title: 'Conditional Access policy deleted or disabled',
  description: 'A Conditional Access policy was deleted, or updated from enabled (or report-only) to disabled.',
  severity: 'high',
  checks: ['auditLogs.directoryAudits'],
  dedupeWindowMs: 3_600_000,
  alertTitle: 'Conditional Access policy "{policy}" {change} by {initiator}',
  match(_signal, raw) {
    const activity = activityOf(raw).toLowerCase();
    if (!auditSucceeded(raw)) return false;
    const t = auditTargets(raw).find((x) => x.type === 'policy') ?? auditTargets(raw)[0];
    if (t === undefined) return false;
    const policy = t.displayName ?? t.id ?? 'unknown policy';
    let change: string;
    if (activity === 'delete conditional access policy') change = 'deleted';
    else if (activity === 'update conditional access policy') {
      const p = t.modified.get('ConditionalAccessPolicy');
      const before = stateOf(p?.oldValue ?? null);
      const after = stateOf(p?.newValue ?? null);
      if (after !== 'disabled' || before === 'disabled') return false;
      change = 'disabled';
    } else return false;
    return { key: t.id ?? policy, fields: { policy, policyId: t.id, change, initiator: initiatorOf(raw) } };
  },
});
