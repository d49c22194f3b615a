// signIns: interactive sign-ins shaped like shared/graph-samples/auditLogs_signIns.normalized.json.
// The mix: ~85% success, real Entra failure codes, MFA, risky and anonymised-IP sign-ins, password sprays over
// legacy protocols, travel. The user comes from the tenant's population so ids and UPNs match /users.
// This is the hot path (a million records rendered on demand), so it draws from one Rng per record and builds
// the object literal in one go.
import { graphTime } from './graph-time.ts';
import type { ScenarioSignIn } from './attack-scenarios.ts';
import { Rng, guidFor, mix } from './random.ts';
import type { GraphObject } from './dataset.ts';
import type { TenantContext, UserBasics } from './tenant-context.ts';
import {
  ADMIN_APPS,
  APPS,
  BROWSER_CLIENTS,
  DESKTOP_CLIENTS,
  FAILURES,
  HOSTILE_PLACES,
  LEGACY_APP,
  LEGACY_CLIENTS,
  TRAVEL_PLACES,
  ipv4,
  ipv6,
} from './vocabulary.ts';
import type { AppInfo, ClientProfile, Place, SignInFailure } from './vocabulary.ts';

const SALT = 0x5a61b0c3;

export function signInId(ctx: TenantContext, key: number): string {
  return guidFor(ctx.seed, 'signIn', key);
}

type Kind = 'normal' | 'legacy' | 'spray' | 'risky';

/** `scenario`: an attack story's sign-in (attack-scenarios.ts) instead of a random one. */
export function renderSignIn(ctx: TenantContext, key: number, timeMs: number, scenario?: ScenarioSignIn): GraphObject {
  const r = new Rng(mix(ctx.seed ^ SALT, key));
  const drawn = r.int(0, ctx.populationSize);
  const user = ctx.userBasics(scenario?.userKey ?? drawn);
  const roll = r.next();
  const kind: Kind = roll < 0.025 ? 'spray' : roll < 0.05 ? 'legacy' : roll < 0.09 ? 'risky' : 'normal';

  let client: ClientProfile;
  let app: AppInfo;
  let place: Place;
  let ip: string;
  let failure: SignInFailure | null = null;
  let mfa = false;
  let blockedBy = -1;
  let riskLevel = 'none';
  let riskEvents: string[] = [];

  if (scenario !== undefined) {
    ({ client, app, place, ip, failure, mfa } = scenario);
    riskLevel = scenario.riskLevel;
    riskEvents = scenario.riskEvents;
  } else if (kind === 'spray') {
    // Password spray or brute force from abroad against basic-auth endpoints.
    client = r.pick(LEGACY_CLIENTS);
    app = LEGACY_APP;
    place = r.pick(HOSTILE_PLACES);
    ip = r.chance(0.8) ? ipv4(r, 2) : ipv6(r);
    failure = r.chance(0.8) ? FAILURES.invalidPassword : r.chance(0.6) ? FAILURES.locked : FAILURES.blockedByCa;
    if (failure === FAILURES.blockedByCa) blockedBy = 1;
    if (r.chance(0.3)) {
      riskLevel = 'medium';
      riskEvents = ['passwordSpray'];
    }
  } else if (kind === 'legacy') {
    // A real user's old mail client: mostly stopped by "Block legacy authentication".
    client = r.pick(LEGACY_CLIENTS);
    app = LEGACY_APP;
    place = user.home;
    ip = user.homeIp;
    if (r.chance(0.6)) {
      failure = FAILURES.blockedByCa;
      blockedBy = 1;
    }
  } else if (kind === 'risky') {
    client = r.pick(BROWSER_CLIENTS);
    app = r.pick(APPS);
    const event = r.weighted([['anonymizedIPAddress', 4], ['unfamiliarFeatures', 5], ['maliciousIPAddress', 2], ['unlikelyTravel', 2]] as const);
    riskEvents = event === 'unfamiliarFeatures' && r.chance(0.3) ? ['unfamiliarFeatures', 'anonymizedIPAddress'] : [event];
    riskLevel = r.chance(0.35) ? 'high' : 'medium';
    place = event === 'unlikelyTravel' ? r.pick(TRAVEL_PLACES) : r.pick(HOSTILE_PLACES);
    ip = r.chance(0.85) ? ipv4(r, 1 + r.int(0, 2)) : ipv6(r);
    const outcome = r.next();
    if (outcome < 0.35) {
      failure = FAILURES.mfaFailed;
    } else if (outcome < 0.55) {
      failure = FAILURES.blockedByCa;
      blockedBy = 4;
    } else if (outcome < 0.65) {
      failure = FAILURES.invalidPassword;
    } else {
      mfa = true;
    }
  } else {
    const desktop = r.chance(0.35);
    client = desktop ? r.pick(DESKTOP_CLIENTS) : r.pick(BROWSER_CLIENTS);
    app = user.isAdmin && r.chance(0.4) ? r.pick(ADMIN_APPS) : r.pick(APPS);
    const travelling = r.chance(0.08);
    place = travelling ? r.pick(TRAVEL_PLACES) : user.home;
    ip = travelling ? ipv4(r, 1) : r.chance(0.9) ? user.homeIp : ipv6(r);
    mfa = user.isAdmin || travelling || r.chance(0.3);
    const outcome = r.next();
    if (outcome < 0.05) failure = FAILURES.invalidPassword;
    else if (outcome < 0.065) failure = FAILURES.strongAuthRequired;
    else if (outcome < 0.075) failure = FAILURES.mfaRequiredLocation;
    else if (outcome < 0.085) failure = FAILURES.keepMeSignedIn;
    else if (outcome < 0.09) failure = FAILURES.mfaFailed;
    else if (outcome < 0.095) failure = FAILURES.passwordExpired;
    else if (outcome < 0.098) failure = FAILURES.disabled;
    else if (outcome < 0.103) {
      failure = FAILURES.blockedByCa;
      blockedBy = 3;
    }
    if (failure !== null && failure !== FAILURES.mfaFailed) mfa = false;
  }

  if (blockedBy >= 0 && ctx.caPolicies[blockedBy]?.state !== 'enabled') {
    // The tenant runs that policy report-only or not at all: the sign-in gets an MFA challenge instead of a block.
    blockedBy = -1;
    failure = FAILURES.strongAuthRequired;
  }
  const managed = scenario !== undefined ? scenario.managed : kind === 'normal' && client.operatingSystem.startsWith('Windows') && r.chance(0.85);
  const success = failure === null;
  const policies = appliedPolicies(ctx, r, { blockedBy, mfa, admin: user.isAdmin, success });
  const enforced = policies.some((p) => p.result === 'success' || p.result === 'failure');
  const caStatus = blockedBy >= 0 ? 'failure' : enforced ? 'success' : 'notApplied';
  const riskState = riskLevel === 'none' ? 'none' : 'atRisk';

  return {
    id: signInId(ctx, key),
    createdDateTime: graphTime(timeMs),
    userDisplayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
    userId: user.id,
    appId: app.appId,
    appDisplayName: app.displayName,
    ipAddress: ip,
    clientAppUsed: client.clientAppUsed,
    userAgent: client.userAgent,
    correlationId: r.guid(),
    conditionalAccessStatus: caStatus,
    isInteractive: true,
    riskDetail: 'none',
    riskLevelAggregated: riskLevel,
    riskLevelDuringSignIn: riskLevel,
    riskState,
    riskEventTypes: riskEvents.filter((e) => e !== 'passwordSpray'),
    riskEventTypes_v2: riskEvents,
    resourceDisplayName: app.resourceDisplayName,
    resourceId: app.resourceId,
    resourceTenantId: ctx.tenantId,
    homeTenantId: ctx.tenantId,
    status: {
      errorCode: failure ? failure.errorCode : 0,
      failureReason: failure ? failure.failureReason : null,
      additionalDetails: failure
        ? failure.additionalDetails
        : mfa
          ? r.chance(0.6)
            ? 'MFA requirement satisfied by claim in the token'
            : 'MFA completed in Azure AD'
          : null,
    },
    deviceDetail: deviceDetail(user, client, managed, r),
    location: location(place, r),
    appliedConditionalAccessPolicies: policies,
  };
}

function deviceDetail(user: UserBasics, client: ClientProfile, managed: boolean, r: Rng): GraphObject {
  if (managed) {
    return {
      deviceId: user.deviceId,
      displayName: user.deviceName,
      operatingSystem: client.operatingSystem,
      browser: client.browser,
      isCompliant: r.chance(0.95),
      isManaged: true,
      trustType: r.chance(0.6) ? 'Azure AD joined' : 'Hybrid Azure AD joined',
    };
  }
  return {
    deviceId: '',
    displayName: null,
    operatingSystem: client.operatingSystem,
    browser: client.browser,
    isCompliant: null,
    isManaged: null,
    trustType: null,
  };
}

function location(place: Place, r: Rng): GraphObject {
  return {
    city: place.city,
    state: place.state,
    countryOrRegion: place.countryOrRegion,
    geoCoordinates: {
      altitude: null,
      // A little jitter: IP geolocation lands around a city, not on its centre.
      latitude: Math.round((place.latitude + r.between(-0.05, 0.05)) * 1e6) / 1e6,
      longitude: Math.round((place.longitude + r.between(-0.05, 0.05)) * 1e6) / 1e6,
    },
  };
}

interface AppliedPolicy {
  id: string;
  displayName: string;
  enforcedGrantControls: string[];
  enforcedSessionControls: string[];
  result: string;
}

/**
 * Every tenant policy appears with its result, as Entra reports them. Policy indexes follow CA_POLICY_NAMES:
 * 0 admin MFA, 1 block legacy auth, 2 MFA for Azure management, 3 compliant device, 4 sign-in risk, 5 countries.
 */
function appliedPolicies(
  ctx: TenantContext,
  r: Rng,
  s: { blockedBy: number; mfa: boolean; admin: boolean; success: boolean },
): AppliedPolicy[] {
  return ctx.caPolicies.map((p, i) => {
    let result = 'notApplied';
    let grant: string[] = [];
    if (p.state === 'disabled') {
      result = 'notEnabled';
    } else if (i === s.blockedBy) {
      result = 'failure';
      grant = i === 3 ? ['RequireCompliantDevice'] : ['Block'];
    } else if (i === 0 && s.admin && s.mfa) {
      result = 'success';
      grant = ['Mfa'];
    } else if (i === 4 && s.mfa && s.success && r.chance(0.5)) {
      result = 'success';
      grant = ['Mfa'];
    }
    if (p.state === 'reportOnly' && result !== 'notEnabled') {
      result = result === 'failure' ? 'reportOnlyFailure' : result === 'success' ? 'reportOnlySuccess' : 'reportOnlyNotApplied';
      grant = [];
    }
    return { id: p.id, displayName: p.displayName, enforcedGrantControls: grant, enforcedSessionControls: [], result };
  });
}
