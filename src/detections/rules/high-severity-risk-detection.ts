// High-severity risk detection (identityProtection/riskDetections): a detection rated high, or one of the types
// that mean the credentials are in someone else's hands whatever their level (leaked credentials, password spray,
// admin confirmed compromised, threat intelligence, ...). Only active detections (atRisk or confirmedCompromised):
// dismissed and remediated ones are closed. Detections are mutable; new versions of one are absorbed for 30 days.
import { lower, str } from '../../normalize/record-fields.ts';
import { defineRule } from '../rule.ts';
import { userLabelOf } from './record-readers.ts';

const SEVERE_TYPES = new Set(['leakedcredentials', 'passwordspray', 'adminconfirmedusercompromised', 'investigationsthreatintelligence', 'maliciousipaddress', 'nationstateip', 'tokenissueranomaly', 'attackerinthemiddle', 'anomaloustoken']);

export const highSeverityRiskDetection = defineRule({
  id: 'high-severity-risk-detection',
  title: 'High-severity risk detection',
  description: 'An active risk detection rated high, or of a type such as leakedCredentials, passwordSpray or adminConfirmedUserCompromised.',
  severity: 'high',
  checks: ['identityProtection.riskDetections'],
  dedupeWindowMs: 30 * 86_400_000,
  alertTitle: 'Risk detection {eventType} ({level}) for {user}',
  match(signal, raw) {
    const state = lower(raw.riskState);
    if (state !== 'atrisk' && state !== 'confirmedcompromised') return false;
    const type = str(raw.riskEventType) ?? 'unknown';
    const level = lower(raw.riskLevel);
    if (level !== 'high' && !SEVERE_TYPES.has(type.toLowerCase())) return false;
    return {
      key: str(raw.id) ?? signal.recordId,
      fields: { eventType: type, level: level || 'unknown', user: userLabelOf(raw), ip: str(raw.ipAddress) },
    };
  },
});
