// security.incidents → signal (kind incident).
// Time: createdDateTime (as the stored record), else lastUpdateDateTime. Title: displayName.
// Severity: the incident's own (severity.ts alertSeverity; the documentation sample writes "Medium"). Outcome,
// actor: none. When the incident was read with $expand=alerts, its alerts' evidence becomes its artifacts and
// targets. Incident summaries quote the users involved, so the description and summary are scanned for addresses.
import type { Artifact, Entity, NormalizeContext, Signal } from '../signals/signal.ts';
import { readAlert } from './alert.ts';
import { buildSignal } from './build-signal.ts';
import { uniqueEntities } from './entities.ts';
import { IndicatorSet } from './indicators.ts';
import { asArray, asObj, firstTime, str, strings } from './record-fields.ts';
import type { Obj } from './record-fields.ts';
import { alertSeverity } from './severity.ts';
import { addTextIndicators } from './text-indicators.ts';

export function normalizeIncident(r: Obj, ctx: NormalizeContext): Signal {
  const ind = new IndicatorSet();
  ind.add('incident_id', r.id);
  ind.add('incident_id', r.redirectIncidentId);
  ind.add('url', r.incidentWebUrl);
  ind.add('upn', r.assignedTo);
  ind.add('upn', r.lastModifiedBy);
  const text: Array<string | null> = [];
  for (const field of [r.description, r.summary, r.resolvingComment]) {
    const s = str(field);
    if (s === null) continue;
    text.push(s);
    addTextIndicators(ind, s);
  }
  for (const c of asArray(r.comments)) {
    const co = asObj(c);
    if (co === null) continue;
    text.push(str(co.comment));
    // The CSDL has createdByDisplayName; the documentation sample has createdBy with an address.
    ind.add('upn', co.createdBy);
    text.push(str(co.createdByDisplayName));
  }
  const artifacts: Artifact[] = [];
  const targets: Entity[] = [];
  for (const a of asArray(r.alerts)) {
    const ao = asObj(a);
    if (ao === null) continue;
    const parts = readAlert(ao, ind);
    artifacts.push(...parts.artifacts);
    targets.push(...parts.targets);
    text.push(str(ao.title));
  }
  text.push(str(r.classification), str(r.determination), str(r.status), ...strings(r.customTags), ...strings(r.systemTags));
  return buildSignal(ctx, {
    time: firstTime(r, 'createdDateTime', 'lastUpdateDateTime'),
    kind: 'incident',
    title: str(r.displayName) ?? `Incident ${str(r.id) ?? ctx.recordId}`,
    severity: alertSeverity(r.severity),
    targets: uniqueEntities(targets),
    indicators: ind,
    artifacts,
    text,
  });
}
