// What every renderer of one tenant shares: its seed, ids, domain, people and policies.
// Everything here is derived once from the dataset options; renderers stay pure functions of (context, key, time, state).
import { guidFor, hashParts, rngFor } from './random.ts';
import { ADMIN_JOB_TITLES, CA_POLICY_NAMES, DEPARTMENTS, GIVEN_NAMES, HOME_PLACES, JOB_TITLES, SURNAMES } from './vocabulary.ts';
import type { Place } from './vocabulary.ts';

/** The identity facts of a user that other endpoints quote (sign-ins, audits, risk, evidence). Never change. */
export interface UserBasics {
  key: number;
  id: string;
  givenName: string;
  surname: string;
  displayName: string;
  /** Lowercase, as sign-ins report it. */
  userPrincipalName: string;
  isAdmin: boolean;
  home: Place;
  /** The user's usual public address (their office's or home's NAT). */
  homeIp: string;
  department: string;
  jobTitle: string;
  /** The user's managed laptop, used by sign-ins and device evidence. */
  deviceId: string;
  deviceName: string;
}

export interface ConditionalAccessPolicy {
  id: string;
  displayName: string;
  /** Disabled and report-only policies still appear in appliedConditionalAccessPolicies. */
  state: 'enabled' | 'disabled' | 'reportOnly';
}

/** The live mutable state of one record (mutable endpoints only); absent = the record as first generated. */
export interface RecordState {
  /** The record's original primary time (riskDetections/riskyUsers move in sort order when updated). */
  baseMs: number;
  /** 0 = as created; each update adds one. */
  version: number;
  /** When the latest version was made (simNow of the update, or the creation time). */
  updatedMs: number;
  /** When each version >= 1 was made (index v - 1): comments and history quote them. */
  versionMs: number[];
  /** Created by add()/tick() rather than the initial backfill: starts "new" instead of with a history. */
  live: boolean;
}

export interface TenantContext {
  /** hash(seed, tenantId): the root of every per-record seed. */
  readonly seed: number;
  readonly tenantId: string;
  readonly domain: string;
  readonly startTime: number;
  /** Users that other endpoints pick from (keys 0..populationSize-1, the initial users). */
  readonly populationSize: number;
  readonly caPolicies: readonly ConditionalAccessPolicy[];
  /** Incident ids are numeric: base + key. */
  readonly incidentIdBase: number;
  /** How many users were risky at start: risk detections favour them. */
  readonly initialRiskyUsers: number;
  userBasics(key: number): UserBasics;
  /** Keys of the admin users (the first few keys): audits' initiators and incident assignees. */
  readonly adminKeys: readonly number[];
}

// 52 × 55 name pairs; a multiplier coprime to their product walks every pair once before repeating.
const NAME_PAIRS = GIVEN_NAMES.length * SURNAMES.length;
const NAME_STRIDE = 1009;

export function createTenantContext(opts: {
  seed: string | number;
  tenantId: string;
  domain: string;
  startTime: number;
  userCount: number;
  riskyUserCount: number;
}): TenantContext {
  const seed = hashParts(String(opts.seed), opts.tenantId);
  const populationSize = opts.userCount > 0 ? opts.userCount : 20;
  const nameOffset = seed % NAME_PAIRS;
  const cache = new Map<number, UserBasics>();
  const adminCount = Math.max(1, Math.min(3, Math.floor(populationSize / 10)));
  const domain = opts.domain.toLowerCase();

  const userBasics = (key: number): UserBasics => {
    const hit = cache.get(key);
    if (hit) return hit;
    const r = rngFor(seed, 'user', key);
    const pair = (key * NAME_STRIDE + nameOffset) % NAME_PAIRS;
    const givenName = GIVEN_NAMES[pair % GIVEN_NAMES.length]!;
    const surname = SURNAMES[Math.floor(pair / GIVEN_NAMES.length)]!;
    const clash = Math.floor(key / NAME_PAIRS);
    const local = `${givenName}.${surname}${clash > 0 ? String(clash + 1) : ''}`.toLowerCase();
    const isAdmin = key < adminCount;
    const b: UserBasics = {
      key,
      id: guidFor(seed, 'userId', key),
      givenName,
      surname,
      displayName: `${givenName} ${surname}`,
      userPrincipalName: `${local}@${domain}`,
      isAdmin,
      home: r.chance(0.7) ? HOME_PLACES[seed % HOME_PLACES.length]! : r.pick(HOME_PLACES),
      homeIp: `${r.chance(0.8) ? '203.0.113.' : '198.51.100.'}${1 + (hashParts(seed, 'site', key % 7) % 254)}`,
      department: isAdmin ? 'IT' : r.pick(DEPARTMENTS),
      jobTitle: isAdmin ? r.pick(ADMIN_JOB_TITLES) : r.pick(JOB_TITLES),
      deviceId: guidFor(seed, 'device', key),
      deviceName: `${r.pick(['DESKTOP', 'LAPTOP', 'PC'])}-${r.hex(7).toUpperCase()}`,
    };
    // Bounded: only a tenant's population is cached, so the cache never outgrows the users endpoint.
    if (cache.size < 100_000) cache.set(key, b);
    return b;
  };

  const pr = rngFor(seed, 'caPolicies');
  const caPolicies: ConditionalAccessPolicy[] = CA_POLICY_NAMES.map((displayName, i) => ({
    id: guidFor(seed, 'caPolicy', i),
    displayName,
    // The first three policies are enabled in every tenant so sign-ins always have something to apply.
    state: i < 3 ? 'enabled' : pr.weighted([['enabled', 3], ['reportOnly', 2], ['disabled', 1]] as const),
  }));

  return {
    seed,
    tenantId: opts.tenantId,
    domain,
    startTime: opts.startTime,
    populationSize,
    caPolicies,
    incidentIdBase: 10_000 + (seed % 890_000),
    initialRiskyUsers: Math.min(opts.riskyUserCount, populationSize),
    userBasics,
    adminKeys: Array.from({ length: Math.min(adminCount, populationSize) }, (_, i) => i),
  };
}
