// Risky sign-in that succeeded: Entra rated the sign-in medium or high risk (the higher of riskLevelAggregated and
// riskLevelDuringSignIn), or flagged a risk event that means someone else may hold the password (anonymized or
// malicious IP, unfamiliar features, ...), and the sign-in still got a token (status.errorCode 0). A failed risky
// sign-in was stopped; a successful one is the attacker inside. One alert per user per hour.
import { str } from '../../normalize/record-fields.ts';
import { defineRule } from '../rule.ts';
import { errorCodeOf, riskEventsOf, signInRiskLevel, userKeyOf, userLabelOf } from './record-readers.ts';

const RISK_EVENTS = new Set(['anonymizedipaddress', 'maliciousipaddress', 'unfamiliarfeatures', 'unlikelytravel', 'suspiciousbrowser', 'tokenissueranomaly', 'nationstateip', 'impossibletravel']);

export const riskySignInSucceeded = defineRule({
  id: 'risky-sign-in-succeeded',
  title: 'Risky sign-in succeeded',
  description: 'A sign-in rated medium/high risk, or with risk events such as anonymizedIPAddress, maliciousIPAddress or unfamiliarFeatures, that succeeded.',
  severity: 'high',
  checks: ['auditLogs.signIns'],
  dedupeWindowMs: 3_600_000,
  alertTitle: 'Risky sign-in succeeded for {user} from {ip} (risk {risk}{events})',
  match(_signal, raw) {
    if (errorCodeOf(raw) !== 0) return false;
    const level = signInRiskLevel(raw);
    const events = riskEventsOf(raw).filter((e) => RISK_EVENTS.has(e.toLowerCase()));
    if (level !== 'medium' && level !== 'high' && events.length === 0) return false;
    const user = userKeyOf(raw);
    if (user === null) return false;
    return {
      key: user,
      severity: level === 'high' ? 'high' : 'medium',
      fields: { user: userLabelOf(raw), ip: str(raw.ipAddress), risk: level, events: events.length > 0 ? `: ${events.join(', ')}` : '' },
    };
  },
});
