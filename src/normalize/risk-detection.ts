// identityProtection.riskDetections → signal (kind risk_detection).
// Time: detectedDateTime, else activityDateTime, else lastUpdatedDateTime (as the stored record).
// Title: "<riskEventType> (<riskLevel>) for <user>", plus the IP when there is one.
// Severity: riskLevel (severity.ts riskSeverity: hidden → low, none → informational). Outcome: none. Actor: the
// user whose sign-in or account activity was detected. Location: the detection's.
// additionalInfo is JSON text ([{"Key","Value"}]): parsed for the user agent and the related location's client IP.
import type { NormalizeContext, Signal } from '../signals/signal.ts';
import { buildSignal } from './build-signal.ts';
import { entity, labelOf, signInLocation } from './entities.ts';
import { IndicatorSet } from './indicators.ts';
import { asArray, asObj, firstTime, str } from './record-fields.ts';
import type { Obj } from './record-fields.ts';
import { riskSeverity } from './severity.ts';
import { addTextIndicators } from './text-indicators.ts';

/** Reads additionalInfo into `ind` and returns its text values; unparseable text is scanned as it is. */
function readAdditionalInfo(v: unknown, ind: IndicatorSet): string[] {
  const s = str(v);
  if (s === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(s);
  } catch {
    addTextIndicators(ind, s);
    return [s];
  }
  const out: string[] = [];
  const visit = (x: unknown, key: string, depth: number): void => {
    if (depth > 8) return;
    if (typeof x === 'string') {
      out.push(x);
      if (/ip/i.test(key)) ind.add('ip', x);
      else if (key.toLowerCase() !== 'useragent') addTextIndicators(ind, x);
      return;
    }
    if (Array.isArray(x)) {
      for (const y of x) visit(y, key, depth + 1);
      return;
    }
    const o = asObj(x);
    if (o === null) return;
    // [{"Key":"userAgent","Value":"..."}]: the Value is named by its Key.
    const named = typeof o.Key === 'string' && 'Value' in o;
    if (named) visit(o.Value, String(o.Key), depth + 1);
    else for (const k of Object.keys(o)) visit(o[k], k, depth + 1);
  };
  for (const item of Array.isArray(parsed) ? parsed : [parsed]) visit(item, '', 0);
  return out;
}

export function normalizeRiskDetection(r: Obj, ctx: NormalizeContext): Signal {
  const ind = new IndicatorSet();
  ind.add('ip', r.ipAddress);
  ind.add('user_id', r.userId);
  ind.add('upn', r.userPrincipalName);
  ind.add('user_name', r.userDisplayName);
  ind.add('correlation_id', r.correlationId);
  ind.add('correlation_id', r.requestId);
  const loc = signInLocation(r.location);
  if (loc !== null) ind.add('country', loc.country);
  const info = readAdditionalInfo(r.additionalInfo, ind);

  const user = entity('user', r.userId, r.userDisplayName, r.userPrincipalName);
  const eventType = str(r.riskEventType) ?? 'Risk detection';
  const level = str(r.riskLevel);
  let title = level !== null ? `${eventType} (${level})` : eventType;
  const who = labelOf(user);
  if (who !== null) title += ` for ${who}`;
  const ip = str(r.ipAddress);
  if (ip !== null) title += ` from ${ip}`;

  return buildSignal(ctx, {
    time: firstTime(r, 'detectedDateTime', 'activityDateTime', 'lastUpdatedDateTime'),
    kind: 'risk_detection',
    title,
    severity: riskSeverity(r.riskLevel),
    actor: user,
    location: loc,
    indicators: ind,
    text: [
      eventType,
      str(r.riskState),
      str(r.riskDetail),
      str(r.source),
      str(r.activity),
      str(r.detectionTimingType),
      loc?.city,
      loc?.state,
      loc?.country,
      ...info,
      ...asArray(r.riskEventTypes).map(str),
    ],
  });
}
