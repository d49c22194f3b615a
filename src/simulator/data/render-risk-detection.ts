// riskDetections (identityProtection/riskDetections): shaped like shared/graph-samples/identityProtection_riskDetections.json.
// The sort/cursor time is lastUpdatedDateTime, which moves when the detection's state changes (remediated, dismissed,
// confirmed); activityDateTime and detectedDateTime stay. Offline detections (leaked credentials, threat intelligence)
// are detected hours after the activity, as Entra documents (up to 48 h). additionalInfo is a JSON-encoded string.
import type { ScenarioRiskDetection } from './attack-scenarios.ts';
import { graphTime, HOUR_MS, MINUTE_MS } from './graph-time.ts';
import { guidFor, hashParts, rngFor } from './random.ts';
import type { Rng } from './random.ts';
import type { GraphObject } from './dataset.ts';
import { riskyUserToUserKey } from './render-risky-user.ts';
import type { RecordState, TenantContext } from './tenant-context.ts';
import { BROWSER_CLIENTS, HOSTILE_PLACES, TRAVEL_PLACES, ipv4 } from './vocabulary.ts';

const EVENT_TYPES: ReadonlyArray<readonly [string, number]> = [
  ['unfamiliarFeatures', 8],
  ['anonymizedIPAddress', 6],
  ['maliciousIPAddress', 3],
  ['unlikelyTravel', 4],
  ['leakedCredentials', 2],
  ['passwordSpray', 2],
  ['investigationsThreatIntelligence', 1],
  ['adminConfirmedUserCompromised', 1],
  ['suspiciousInboxForwarding', 1],
  ['mcasSuspiciousInboxManipulationRules', 1],
];

const OFFLINE = new Set(['leakedCredentials', 'investigationsThreatIntelligence', 'passwordSpray', 'suspiciousInboxForwarding', 'mcasSuspiciousInboxManipulationRules']);
const USER_ACTIVITY = new Set(['leakedCredentials', 'investigationsThreatIntelligence', 'adminConfirmedUserCompromised', 'suspiciousInboxForwarding', 'mcasSuspiciousInboxManipulationRules']);

/** (riskState, riskDetail) after an admin or the user acts on the risk. */
const OUTCOMES: ReadonlyArray<readonly [readonly [string, string], number]> = [
  [['remediated', 'userPerformedSecuredPasswordReset'], 4],
  [['remediated', 'userPassedMFADrivenByRiskBasedPolicy'], 3],
  [['dismissed', 'adminDismissedAllRiskForUser'], 3],
  [['confirmedSafe', 'adminConfirmedSigninSafe'], 1],
  [['confirmedCompromised', 'adminConfirmedUserCompromised'], 1],
];

export function riskDetectionId(ctx: TenantContext, key: number): string {
  // 64 lowercase hex characters, as Entra's detection ids are.
  return (guidFor(ctx.seed, 'riskDetection', key) + guidFor(ctx.seed, 'riskDetection2', key)).replace(/-/g, '');
}

/** `scenario`: an attack story's detection (attack-scenarios.ts) as first created; later versions still apply. */
export function renderRiskDetection(ctx: TenantContext, key: number, timeMs: number, state: RecordState | undefined, scenario?: ScenarioRiskDetection): GraphObject {
  const r = rngFor(ctx.seed, 'riskDetection', key);
  const eventType = scenario?.eventType ?? r.weighted(EVENT_TYPES);
  const offline = OFFLINE.has(eventType);
  const baseMs = state?.baseMs ?? timeMs;

  let riskState = 'atRisk';
  let riskDetail = 'none';
  let detectedMs = baseMs;
  if (scenario !== undefined) {
    ({ riskState, riskDetail, detectedMs } = scenario);
  } else if (!state?.live) {
    // Backfilled detections: some were already closed; their lastUpdatedDateTime (the stored time) is the closing.
    const outcome = r.chance(0.45) ? r.weighted(OUTCOMES) : null;
    if (outcome) {
      [riskState, riskDetail] = outcome;
      detectedMs = baseMs - r.int(1, 72) * HOUR_MS;
    }
  }
  for (let v = 1; v <= (state?.version ?? 0); v++) {
    const u = rngFor(ctx.seed, 'riskDetectionVersion', key, v);
    if (riskState === 'atRisk') [riskState, riskDetail] = u.weighted(OUTCOMES);
    else if (u.chance(0.5)) [riskState, riskDetail] = ['atRisk', 'none'];
    else [riskState, riskDetail] = u.weighted(OUTCOMES);
  }
  const activityMs = scenario !== undefined ? scenario.activityMs : offline ? detectedMs - r.int(1, 48) * HOUR_MS : detectedMs - r.int(1, 10) * MINUTE_MS;

  const user = ctx.userBasics(scenario?.userKey ?? pickUser(ctx, r));
  const place = scenario?.signIn?.place ?? (eventType === 'unlikelyTravel' ? r.pick(TRAVEL_PLACES) : r.pick(HOSTILE_PLACES));
  const ip = scenario?.signIn?.ip ?? ipv4(r, r.int(1, 3));
  const signin = !USER_ACTIVITY.has(eventType);
  const level = scenario !== undefined ? scenario.riskLevel : eventType === 'leakedCredentials' || eventType === 'adminConfirmedUserCompromised' ? 'high' : r.weighted([['low', 2], ['medium', 5], ['high', 2]] as const);
  return {
    '@odata.type': '#microsoft.graph.riskDetection',
    id: riskDetectionId(ctx, key),
    requestId: signin ? r.guid() : null,
    correlationId: signin ? r.guid() : null,
    riskEventType: eventType,
    riskState,
    riskLevel: level,
    riskDetail,
    source: eventType.startsWith('mcas') ? 'MicrosoftCloudAppSecurity' : eventType === 'adminConfirmedUserCompromised' ? 'IdentityProtection' : r.chance(0.8) ? 'IdentityProtection' : 'activeDirectory',
    detectionTimingType: offline ? 'offline' : 'realtime',
    activity: signin ? 'signin' : 'user',
    tokenIssuerType: 'AzureAD',
    ipAddress: signin ? ip : null,
    location: signin
      ? { city: place.city, state: place.state, countryOrRegion: place.countryOrRegion, geoCoordinates: { altitude: null, latitude: place.latitude, longitude: place.longitude } }
      : null,
    activityDateTime: graphTime(activityMs),
    detectedDateTime: graphTime(detectedMs),
    lastUpdatedDateTime: graphTime(timeMs),
    userId: user.id,
    userDisplayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
    additionalInfo: additionalInfo(eventType, r),
  };
}

/** Most detections concern the users Identity Protection already flags as risky. */
function pickUser(ctx: TenantContext, r: Rng): number {
  if (ctx.initialRiskyUsers > 0 && r.chance(0.6)) return riskyUserToUserKey(ctx, r.int(0, ctx.initialRiskyUsers));
  return hashParts(r.u32()) % ctx.populationSize;
}

function additionalInfo(eventType: string, r: Rng): string {
  const info: Array<{ Key: string; Value: unknown }> = [{ Key: 'userAgent', Value: r.pick(BROWSER_CLIENTS).userAgent }];
  if (eventType === 'unfamiliarFeatures') info.push({ Key: 'riskReasons', Value: r.some(['UnfamiliarASN', 'UnfamiliarBrowser', 'UnfamiliarDevice', 'UnfamiliarIP', 'UnfamiliarLocation', 'UnfamiliarTenantIPsubnet'], 2) });
  if (eventType === 'unlikelyTravel') info.push({ Key: 'relatedLocation', Value: { clientIP: ipv4(r, 0), latitude: 47.68, longitude: -122.12, asn: 8075, countryCode: 'US', countryName: 'United States', state: 'Washington', city: 'Redmond' } });
  return JSON.stringify(info);
}
