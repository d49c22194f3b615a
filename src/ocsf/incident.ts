// security.incidents → OCSF Incident Finding (2005, Findings). activity: 3 Close when resolved, 2 Update when
// lastUpdateDateTime is after createdDateTime, else 1 Create. status_id (required): active 1 New, inProgress 2 In
// Progress, awaitingAction 3 On Hold, resolved 4 Resolved, redirected (merged into another incident) 5 Closed,
// other values 99 Other (0 Unknown when absent). verdict_id from classification: truePositive 2, falsePositive 1,
// informationalExpectedActivity 5 Benign, unknown 0. finding_info_list (required) lists the incident's alerts when
// the record carries them ($expand=alerts); otherwise the incident itself is the one finding it reports.
// assignee is the assignedTo user. OCSF asks for assignee or assignee_group; an unassigned incident has neither,
// and we do not invent one (docs/ocsf.md).
import type { Signal } from '../signals/signal.ts';
import { ocsfBase, type OcsfObject } from './ocsf-base.ts';
import { FINDINGS, findingActivity, microsoftProduct, ms } from './ocsf-finding.ts';
import { observablesOf } from './observables.ts';
import { compact, objects, str, type Raw } from './raw-fields.ts';

const INCIDENT_STATUS: Record<string, [number, string]> = {
  active: [1, 'New'],
  inProgress: [2, 'In Progress'],
  awaitingAction: [3, 'On Hold'],
  resolved: [4, 'Resolved'],
  redirected: [5, 'Closed'],
};

const VERDICT: Record<string, [number, string]> = {
  truePositive: [2, 'True Positive'],
  falsePositive: [1, 'False Positive'],
  informationalExpectedActivity: [5, 'Benign'],
  unknown: [0, 'Unknown'],
};

export function incidentToOcsf(signal: Signal, raw: Raw): OcsfObject {
  const status = str(raw, 'status');
  const created = str(raw, 'createdDateTime');
  const modified = str(raw, 'lastUpdateDateTime');
  const activity = findingActivity(status === 'resolved', created, modified);
  const [statusId, statusName] = status === null ? [0, 'Unknown'] : (INCIDENT_STATUS[status] ?? [99, status]);
  const classification = str(raw, 'classification');
  const verdict = classification === null ? null : (VERDICT[classification] ?? [99, classification]);
  const assignedTo = str(raw, 'assignedTo');
  const alerts = objects(raw, 'alerts').map((a) =>
    compact({
      uid: str(a, 'id') ?? 'unknown',
      title: str(a, 'title'),
      created_time: ms(str(a, 'createdDateTime')),
      modified_time: ms(str(a, 'lastUpdateDateTime')),
      src_url: str(a, 'alertWebUrl'),
      product: microsoftProduct(str(a, 'productName')),
    }),
  );
  const self = compact({
    uid: str(raw, 'id') ?? signal.recordId,
    title: str(raw, 'displayName') ?? signal.title,
    desc: str(raw, 'description'),
    created_time: ms(created),
    modified_time: ms(modified),
    src_url: str(raw, 'incidentWebUrl'),
    product: microsoftProduct('Microsoft Defender XDR'),
  });
  return compact({
    ...ocsfBase(signal, { classUid: 2005, className: 'Incident Finding', ...FINDINGS, ...activity }),
    status_id: statusId,
    status: statusName,
    finding_info_list: alerts.length > 0 ? alerts : [self],
    desc: str(raw, 'description'),
    src_url: str(raw, 'incidentWebUrl'),
    assignee: assignedTo === null ? null : compact({ name: assignedTo, email_addr: assignedTo.includes('@') ? assignedTo : null, type_id: 1 }),
    verdict_id: verdict?.[0] ?? null,
    verdict: verdict?.[1] ?? null,
    start_time: ms(created),
    end_time: status === 'resolved' ? ms(modified) : null,
    observables: observablesOf(signal.indicators),
  });
}
