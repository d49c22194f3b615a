// identityProtection.riskDetections → OCSF Detection Finding (2004, Findings). activity: 3 Close once the risk is
// remediated, dismissed or confirmed safe; 2 Update when lastUpdatedDateTime is after detectedDateTime; else 1
// Create. status_id from riskState: atRisk 1 New, confirmedCompromised 2 In Progress, remediated 4 Resolved,
// dismissed / confirmedSafe 3 Suppressed, none 0 Unknown, other 99 Other. One evidence: the user at risk and the
// client IP with its location.
import type { Signal } from '../signals/signal.ts';
import { ocsfBase, type OcsfObject } from './ocsf-base.ts';
import { FINDINGS, findingActivity, microsoftProduct, ms } from './ocsf-finding.ts';
import { endpointOf, userOf } from './ocsf-objects.ts';
import { observablesOf } from './observables.ts';
import { compact, str, type Raw } from './raw-fields.ts';

const RISK_STATUS: Record<string, [number, string]> = {
  atRisk: [1, 'New'],
  confirmedCompromised: [2, 'In Progress'],
  remediated: [4, 'Resolved'],
  dismissed: [3, 'Suppressed'],
  confirmedSafe: [3, 'Suppressed'],
  none: [0, 'Unknown'],
};
const CLOSED = new Set(['remediated', 'dismissed', 'confirmedSafe']);

export function riskDetectionToOcsf(signal: Signal, raw: Raw): OcsfObject {
  const state = str(raw, 'riskState');
  const detected = str(raw, 'detectedDateTime');
  const updated = str(raw, 'lastUpdatedDateTime');
  const activity = findingActivity(state !== null && CLOSED.has(state), detected, updated);
  const [statusId, statusName] = state === null ? [0, 'Unknown'] : (RISK_STATUS[state] ?? [99, state]);
  const eventType = str(raw, 'riskEventType');
  const user = userOf(signal.targets.find((t) => t.type === 'user') ?? signal.actor) ?? (str(raw, 'userId') !== null ? { uid: str(raw, 'userId'), type_id: 1 } : null);
  const src = endpointOf(str(raw, 'ipAddress'), signal.location);
  const evidence = compact({ user, src_endpoint: src });
  const base = ocsfBase(signal, { classUid: 2004, className: 'Detection Finding', ...FINDINGS, ...activity });
  return compact({
    ...base,
    metadata: { ...(base['metadata'] as OcsfObject), ...compact({ correlation_uid: str(raw, 'correlationId') }) },
    status_id: statusId,
    status: statusName,
    finding_info: compact({
      uid: str(raw, 'id') ?? signal.recordId,
      title: signal.title,
      types: eventType === null ? null : [eventType],
      created_time: ms(detected),
      modified_time: ms(updated),
      first_seen_time: ms(str(raw, 'activityDateTime')),
      product: microsoftProduct('Microsoft Entra ID Protection'),
    }),
    is_alert: statusId === 1 || statusId === 2,
    evidences: Object.keys(evidence).length > 0 ? [evidence] : null,
    observables: observablesOf(signal.indicators),
  });
}
