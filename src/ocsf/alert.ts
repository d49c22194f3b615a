// security.alerts_v2 → OCSF Detection Finding (2004, Findings). activity: 3 Close when resolved, 2 Update when
// lastUpdateDateTime is after createdDateTime, else 1 Create. status_id: new 1 New, inProgress 2 In Progress,
// resolved 4 Resolved, other values 99 Other (0 Unknown when absent). finding_info carries the alert id, title,
// description, category (types), times, portal URL and the reporting Defender product; each evidence becomes one
// evidences[] entry (its type as name, its verdict, its typed fields as data, and user/device/src_endpoint where
// the evidence is one).
import type { Artifact, Signal } from '../signals/signal.ts';
import { ocsfBase, type OcsfObject } from './ocsf-base.ts';
import { FINDINGS, findingActivity, microsoftProduct, ms } from './ocsf-finding.ts';
import { deviceOf, endpointOf } from './ocsf-objects.ts';
import { observablesOf } from './observables.ts';
import { compact, str, type Raw } from './raw-fields.ts';

const ALERT_STATUS: Record<string, [number, string]> = {
  new: [1, 'New'],
  inProgress: [2, 'In Progress'],
  resolved: [4, 'Resolved'],
};

/** Graph evidence verdicts → OCSF evidences.verdict_id. */
const EVIDENCE_VERDICT: Record<string, number> = { malicious: 2, suspicious: 4, noThreatsFound: 5, unknown: 0 };

function first(a: Artifact, type: keyof Artifact['indicators']): string | null {
  return a.indicators[type]?.[0] ?? null;
}

export function evidenceOf(a: Artifact): OcsfObject {
  const userUid = first(a, 'user_id');
  const userName = first(a, 'upn') ?? first(a, 'mailbox') ?? first(a, 'user_name');
  const isUser = a.type === 'userEvidence' || a.type === 'mailboxEvidence';
  const user = isUser && (userUid !== null || userName !== null) ? compact({ uid: userUid, name: userName, type_id: 1 }) : null;
  const device = a.type === 'deviceEvidence' ? deviceOf(first(a, 'device_id'), first(a, 'host')) : null;
  const src = a.type === 'ipEvidence' ? endpointOf(first(a, 'ip')) : null;
  const verdictId = a.verdict === null ? null : (EVIDENCE_VERDICT[a.verdict] ?? 99);
  return compact({
    name: a.type,
    verdict_id: verdictId,
    verdict: a.verdict,
    user,
    device,
    src_endpoint: src,
    // Always present: OCSF needs at least one evidence attribute, and the typed fields are the evidence itself.
    data: a.fields,
  });
}

export function alertToOcsf(signal: Signal, raw: Raw): OcsfObject {
  const status = str(raw, 'status');
  const created = str(raw, 'createdDateTime');
  const modified = str(raw, 'lastUpdateDateTime');
  const activity = findingActivity(status === 'resolved', created, modified);
  const [statusId, statusName] = status === null ? [0, 'Unknown'] : (ALERT_STATUS[status] ?? [99, status]);
  const category = str(raw, 'category');
  const evidences = signal.artifacts.map(evidenceOf);
  const deviceEvidence = evidences.find((e) => e['device'] !== undefined);
  return compact({
    ...ocsfBase(signal, { classUid: 2004, className: 'Detection Finding', ...FINDINGS, ...activity }),
    status_id: statusId,
    status: statusName,
    finding_info: compact({
      uid: str(raw, 'id') ?? signal.recordId,
      title: str(raw, 'title') ?? signal.title,
      desc: str(raw, 'description'),
      types: category === null ? null : [category],
      created_time: ms(created),
      modified_time: ms(modified),
      first_seen_time: ms(str(raw, 'firstActivityDateTime')),
      last_seen_time: ms(str(raw, 'lastActivityDateTime')),
      src_url: str(raw, 'alertWebUrl'),
      product: microsoftProduct(str(raw, 'productName')),
      uid_alt: str(raw, 'providerAlertId'),
    }),
    is_alert: status !== 'resolved',
    device: deviceEvidence?.['device'] ?? null,
    evidences: evidences.length > 0 ? evidences : null,
    observables: observablesOf(signal.indicators),
  });
}
