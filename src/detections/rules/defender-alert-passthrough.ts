// Defender alert passthrough: every alert Microsoft Defender (security/alerts_v2) raises at or above the minimum
// severity (default medium; tunable with minSeverity) becomes an azsec alert with the source's severity and its
// evidence, so one alert queue holds both. Alerts are mutable: a new version of the same alert (status, comments)
// is absorbed by the dedupe window instead of raising again; resolved alerts are not passed through.
import { lower, str } from '../../normalize/record-fields.ts';
import { defineRule } from '../rule.ts';
import { toJson } from './record-readers.ts';

const DAY_MS = 86_400_000;

export const defenderAlertPassthrough = defineRule({
  id: 'defender-alert-passthrough',
  title: 'Defender alert',
  description: 'Passes Microsoft Defender alerts (security/alerts_v2) through by severity, carrying their evidence.',
  severity: 'medium',
  minSeverity: 'medium',
  checks: ['security.alerts_v2'],
  dedupeWindowMs: 30 * DAY_MS,
  alertTitle: 'Defender alert: {title} ({sourceSeverity})',
  match(signal, raw) {
    if (lower(raw.status) === 'resolved') return false;
    return {
      key: str(raw.id) ?? signal.recordId,
      severity: signal.severity,
      fields: {
        title: signal.title,
        sourceSeverity: signal.severity,
        alertId: str(raw.id),
        incidentId: str(raw.incidentId),
        serviceSource: str(raw.serviceSource),
        category: str(raw.category),
        alertWebUrl: str(raw.alertWebUrl),
        evidence: toJson(signal.artifacts),
      },
    };
  },
});
