// security.alerts_v2 → signal (kind alert), with one artifact per evidence object (evidence.ts).
// Time: createdDateTime (as the stored record), else lastUpdateDateTime. Title: the alert's title.
// Severity: the alert's own (severity.ts alertSeverity: unknown → low). Outcome: none. Actor: none (Defender
// names no actor entity; actorDisplayName is a threat actor's name and goes to the text). Targets: the users,
// devices and apps of the evidence.
import type { Artifact, Entity, NormalizeContext, Signal } from '../signals/signal.ts';
import { buildSignal } from './build-signal.ts';
import { uniqueEntities } from './entities.ts';
import { evidenceArtifact, evidenceTargets } from './evidence.ts';
import { IndicatorSet } from './indicators.ts';
import { asArray, asObj, firstTime, str, strings } from './record-fields.ts';
import type { Obj } from './record-fields.ts';
import { alertSeverity } from './severity.ts';

/** The parts of an alert shared with incidents that expand their alerts. */
export interface AlertParts {
  artifacts: Artifact[];
  targets: Entity[];
  text: Array<string | null>;
}

/** Adds an alert's own indicators to `ind` and returns its artifacts, targets and text. */
export function readAlert(r: Obj, ind: IndicatorSet): AlertParts {
  ind.add('alert_id', r.id);
  ind.add('alert_id', r.providerAlertId);
  ind.add('incident_id', r.incidentId);
  ind.add('url', r.alertWebUrl);
  ind.add('url', r.incidentWebUrl);
  ind.add('upn', r.assignedTo);
  const artifacts: Artifact[] = [];
  const targets: Entity[] = [];
  const text: Array<string | null> = [];
  for (const ev of asArray(r.evidence)) {
    const a = evidenceArtifact(ev);
    artifacts.push(a);
    targets.push(...evidenceTargets(ev));
    const f = a.fields;
    for (const k of ['subject', 'processCommandLine', 'url', 'displayName', 'primaryAddress']) {
      const v = f[k];
      if (typeof v === 'string') text.push(v);
    }
    const fileName = asObj(f.fileDetails)?.fileName;
    if (typeof fileName === 'string') text.push(fileName);
  }
  for (const c of asArray(r.comments)) {
    const co = asObj(c);
    if (co === null) continue;
    text.push(str(co.comment));
    ind.add('upn', co.createdBy);
  }
  text.push(
    str(r.description),
    str(r.category),
    str(r.serviceSource),
    str(r.detectionSource),
    str(r.productName),
    str(r.threatDisplayName),
    str(r.threatFamilyName),
    str(r.actorDisplayName),
    strings(r.mitreTechniques).join(' '),
    strings(r.categories).join(' '),
  );
  return { artifacts, targets, text };
}

export function normalizeAlert(r: Obj, ctx: NormalizeContext): Signal {
  const ind = new IndicatorSet();
  const parts = readAlert(r, ind);
  return buildSignal(ctx, {
    time: firstTime(r, 'createdDateTime', 'lastUpdateDateTime'),
    kind: 'alert',
    title: str(r.title) ?? `Alert ${str(r.id) ?? ctx.recordId}`,
    severity: alertSeverity(r.severity),
    targets: uniqueEntities(parts.targets),
    indicators: ind,
    artifacts: parts.artifacts,
    text: parts.text,
  });
}
