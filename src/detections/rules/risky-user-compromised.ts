// Risky user confirmed compromised or at high risk (identityProtection/riskyUsers): an admin confirmed the
// compromise (riskState confirmedCompromised, critical) or Identity Protection rates the user high risk while the
// risk is active (riskState atRisk, high). Remediated and dismissed users are silent. One alert per user and state
// per day: a user moving from high risk to confirmed compromised raises again.
import { lower, str } from '../../normalize/record-fields.ts';
import { defineRule } from '../rule.ts';

export const riskyUserCompromised = defineRule({
  id: 'risky-user-compromised',
  title: 'Risky user: confirmed compromised or high risk',
  description: 'A risky user whose riskState is confirmedCompromised, or whose riskLevel is high while atRisk.',
  severity: 'high',
  checks: ['identityProtection.riskyUsers'],
  dedupeWindowMs: 86_400_000,
  alertTitle: 'User {user} {state}',
  match(signal, raw) {
    const state = lower(raw.riskState);
    const level = lower(raw.riskLevel);
    const confirmed = state === 'confirmedcompromised';
    if (!confirmed && !(state === 'atrisk' && level === 'high')) return false;
    const user = str(raw.id) ?? signal.recordId;
    return {
      key: `${user}|${confirmed ? 'confirmed' : 'high'}`,
      severity: confirmed ? 'critical' : 'high',
      fields: {
        user: str(raw.userPrincipalName) ?? str(raw.userDisplayName) ?? user,
        state: confirmed ? 'confirmed compromised' : 'at high risk',
        riskDetail: str(raw.riskDetail),
      },
    };
  },
});
