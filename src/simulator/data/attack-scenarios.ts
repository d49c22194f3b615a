// The attacks every default tenant has been through in the last day: fixed stories, placed at fixed offsets before
// the dataset's start so that the first collection (24 h lookback) already holds them, and built from the tenant's
// own people, apps and policies. Each one is what a built-in detection rule looks for (docs/simulator.md lists
// them); the rest of the generated data is random and may or may not contain such patterns.
//
// A story is data only: which user, when, from where, with what outcome. The renderers turn each entry into a record
// of the same shape as the random ones (render-sign-in.ts, render-directory-audit.ts, ...), and
// create-tenant-dataset.ts gives the entries the last keys of the backfill, so volumes stay what was asked for.
import { HOUR_MS, MINUTE_MS } from './graph-time.ts';
import { hashParts, rngFor } from './random.ts';
import type { Rng } from './random.ts';
import { riskyUserToUserKey } from './render-risky-user.ts';
import type { TenantContext, UserBasics } from './tenant-context.ts';
import { APPS, BROWSER_CLIENTS, BUSINESS_APPS, CA_POLICY_NAMES, FAILURES, HOSTILE_PLACES, LEGACY_APP, LEGACY_CLIENTS, TRAVEL_PLACES } from './vocabulary.ts';
import type { AppInfo, ClientProfile, Place, SignInFailure } from './vocabulary.ts';

export interface ScenarioSignIn {
  at: number;
  userKey: number;
  place: Place;
  ip: string;
  client: ClientProfile;
  app: AppInfo;
  failure: SignInFailure | null;
  /** MFA satisfied (successful sign-ins) or attempted. */
  mfa: boolean;
  /** The user's own managed laptop. */
  managed: boolean;
  riskLevel: 'none' | 'medium' | 'high';
  riskEvents: string[];
}

export type ScenarioAudit =
  | { at: number; activity: 'Add user' | 'Delete user'; initiatorKey: number; subject: UserBasics }
  | { at: number; activity: 'Add member to role'; initiatorKey: number; subject: UserBasics; role: string }
  | { at: number; activity: 'Add service principal credentials'; initiatorKey: number; appName: string; keyType: 'Password' | 'AsymmetricX509Cert' }
  | {
      at: number;
      activity: 'Update conditional access policy' | 'Delete conditional access policy';
      initiatorKey: number;
      policyName: string;
      oldState: string;
      newState: string;
    };

export interface ScenarioRiskDetection {
  at: number;
  eventType: string;
  userKey: number;
  riskState: string;
  riskDetail: string;
  riskLevel: 'low' | 'medium' | 'high';
  detectedMs: number;
  activityMs: number;
  /** Null for user-activity detections (no sign-in, no place). */
  signIn: { place: Place; ip: string } | null;
}

export interface ScenarioRiskyUser {
  at: number;
  /** Risky-user record key: decides the user (riskyUserToUserKey). */
  key: number;
  riskState: string;
  riskLevel: string;
  riskDetail: string;
}

export interface AttackScenarios {
  signIns: ScenarioSignIn[];
  audits: ScenarioAudit[];
  riskDetections: ScenarioRiskDetection[];
  riskyUsers: ScenarioRiskyUser[];
  /** The account created and deleted again: the first user key after the population, never listed by /users. */
  throwaway: { key: number; createdAt: number };
  /** When Defender XDR opens a new high-severity incident (with its first alert), still untouched by the SOC. */
  defenderIncidentAt: number;
}

/** The stories fit in the last day, so a first collection with the default 24 h lookback sees all of them. */
export const SCENARIO_SPAN_MS = 22 * HOUR_MS;
/** Distinct non-admin users the stories need (a spray needs many victims). */
const USERS_NEEDED = 12;
const SPRAY_TARGETS = 8;

const EARTH_RADIUS_KM = 6371;

function distanceKm(a: Place, b: Place): number {
  const rad = (d: number): number => (d * Math.PI) / 180;
  const h = Math.sin(rad(b.latitude - a.latitude) / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(rad(b.longitude - a.longitude) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The place of `places` farthest from `from` (ties: the first). */
function farthest(places: readonly Place[], from: Place): Place {
  let best = places[0]!;
  for (const p of places) if (distanceKm(from, p) > distanceKm(from, best)) best = p;
  return best;
}

type SignInDraft = Omit<ScenarioSignIn, 'managed' | 'riskLevel' | 'riskEvents'> & Partial<ScenarioSignIn>;

function draft(s: SignInDraft): ScenarioSignIn {
  return { managed: false, riskLevel: 'none', riskEvents: [], ...s };
}

// Attackers come from the third documentation range (the first two are the tenant's own offices).
const attackerIp = (r: Rng): string => `192.0.2.${r.int(1, 255)}`;
const hostile = (r: Rng): Place => r.pick(HOSTILE_PLACES);

/**
 * Password spray: one address tries one password against many users over legacy authentication, 40 s apart; the
 * last user's password was that one (a successful IMAP sign-in, which legacy auth lets through without MFA).
 */
function passwordSpray(r: Rng, targets: readonly number[], t0: number): ScenarioSignIn[] {
  const ip = attackerIp(r);
  const place = hostile(r);
  const client = LEGACY_CLIENTS.find((c) => c.clientAppUsed === 'IMAP4')!;
  return targets.map((k, i) => {
    const hit = i === targets.length - 1;
    return draft({ at: t0 + i * 40_000, userKey: k, place, ip, client, app: LEGACY_APP, failure: hit ? null : FAILURES.invalidPassword, mfa: false });
  });
}

/** Brute force: twelve wrong passwords within nine minutes from one address, the last two after Smart Lockout. */
function bruteForce(r: Rng, victim: number, t0: number): ScenarioSignIn[] {
  const ip = attackerIp(r);
  const place = hostile(r);
  const client = LEGACY_CLIENTS.find((c) => c.clientAppUsed === 'Other clients')!;
  return Array.from({ length: 12 }, (_, i) =>
    draft({ at: t0 + i * 45_000, userKey: victim, place, ip, client, app: LEGACY_APP, failure: i < 10 ? FAILURES.invalidPassword : FAILURES.locked, mfa: false }),
  );
}

/**
 * MFA fatigue: the attacker holds the password and keeps pushing MFA prompts; each attempt logs "strong
 * authentication required" and then the denial. The seventh prompt is approved: a risky sign-in that succeeded.
 */
function mfaFatigue(r: Rng, victim: number, t0: number): ScenarioSignIn[] {
  const ip = attackerIp(r);
  const place = hostile(r);
  const client = r.pick(BROWSER_CLIENTS);
  const app = APPS[1]!;
  const out: ScenarioSignIn[] = [];
  for (let i = 0; i < 6; i++) {
    const at = t0 + i * 80_000;
    out.push(draft({ at, userKey: victim, place, ip, client, app, failure: FAILURES.strongAuthRequired, mfa: true }));
    out.push(draft({ at: at + 20_000, userKey: victim, place, ip, client, app, failure: FAILURES.mfaFailed, mfa: true }));
  }
  out.push(draft({ at: t0 + 9 * MINUTE_MS, userKey: victim, place, ip, client, app, failure: null, mfa: true, riskLevel: 'medium', riskEvents: ['unfamiliarFeatures'] }));
  return out;
}

/** How long each live attack lasts: its sign-ins end at the time asked for. */
const LIVE_ATTACK_MS = 10 * MINUTE_MS;

/**
 * One attack for the live tenant (a spray, a brute force or MFA fatigue against random non-admin users), its
 * sign-ins ending at `endMs`; empty when the tenant has too few people.
 */
export function liveAttack(ctx: TenantContext, r: Rng, endMs: number): ScenarioSignIn[] {
  if (!canStage(ctx)) return [];
  const people = Array.from({ length: ctx.populationSize }, (_, k) => k).filter((k) => !ctx.adminKeys.includes(k));
  const t0 = endMs - LIVE_ATTACK_MS;
  const kind = r.weighted([['spray', 2], ['bruteForce', 2], ['mfaFatigue', 1]] as const);
  if (kind === 'spray') {
    const targets = r.some(people, SPRAY_TARGETS);
    return passwordSpray(r, targets, t0);
  }
  const victim = r.pick(people);
  return kind === 'bruteForce' ? bruteForce(r, victim, t0) : mfaFatigue(r, victim, t0);
}

/** Whether the tenant has the people the stories need; a tiny tenant gets none. */
export function canStage(ctx: TenantContext): boolean {
  return ctx.populationSize - ctx.adminKeys.length >= USERS_NEEDED;
}

/**
 * The tenant's attack stories, ending shortly before `to` (the dataset's start). Deterministic for a tenant: the
 * victims, attacker addresses and a few minutes of offset come from the tenant's seed.
 */
export function attackScenarios(ctx: TenantContext, to: number): AttackScenarios {
  const r = rngFor(ctx.seed, 'attackScenarios');
  // Victims: distinct non-admin users. The MFA-fatigue victim is risky-user record 0, so Identity Protection's
  // view of that user (confirmed compromised) matches the story.
  const fatigueVictim = riskyUserToUserKey(ctx, 0);
  const others = r.some(
    Array.from({ length: ctx.populationSize }, (_, k) => k).filter((k) => !ctx.adminKeys.includes(k) && k !== fatigueVictim),
    USERS_NEEDED - 1,
  );
  // Selection sampling keeps list order; shuffle so the roles do not always go to the lowest keys.
  for (let i = others.length - 1; i > 0; i--) {
    const j = r.int(0, i + 1);
    [others[i], others[j]] = [others[j]!, others[i]!];
  }
  const [bruteVictim, traveller, ...sprayed] = others as [number, number, ...number[]];
  const sprayTargets = sprayed.slice(0, SPRAY_TARGETS);
  const admin = ctx.adminKeys[ctx.adminKeys.length - 1] ?? 0;
  const user = (k: number): UserBasics => ctx.userBasics(k);
  // A few minutes of per-tenant offset: several simulated tenants do not share attack timestamps.
  const end = to - 20 * MINUTE_MS - (hashParts(ctx.seed, 'scenarioOffset') % (15 * MINUTE_MS));
  const signIns: ScenarioSignIn[] = [];
  const signIn = (s: SignInDraft): void => {
    signIns.push(draft(s));
  };

  // 1. Impossible travel (and a new country): the traveller signs in at the office, then, 25 minutes later, from
  // the far side of the world with a replayed session.
  {
    const t0 = end - 20 * HOUR_MS;
    const home = user(traveller).home;
    const away = farthest([...TRAVEL_PLACES, ...HOSTILE_PLACES], home);
    const laptop = BROWSER_CLIENTS[0]!;
    signIn({ at: t0, userKey: traveller, place: home, ip: user(traveller).homeIp, client: laptop, app: APPS[0]!, failure: null, mfa: true, managed: true });
    signIn({ at: t0 + 25 * MINUTE_MS, userKey: traveller, place: away, ip: attackerIp(r), client: r.pick(BROWSER_CLIENTS), app: APPS[0]!, failure: null, mfa: true });
  }

  // 2-4. A password spray with one hit, a brute force ending in a lockout, MFA fatigue ending in an approval.
  signIns.push(...passwordSpray(r, sprayTargets, end - 16 * HOUR_MS));
  signIns.push(...bruteForce(r, bruteVictim, end - 10 * HOUR_MS));
  signIns.push(...mfaFatigue(r, fatigueVictim, end - 6 * HOUR_MS));

  // 5. Identity Protection: the sprayed password shows up as a passwordSpray detection (offline, hours later), the
  // admin confirms the MFA-fatigue victim compromised (a detection and the risky user's state).
  const sprayHit = sprayTargets[sprayTargets.length - 1]!;
  const sprayAt = end - 16 * HOUR_MS + (sprayTargets.length - 1) * 40_000;
  const sprayIn = signIns.find((s) => s.userKey === sprayHit && s.at === sprayAt)!;
  const confirmedAt = end - 4 * HOUR_MS;
  const riskDetections: ScenarioRiskDetection[] = [
    {
      at: sprayAt + 3 * HOUR_MS,
      eventType: 'passwordSpray',
      userKey: sprayHit,
      riskState: 'atRisk',
      riskDetail: 'none',
      riskLevel: 'high',
      detectedMs: sprayAt + 3 * HOUR_MS,
      activityMs: sprayAt,
      signIn: { place: sprayIn.place, ip: sprayIn.ip },
    },
    {
      at: confirmedAt,
      eventType: 'adminConfirmedUserCompromised',
      userKey: fatigueVictim,
      riskState: 'confirmedCompromised',
      riskDetail: 'adminConfirmedUserCompromised',
      riskLevel: 'high',
      detectedMs: confirmedAt,
      activityMs: confirmedAt,
      signIn: null,
    },
  ];
  const riskyUsers: ScenarioRiskyUser[] = [
    { at: confirmedAt, key: 0, riskState: 'confirmedCompromised', riskLevel: 'high', riskDetail: 'adminConfirmedUserCompromised' },
  ];

  // 6. Persistence in the directory: an admin session (the admin's own address) switches off the legacy
  // authentication block, deletes a pilot policy, creates a throwaway account, makes it Global Administrator, adds a
  // client secret to a business app, and deletes the account three hours later.
  const t0 = end - 5 * HOUR_MS;
  // An ordinary-looking name: the next user the tenant would have had.
  const throwaway = user(ctx.populationSize);
  const legacyBlock = CA_POLICY_NAMES[1];
  const pilot = `Pilot - ${r.pick(CA_POLICY_NAMES.filter((p) => p !== legacyBlock))}`;
  const audits: ScenarioAudit[] = [
    { at: t0, activity: 'Update conditional access policy', initiatorKey: admin, policyName: legacyBlock, oldState: 'enabled', newState: 'disabled' },
    { at: t0 + 2 * MINUTE_MS, activity: 'Delete conditional access policy', initiatorKey: admin, policyName: pilot, oldState: 'enabledForReportingButNotEnforced', newState: 'enabledForReportingButNotEnforced' },
    { at: t0 + 10 * MINUTE_MS, activity: 'Add user', initiatorKey: admin, subject: throwaway },
    { at: t0 + 12 * MINUTE_MS, activity: 'Add member to role', initiatorKey: admin, subject: throwaway, role: 'Global Administrator' },
    { at: t0 + 15 * MINUTE_MS, activity: 'Add service principal credentials', initiatorKey: admin, appName: r.pick(BUSINESS_APPS), keyType: 'Password' },
    { at: t0 + 3 * HOUR_MS + 10 * MINUTE_MS, activity: 'Delete user', initiatorKey: admin, subject: throwaway },
  ];

  // 7. Defender XDR: a new high-severity incident, opened an hour before the start and not yet triaged.
  const defenderIncidentAt = end - HOUR_MS;

  return { signIns, audits, riskDetections, riskyUsers, throwaway: { key: throwaway.key, createdAt: t0 + 10 * MINUTE_MS }, defenderIncidentAt };
}
