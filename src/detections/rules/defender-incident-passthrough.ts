// Defender incident passthrough: every Microsoft Defender incident (security/incidents) at or above the minimum
// severity (default medium; tunable with minSeverity) becomes an azsec alert with the incident's severity and the
// evidence of its expanded alerts. New versions of the same incident are absorbed; resolved incidents are skipped.
import { lower, str } from '../../normalize/record-fields.ts';
import { defineRule } from '../rule.ts';
import { toJson } from './record-readers.ts';

const DAY_MS = 86_400_000;

export const defenderIncidentPassthrough = defineRule({
  id: 'defender-incident-passthrough',
  title: 'Defender incident',
  description: 'Passes Microsoft Defender incidents (security/incidents) through by severity, carrying their alerts\' evidence.',
  severity: 'medium',
  minSeverity: 'medium',
  checks: ['security.incidents'],
  dedupeWindowMs: 30 * DAY_MS,
  alertTitle: 'Defender incident: {title} ({sourceSeverity})',
  match(signal, raw) {
    if (lower(raw.status) === 'resolved') return false;
    return {
      key: str(raw.id) ?? signal.recordId,
      severity: signal.severity,
      fields: {
        title: signal.title,
        sourceSeverity: signal.severity,
        incidentId: str(raw.id),
        incidentWebUrl: str(raw.incidentWebUrl),
        evidence: toJson(signal.artifacts),
      },
    };
  },
});
