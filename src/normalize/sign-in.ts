// auditLogs.signIns → signal (kind sign_in). The hot path: every field is read by name, nothing is scanned.
// Time: createdDateTime. Outcome: status.errorCode 0 = success, any other code = failure, absent = unknown.
// Severity: success → informational, failure → low; a risky sign-in raises it to its risk level (the higher of
// riskLevelAggregated and riskLevelDuringSignIn: low/medium/high; none and hidden raise nothing).
// Actor: the user (or the service principal when no user is named). Targets: the app and the resource it reached.
import type { NormalizeContext, Severity, Signal } from '../signals/signal.ts';
import { buildSignal } from './build-signal.ts';
import { entity, labelOf, signInLocation, uniqueEntities } from './entities.ts';
import { IndicatorSet } from './indicators.ts';
import { asArray, asObj, isoTime, lower, num, str, strings } from './record-fields.ts';
import type { Obj } from './record-fields.ts';
import { maxSeverity } from './severity.ts';

function riskOf(r: Obj): Severity | null {
  let best: Severity | null = null;
  for (const v of [lower(r.riskLevelAggregated), lower(r.riskLevelDuringSignIn)]) {
    if (v === 'low' || v === 'medium' || v === 'high') best = best === null ? v : maxSeverity(best, v);
  }
  return best;
}

export function normalizeSignIn(r: Obj, ctx: NormalizeContext): Signal {
  const status = asObj(r.status);
  const code = status === null ? null : num(status.errorCode);
  const outcome = code === null ? null : code === 0 ? 'success' : 'failure';
  const failureReason = status === null ? null : str(status.failureReason);
  const additionalDetails = status === null ? null : str(status.additionalDetails);
  const device = asObj(r.deviceDetail);
  const loc = signInLocation(r.location);

  const user = entity('user', r.userId, r.userDisplayName, r.userPrincipalName);
  const actor = user ?? entity('service_principal', r.servicePrincipalId, r.servicePrincipalName);
  const app = entity('app', r.appId, r.appDisplayName);
  const resource = str(r.resourceId) === str(r.appId) ? null : entity('app', r.resourceId, r.resourceDisplayName);

  const ind = new IndicatorSet();
  ind.add('ip', r.ipAddress);
  ind.add('upn', r.userPrincipalName);
  ind.add('user_id', r.userId);
  ind.add('user_name', r.userDisplayName);
  ind.add('app_id', r.appId);
  ind.add('app_name', r.appDisplayName);
  ind.add('app_id', r.resourceId);
  ind.add('app_name', r.resourceDisplayName);
  ind.add('service_principal_id', r.servicePrincipalId);
  ind.add('app_name', r.servicePrincipalName);
  ind.add('correlation_id', r.correlationId);
  if (device !== null) {
    ind.add('device_id', device.deviceId);
    ind.add('host', device.displayName);
  }
  if (loc !== null) ind.add('country', loc.country);

  const appName = str(r.appDisplayName) ?? str(r.resourceDisplayName) ?? str(r.appId);
  const ip = str(r.ipAddress);
  const who = labelOf(actor);
  const risk = riskOf(r);
  const riskEvents = strings(r.riskEventTypes_v2).length > 0 ? strings(r.riskEventTypes_v2) : strings(r.riskEventTypes);
  let title = outcome === 'success' ? 'Sign-in succeeded' : outcome === 'failure' ? 'Sign-in failed' : 'Sign-in';
  if (who !== null) title += ` for ${who}`;
  if (appName !== null) title += ` to ${appName}`;
  if (ip !== null) title += ` from ${ip}`;
  if (outcome === 'failure') title += failureReason !== null ? ` (${code}: ${failureReason})` : ` (${code})`;
  if (risk === 'medium' || risk === 'high') title += ` [risk ${risk}${riskEvents.length > 0 ? `: ${riskEvents.join(', ')}` : ''}]`;

  let severity: Severity = outcome === 'failure' ? 'low' : 'informational';
  if (risk !== null) severity = maxSeverity(severity, risk);

  const failedPolicies: string[] = [];
  for (const p of asArray(r.appliedConditionalAccessPolicies)) {
    const po = asObj(p);
    if (po !== null && lower(po.result) === 'failure') {
      const name = str(po.displayName);
      if (name !== null) failedPolicies.push(name);
    }
  }

  return buildSignal(ctx, {
    time: isoTime(r.createdDateTime),
    kind: 'sign_in',
    title,
    severity,
    outcome,
    actor,
    targets: uniqueEntities([app, resource]),
    location: loc,
    indicators: ind,
    text: [
      str(r.appDisplayName),
      str(r.resourceDisplayName),
      failureReason,
      additionalDetails,
      str(r.userAgent),
      str(r.clientAppUsed),
      device === null ? null : str(device.operatingSystem),
      device === null ? null : str(device.browser),
      device === null ? null : str(device.displayName),
      loc?.city,
      loc?.state,
      loc?.country,
      riskEvents.join(' '),
      ...failedPolicies,
    ],
  });
}
