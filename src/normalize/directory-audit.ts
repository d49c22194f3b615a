// auditLogs.directoryAudits → signal (kind directory_audit).
// Time: activityDateTime. Outcome: result success → success, failure or timeout → failure, else unknown.
// Severity: changes to roles, credentials (app and service principal secrets/certificates) and Conditional Access
// policies → medium, the levers an attacker pulls to keep access; every other activity → informational.
// Actor: initiatedBy.user, else initiatedBy.app. Targets: targetResources (typed by their `type`), plus the role
// or group named in the modified properties of role/group membership changes.
// Indicators also come from the modified properties' old/new values and additionalDetails, which carry UPNs, IPs
// and user agents as text.
import type { Entity, NormalizeContext, Signal } from '../signals/signal.ts';
import { buildSignal } from './build-signal.ts';
import { entity, labelOf, uniqueEntities } from './entities.ts';
import { IndicatorSet } from './indicators.ts';
import type { IndicatorType } from '../signals/signal.ts';
import { asArray, asObj, isoTime, lower, str } from './record-fields.ts';
import type { Obj } from './record-fields.ts';
import { addTextIndicators } from './text-indicators.ts';

const TARGET_TYPES: Record<string, Entity['type']> = {
  user: 'user',
  group: 'group',
  serviceprincipal: 'service_principal',
  application: 'app',
  policy: 'policy',
  device: 'device',
  role: 'role',
  directoryrole: 'role',
  directory: 'tenant',
  tenant: 'tenant',
};

/** Which indicator types a target's id and name go under, by its entity type. */
const TARGET_INDICATORS: Partial<Record<Entity['type'], { id: IndicatorType; name: IndicatorType }>> = {
  user: { id: 'user_id', name: 'user_name' },
  service_principal: { id: 'service_principal_id', name: 'app_name' },
  app: { id: 'app_id', name: 'app_name' },
  device: { id: 'device_id', name: 'host' },
};

/** Modified property values are JSON text ("\"Global Administrator\"", "[\"a@b\"]"): the plain string inside. */
function unquote(v: unknown): string | null {
  const s = str(v);
  if (s === null) return null;
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(s);
      return typeof parsed === 'string' ? parsed : s;
    } catch {
      return s;
    }
  }
  return s;
}

function isSensitive(activity: string, category: string, service: string): boolean {
  const a = activity.toLowerCase();
  return (
    category === 'rolemanagement' ||
    a.includes(' role') ||
    a.includes('credential') ||
    a.includes('certificates and secrets') ||
    a.includes('conditional access') ||
    service === 'conditional access'
  );
}

export function normalizeDirectoryAudit(r: Obj, ctx: NormalizeContext): Signal {
  const ind = new IndicatorSet();
  const activity = str(r.activityDisplayName) ?? str(r.operationType) ?? 'Directory activity';
  const resultText = lower(r.result);
  const outcome = resultText === 'success' ? 'success' : resultText === 'failure' || resultText === 'timeout' ? 'failure' : null;
  const resultReason = str(r.resultReason);

  const initiatedBy = asObj(r.initiatedBy);
  const iu = initiatedBy === null ? null : asObj(initiatedBy.user);
  const ia = initiatedBy === null ? null : asObj(initiatedBy.app);
  let actor: Entity | null = null;
  if (iu !== null) {
    actor = entity('user', iu.id, iu.displayName, iu.userPrincipalName);
    ind.add('user_id', iu.id);
    ind.add('user_name', iu.displayName);
    ind.add('upn', iu.userPrincipalName);
    ind.add('ip', iu.ipAddress);
  }
  if (ia !== null) {
    actor ??= entity('app', ia.appId ?? ia.servicePrincipalId, ia.displayName ?? ia.servicePrincipalName);
    ind.add('app_id', ia.appId);
    ind.add('app_name', ia.displayName);
    ind.add('service_principal_id', ia.servicePrincipalId);
    ind.add('app_name', ia.servicePrincipalName);
  }
  ind.add('correlation_id', r.correlationId);

  const targets: Array<Entity | null> = [];
  const texts: Array<string | null> = [];
  let detail: string | null = null;
  for (const t of asArray(r.targetResources)) {
    const to = asObj(t);
    if (to === null) continue;
    // The documentation example spells it "Type"; the CSDL says "type".
    const type = TARGET_TYPES[lower(to.type ?? to.Type)] ?? 'other';
    const upn = type === 'user' ? to.userPrincipalName : null;
    targets.push(entity(type, to.id, to.displayName, upn));
    const map = TARGET_INDICATORS[type];
    if (map !== undefined) {
      ind.add(map.id, to.id);
      ind.add(map.name, to.displayName);
    }
    ind.add('upn', to.userPrincipalName);
    texts.push(str(to.displayName));
    for (const p of asArray(to.modifiedProperties)) {
      const po = asObj(p);
      if (po === null) continue;
      const name = str(po.displayName) ?? '';
      const newValue = str(po.newValue);
      const oldValue = str(po.oldValue);
      if (newValue !== null) addTextIndicators(ind, newValue);
      if (oldValue !== null) addTextIndicators(ind, oldValue);
      if (name === 'Role.DisplayName' || name === 'Group.DisplayName') {
        const shown = unquote(po.newValue) ?? unquote(po.oldValue);
        if (shown !== null) {
          detail ??= shown;
          texts.push(shown);
          targets.push(entity(name === 'Role.DisplayName' ? 'role' : 'group', null, shown));
        }
      }
    }
  }
  for (const d of asArray(r.additionalDetails)) {
    const dobj = asObj(d);
    const value = dobj === null ? null : str(dobj.value);
    if (value !== null) {
      addTextIndicators(ind, value);
      texts.push(value);
    }
  }

  const entities = uniqueEntities(targets);
  // The role or group is the detail after the colon; the title's arrow points at who or what else was changed.
  const named = entities.filter((e) => !(detail !== null && e.name === detail && (e.type === 'role' || e.type === 'group')));
  const targetLabels = named.map(labelOf).filter((l): l is string => l !== null);
  let title = activity;
  if (detail !== null) title += `: ${detail}`;
  if (targetLabels.length > 0) title += ` → ${targetLabels.join(', ')}`;
  const by = labelOf(actor);
  if (by !== null) title += `, by ${by}`;
  if (outcome === 'failure') title += resultReason !== null ? ` (failed: ${resultReason})` : ' (failed)';

  return buildSignal(ctx, {
    time: isoTime(r.activityDateTime),
    kind: 'directory_audit',
    title,
    severity: isSensitive(activity, lower(r.category), lower(r.loggedByService)) ? 'medium' : 'informational',
    outcome,
    actor,
    targets: entities,
    indicators: ind,
    text: [activity, str(r.category), str(r.loggedByService), str(r.operationType), resultReason, ...texts],
  });
}
