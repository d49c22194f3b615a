// One simulated tenant's data behind the TenantDataset contract (dataset.ts): the backfill, late and live
// additions, new versions of mutable objects, user deletions and the users delta log.
//
// Storage: each endpoint is a SortedRecords index of (time, key) plus, for mutable endpoints, a small map of
// per-key state (version number and version times). Record content is rendered from (tenant seed, key, time,
// state) on demand, so memory grows with the number of records by ~12 bytes each, not by object size.
import type { SimEndpoint } from '../types.ts';
import { SCENARIO_SPAN_MS, attackScenarios, canStage, liveAttack } from './attack-scenarios.ts';
import type { AttackScenarios, ScenarioAudit, ScenarioRiskDetection, ScenarioRiskyUser, ScenarioSignIn } from './attack-scenarios.ts';
import type { DatasetOptions, EndpointData, GraphObject, TenantDataset, UserChange } from './dataset.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, utcDayStart } from './graph-time.ts';
import { initialTimes } from './initial-times.ts';
import { hashParts, rngFor } from './random.ts';
import type { Rng } from './random.ts';
import { alertId, renderAlert } from './render-alert.ts';
import { directoryAuditId, renderDirectoryAudit } from './render-directory-audit.ts';
import { incidentId, renderIncident } from './render-incident.ts';
import { renderRiskDetection, riskDetectionId } from './render-risk-detection.ts';
import { renderRiskyUser, riskyUserId, riskyUserToUserKey } from './render-risky-user.ts';
import { dayKey, renderSecureScore, secureScoreId } from './render-secure-score.ts';
import { renderSignIn, signInId } from './render-sign-in.ts';
import { renderUser, userId } from './render-user.ts';
import { SortedRecords } from './sorted-records.ts';
import { createTenantContext } from './tenant-context.ts';
import type { RecordState } from './tenant-context.ts';

const DEFAULT_VOLUME: Record<Exclude<SimEndpoint, 'security.secureScores'>, number> = {
  'auditLogs.signIns': 500,
  'auditLogs.directoryAudits': 150,
  'security.incidents': 12,
  'security.alerts_v2': 30,
  'identityProtection.riskDetections': 25,
  'identityProtection.riskyUsers': 8,
  users: 60,
};

/** An endpoint holds the attack stories' records only when they are at most this share of its backfill. */
const MAX_SCENARIO_SHARE = 0.25;

/** Secure Score keeps 90 days. */
const MAX_SCORE_DAYS = 90;
/** A tick never generates more than this, however far the clock jumped. */
const MAX_RECORDS_PER_TICK = 10_000;
/** The live tenant suffers a sign-in attack (spray, brute force, MFA fatigue) about once per this simulated time. */
const LIVE_ATTACK_EVERY_MS = 6 * HOUR_MS;
/** Share of live sign-ins/audits that arrive late (Entra's ingestion delay), and how late. */
const LATE_SHARE = 0.1;
const LATE_MIN_MS = MINUTE_MS;
const LATE_MAX_MS = 8 * MINUTE_MS;

const MUTABLE: ReadonlySet<SimEndpoint> = new Set<SimEndpoint>([
  'security.incidents',
  'security.alerts_v2',
  'identityProtection.riskDetections',
  'identityProtection.riskyUsers',
  'users',
]);

/** Endpoints whose sort time is the version time: an update moves the record to the end. */
const MOVES_ON_UPDATE: ReadonlySet<SimEndpoint> = new Set<SimEndpoint>(['identityProtection.riskDetections', 'identityProtection.riskyUsers']);

const TIME_PROPERTY: Record<SimEndpoint, string> = {
  'auditLogs.signIns': 'createdDateTime',
  'auditLogs.directoryAudits': 'activityDateTime',
  'security.incidents': 'createdDateTime',
  'security.alerts_v2': 'createdDateTime',
  'identityProtection.riskDetections': 'lastUpdatedDateTime',
  'identityProtection.riskyUsers': 'riskLastUpdatedDateTime',
  'security.secureScores': 'createdDateTime',
  users: 'createdDateTime',
};

const ENDPOINTS = Object.keys(TIME_PROPERTY) as SimEndpoint[];

interface Store {
  readonly endpoint: SimEndpoint;
  records: SortedRecords;
  /** Mutable endpoints: latest state per key. */
  readonly states: Map<number, RecordState>;
  /** Current sort time per key, for endpoints whose records are found by key (mutable ones, secure score days). */
  readonly timeOfKey: Map<number, number>;
  nextKey: number;
  render(key: number, timeMs: number): GraphObject;
}

export function createTenantDataset(opts: DatasetOptions): TenantDataset {
  const volume = (e: Exclude<SimEndpoint, 'security.secureScores'>): number => Math.max(0, Math.floor(opts.volume[e] ?? DEFAULT_VOLUME[e]));
  const userCount = volume('users');
  const ctx = createTenantContext({
    seed: opts.seed,
    tenantId: opts.tenantId,
    domain: opts.domain,
    startTime: opts.startTime,
    userCount,
    riskyUserCount: volume('identityProtection.riskyUsers'),
  });
  const from = opts.startTime - Math.max(0, opts.historyMs);
  const to = opts.startTime;
  // People work in their own time zone: shift the weekly activity curve by the tenant's home longitude.
  const utcOffset = Math.round(ctx.userBasics(0).home.longitude / 15);

  // The attack stories (attack-scenarios.ts) need a day of history and enough people; each endpoint then stages
  // its part when its backfill is large enough to hide it among ordinary records.
  const scenarios: AttackScenarios =
    opts.historyMs >= SCENARIO_SPAN_MS + HOUR_MS && canStage(ctx) ? attackScenarios(ctx, to) : { signIns: [], audits: [], riskDetections: [], riskyUsers: [], throwaway: { key: -1, createdAt: 0 }, defenderIncidentAt: 0 };
  const staged = <T>(entries: readonly T[], n: number): readonly T[] => (entries.length <= n * MAX_SCENARIO_SHARE ? entries : []);
  /** Record key → the story's entry it renders, per endpoint. */
  const scenarioSignIns = new Map<number, ScenarioSignIn>();
  const scenarioAudits = new Map<number, ScenarioAudit>();
  const scenarioRiskDetections = new Map<number, ScenarioRiskDetection>();
  const scenarioRiskyUsers = new Map<number, ScenarioRiskyUser>();
  /** The incident key of the stories' Defender incident; its first alert has the same key (-1: none). */
  let stagedIncident = -1;

  /** Alert key → incident key (-1: none). */
  const incidentOfAlert = new Map<number, number>();
  const incidentOf = (alertKey: number): number => incidentOfAlert.get(alertKey) ?? -1;

  const idOf: Record<SimEndpoint, (key: number, timeMs: number) => string> = {
    'auditLogs.signIns': (k) => signInId(ctx, k),
    'auditLogs.directoryAudits': (k) => directoryAuditId(ctx, k),
    'security.incidents': (k) => incidentId(ctx, k),
    'security.alerts_v2': (k, t) => alertId(ctx, k, t, incidentOf(k)),
    'identityProtection.riskDetections': (k) => riskDetectionId(ctx, k),
    'identityProtection.riskyUsers': (k) => riskyUserId(ctx, k),
    'security.secureScores': (k) => secureScoreId(ctx, k),
    users: (k) => userId(ctx, k),
  };

  const stores = new Map<SimEndpoint, Store>();
  const makeStore = (endpoint: SimEndpoint, times: Float64Array, keys: Uint32Array): Store => {
    const states = new Map<number, RecordState>();
    const store: Store = {
      endpoint,
      records: SortedRecords.build(idOf[endpoint], times, keys),
      states,
      timeOfKey: new Map(),
      nextKey: 0,
      render: (key, t) => renderRecord(endpoint, key, t, states.get(key)),
    };
    for (const k of keys) if (k >= store.nextKey) store.nextKey = k + 1;
    if (MUTABLE.has(endpoint) || endpoint === 'security.secureScores') keys.forEach((k, i) => store.timeOfKey.set(k, times[i]!));
    stores.set(endpoint, store);
    return store;
  };

  const renderRecord = (endpoint: SimEndpoint, key: number, t: number, state: RecordState | undefined): GraphObject => {
    switch (endpoint) {
      case 'auditLogs.signIns':
        return renderSignIn(ctx, key, t, scenarioSignIns.get(key));
      case 'auditLogs.directoryAudits':
        return renderDirectoryAudit(ctx, key, t, scenarioAudits.get(key));
      case 'security.incidents':
        return renderIncident(ctx, key, t, state, key === stagedIncident);
      case 'security.alerts_v2':
        return renderAlert(ctx, key, t, state, incidentOf(key), key === stagedIncident && incidentOf(key) === stagedIncident);
      case 'identityProtection.riskDetections':
        return renderRiskDetection(ctx, key, t, state, scenarioRiskDetections.get(key));
      case 'identityProtection.riskyUsers':
        return renderRiskyUser(ctx, key, t, state, deletedUsers.has(riskyUserToUserKey(ctx, key)), scenarioRiskyUsers.get(key));
      case 'security.secureScores':
        return renderSecureScore(ctx, key, t, state);
      case 'users':
        return renderUser(ctx, key, t, state);
    }
  };

  const sequentialKeys = (n: number): Uint32Array => Uint32Array.from({ length: n }, (_, i) => i);
  const spread = (endpoint: SimEndpoint, n: number): Store =>
    makeStore(endpoint, initialTimes(n, from, to, hashParts(ctx.seed, 'times', endpoint), utcOffset), sequentialKeys(n));

  /**
   * A backfill whose records `stage` (key → time) take the story's times instead of their spread ones. The spread
   * times are ascending and the staged ones are few, so the two merge in one pass and the index needs no sort.
   */
  const spreadStaging = (endpoint: SimEndpoint, n: number, stage: ReadonlyMap<number, number>): Store => {
    const spreadTimes = initialTimes(n, from, to, hashParts(ctx.seed, 'times', endpoint), utcOffset);
    const staged = [...stage].filter(([k]) => k < n).sort((a, b) => a[1] - b[1]);
    const times = new Float64Array(n);
    const keys = new Uint32Array(n);
    let out = 0;
    let s = 0;
    const put = (key: number, t: number): void => {
      keys[out] = key;
      times[out] = t;
      out++;
    };
    for (let k = 0; k < n; k++) {
      if (stage.has(k)) continue;
      const t = spreadTimes[k]!;
      for (; s < staged.length && staged[s]![1] <= t; s++) put(staged[s]![0], staged[s]![1]);
      put(k, t);
    }
    for (; s < staged.length; s++) put(staged[s]![0], staged[s]![1]);
    return makeStore(endpoint, times, keys);
  };
  /** Gives a story's entries the last keys of an endpoint's backfill of n records; returns key → time. */
  const stageLast = <T extends { at: number }>(entries: readonly T[], n: number, byKey: Map<number, T>): Map<number, number> => {
    const stage = new Map<number, number>();
    staged(entries, n).forEach((e, i) => {
      const key = n - entries.length + i;
      byKey.set(key, e);
      stage.set(key, e.at);
    });
    return stage;
  };

  // --- Backfill -------------------------------------------------------------------------------------------------
  spread('users', userCount);
  {
    const n = volume('auditLogs.signIns');
    spreadStaging('auditLogs.signIns', n, stageLast(scenarios.signIns, n, scenarioSignIns));
  }
  {
    const n = volume('auditLogs.directoryAudits');
    spreadStaging('auditLogs.directoryAudits', n, stageLast(scenarios.audits, n, scenarioAudits));
  }
  let incidents: Store;
  {
    // The newest incident is the stories' one, when it has an alert of its own (alert k joins incident k below).
    const n = volume('security.incidents');
    const stage = new Map<number, number>();
    if (staged([scenarios.defenderIncidentAt], n).length > 0 && scenarios.defenderIncidentAt > 0 && volume('security.alerts_v2') >= n) {
      stagedIncident = n - 1;
      stage.set(stagedIncident, scenarios.defenderIncidentAt);
    }
    incidents = spreadStaging('security.incidents', n, stage);
  }
  {
    const n = volume('identityProtection.riskDetections');
    spreadStaging('identityProtection.riskDetections', n, stageLast(scenarios.riskDetections, n, scenarioRiskDetections));
  }
  {
    // A risky user's key decides who it is: the story names its key.
    const n = Math.min(volume('identityProtection.riskyUsers'), ctx.populationSize);
    const stage = new Map<number, number>();
    for (const e of scenarios.riskyUsers) {
      if (e.key >= n) continue;
      scenarioRiskyUsers.set(e.key, e);
      stage.set(e.key, e.at);
    }
    spreadStaging('identityProtection.riskyUsers', n, stage);
  }

  {
    // Alerts: every incident gets one first (created just before it, as correlation works), the rest join
    // random incidents within hours after their creation.
    const n = volume('security.alerts_v2');
    const incCount = incidents.records.size();
    const times = new Float64Array(n);
    const r = rngFor(ctx.seed, 'alertLinks');
    const fallback = initialTimes(n, from, to, hashParts(ctx.seed, 'times', 'alerts'), utcOffset);
    for (let a = 0; a < n; a++) {
      if (incCount === 0) {
        incidentOfAlert.set(a, -1);
        times[a] = fallback[a]!;
        continue;
      }
      const inc = a < incCount ? a : r.int(0, incCount);
      incidentOfAlert.set(a, inc);
      const incTime = incidents.timeOfKey.get(inc) ?? to;
      times[a] = a < incCount ? Math.max(from, incTime - r.int(0, 5 * MINUTE_MS)) : Math.min(to, incTime + r.int(0, 6 * 60 * MINUTE_MS));
    }
    makeStore('security.alerts_v2', times, sequentialKeys(n));
  }

  {
    // One secure score per UTC day of history, created at the day's start, at most 90, at least today's.
    const explicit = opts.volume['security.secureScores'];
    const lastDay = dayKey(to);
    let days: number;
    if (explicit !== undefined) days = Math.max(0, Math.min(MAX_SCORE_DAYS, Math.floor(explicit)));
    else {
      const firstDay = Math.ceil(from / DAY_MS);
      days = Math.max(1, Math.min(MAX_SCORE_DAYS, lastDay - firstDay + 1));
    }
    const keys = Uint32Array.from({ length: days }, (_, i) => lastDay - days + 1 + i);
    const times = Float64Array.from(keys, (d) => d * DAY_MS);
    makeStore('security.secureScores', times, keys);
  }

  // --- Users delta log --------------------------------------------------------------------------------------------
  const users = stores.get('users')!;
  const userSeq = new Map<number, number>();
  const deletedUsers = new Set<number>();
  const userKeyById = new Map<string, number>();
  let latestSeq = 0;
  for (let k = 0; k < userCount; k++) {
    userSeq.set(k, ++latestSeq);
    userKeyById.set(userId(ctx, k), k);
  }
  if (scenarioAudits.size > 0) {
    // The stories' throwaway account was created and deleted before the tenant was first read: /users and the
    // delta never list it (Graph's first delta round omits deleted users), but it resolves by id like any deleted
    // user, so the audits that name it stay consistent. Live users take the keys after it.
    const { key, createdAt } = scenarios.throwaway;
    users.nextKey = Math.max(users.nextKey, key + 1);
    users.timeOfKey.set(key, createdAt);
    deletedUsers.add(key);
    userKeyById.set(userId(ctx, key), key);
  }

  // --- Mutations ----------------------------------------------------------------------------------------------------
  let opCounter = 0;
  const store = (e: SimEndpoint): Store => {
    const s = stores.get(e);
    if (!s) throw new Error(`unknown simulator endpoint ${e}`);
    return s;
  };

  const insertNew = (s: Store, key: number, t: number): void => {
    s.records.insert(t, key);
    if (MUTABLE.has(s.endpoint) || s.endpoint === 'security.secureScores') s.timeOfKey.set(key, t);
    if (MUTABLE.has(s.endpoint)) s.states.set(key, { baseMs: t, version: 0, updatedMs: t, versionMs: [], live: true });
  };

  const addRecords = (endpoint: SimEndpoint, count: number, t: number, r: Rng): GraphObject[] => {
    const s = store(endpoint);
    const out: GraphObject[] = [];
    for (let i = 0; i < count; i++) {
      let key: number;
      if (endpoint === 'security.secureScores') {
        // Keyed by day: a second record for the same day replaces the first (a recalculation).
        key = dayKey(t);
        const old = s.timeOfKey.get(key);
        if (old !== undefined) s.records.remove(old, key);
        const prev = s.states.get(key);
        s.records.insert(t, key);
        s.timeOfKey.set(key, t);
        s.states.set(key, { baseMs: t, version: (prev?.version ?? -1) + 1, updatedMs: t, versionMs: [], live: true });
        out.push(s.render(key, t));
        continue;
      }
      // Every user of the population is already risky: no new risky user can appear (fewer records are returned).
      if (endpoint === 'identityProtection.riskyUsers' && s.nextKey >= ctx.populationSize) break;
      key = s.nextKey++;
      if (endpoint === 'security.alerts_v2') incidentOfAlert.set(key, recentIncident(r));
      if (endpoint === 'users') {
        userSeq.set(key, ++latestSeq);
        userKeyById.set(userId(ctx, key), key);
      }
      insertNew(s, key, t);
      out.push(s.render(key, t));
    }
    return out;
  };

  /** A recent incident for a new alert to join (the newest few), or -1 when there is none. */
  const recentIncident = (r: Rng): number => {
    const inc = store('security.incidents').records;
    const n = inc.size();
    if (n === 0) return -1;
    return inc.keyAt(n - 1 - r.int(0, Math.min(n, 5)));
  };

  const updateRecords = (endpoint: SimEndpoint, count: number, simNow: number, r: Rng): GraphObject[] => {
    if (!MUTABLE.has(endpoint)) return [];
    const s = store(endpoint);
    const n = s.records.size();
    if (n === 0 || count <= 0) return [];
    // Distinct records, chosen by key so that moving records while updating cannot pick one twice.
    const picked = new Set<number>();
    const want = Math.min(count, n);
    while (picked.size < want) picked.add(s.records.keyAt(r.int(0, n)));
    const out: GraphObject[] = [];
    for (const key of picked) {
      const oldTime = s.timeOfKey.get(key);
      if (oldTime === undefined) continue;
      const prev = s.states.get(key);
      const state: RecordState = prev ?? { baseMs: oldTime, version: 0, updatedMs: oldTime, versionMs: [], live: false };
      state.version++;
      state.versionMs.push(simNow);
      state.updatedMs = simNow;
      s.states.set(key, state);
      let t = oldTime;
      if (MOVES_ON_UPDATE.has(endpoint)) {
        s.records.remove(oldTime, key);
        t = simNow;
        s.records.insert(t, key);
        s.timeOfKey.set(key, t);
      }
      if (endpoint === 'users') userSeq.set(key, ++latestSeq);
      out.push(s.render(key, t));
    }
    return out;
  };

  const deleteUserRecords = (count: number, r: Rng): string[] => {
    const n = users.records.size();
    // Keep the admins: a tenant without them would leave audits and incidents without actors.
    const candidates: number[] = [];
    for (let i = 0; i < n; i++) {
      const k = users.records.keyAt(i);
      if (!ctx.adminKeys.includes(k)) candidates.push(k);
    }
    const chosen = r.some(candidates, count);
    const ids: string[] = [];
    for (const key of chosen) {
      const t = users.timeOfKey.get(key);
      if (t === undefined) continue;
      users.records.remove(t, key);
      deletedUsers.add(key);
      userSeq.set(key, ++latestSeq);
      ids.push(userId(ctx, key));
    }
    return ids;
  };

  // --- Live tenant --------------------------------------------------------------------------------------------------
  let lastTick: number | undefined;
  let carry = 0;
  let tickCount = 0;

  type LiveEvent =
    | 'signIn'
    | 'audit'
    | 'riskDetection'
    | 'incident'
    | 'alertUpdate'
    | 'incidentUpdate'
    | 'riskDetectionUpdate'
    | 'riskyUser'
    | 'userAdd'
    | 'userUpdate'
    | 'userDelete';
  const LIVE_MIX: ReadonlyArray<readonly [LiveEvent, number]> = [
    ['signIn', 800],
    ['audit', 90],
    ['riskDetection', 25],
    ['alertUpdate', 20],
    ['incidentUpdate', 15],
    ['riskDetectionUpdate', 10],
    ['riskyUser', 10],
    ['incident', 8],
    ['userUpdate', 10],
    ['userAdd', 4],
    ['userDelete', 2],
  ];

  const tick = (simNow: number, ratePerMinute: number): void => {
    if (lastTick === undefined || simNow < lastTick) {
      lastTick = simNow;
      return;
    }
    const prev = lastTick;
    if (simNow === prev) return;
    lastTick = simNow;
    if (ratePerMinute <= 0) {
      // A rate of 0 freezes the tenant (tests rely on it): not even the daily secure score appears, and turning
      // the rate back on later starts from now instead of catching up.
      carry = 0;
      return;
    }

    // A secure score for each UTC day that started since the previous tick (90 at most after a long jump).
    const scores = store('security.secureScores');
    for (let d = Math.max(utcDayStart(prev) + DAY_MS, utcDayStart(simNow) - (MAX_SCORE_DAYS - 1) * DAY_MS); d <= simNow; d += DAY_MS) {
      if (!scores.timeOfKey.has(dayKey(d))) addRecords('security.secureScores', 1, d, rngFor(ctx.seed, 'score', d));
    }

    const expected = carry + (ratePerMinute * (simNow - prev)) / MINUTE_MS;
    let n = Math.floor(expected);
    carry = expected - n;
    if (n <= 0) return;
    if (n > MAX_RECORDS_PER_TICK) {
      n = MAX_RECORDS_PER_TICK;
      carry = 0;
    }
    const r = rngFor(ctx.seed, 'tick', tickCount++);
    {
      // Now and then an attack, its sign-ins ending now (the earliest ones may land behind a reader that has already
      // passed them, as late records do). They take their share of the tick's records, so the rate stays the rate.
      const ar = rngFor(ctx.seed, 'liveAttack', simNow);
      const attack = ar.chance(Math.min(1, (simNow - prev) / LIVE_ATTACK_EVERY_MS)) ? liveAttack(ctx, ar, simNow) : [];
      if (attack.length > 0 && attack.length <= n) {
        n -= attack.length;
        const s = store('auditLogs.signIns');
        for (const entry of attack) {
          const key = s.nextKey++;
          scenarioSignIns.set(key, entry);
          insertNew(s, key, entry.at);
        }
      }
    }
    // Event times spread over the elapsed interval; sorted so on-time records append in order.
    const events: Array<{ kind: LiveEvent; at: number }> = [];
    for (let i = 0; i < n; i++) events.push({ kind: r.weighted(LIVE_MIX), at: prev + 1 + Math.floor(r.next() * (simNow - prev)) });
    events.sort((a, b) => a.at - b.at);
    for (const ev of events) {
      const late = (ev.kind === 'signIn' || ev.kind === 'audit') && r.chance(LATE_SHARE);
      const at = late ? simNow - r.int(LATE_MIN_MS, LATE_MAX_MS + 1) : ev.at;
      switch (ev.kind) {
        case 'signIn':
          addRecords('auditLogs.signIns', 1, at, r);
          break;
        case 'audit':
          addRecords('auditLogs.directoryAudits', 1, at, r);
          break;
        case 'riskDetection':
          addRecords('identityProtection.riskDetections', 1, at, r);
          break;
        case 'incident': {
          addRecords('security.incidents', 1, at, r);
          // Its alerts are created together with it and join it (the newest incident).
          const alerts = r.int(1, 4);
          const s = store('security.alerts_v2');
          const newest = store('security.incidents').records.keyAt(store('security.incidents').records.size() - 1);
          for (let a = 0; a < alerts; a++) {
            const key = s.nextKey++;
            incidentOfAlert.set(key, newest);
            insertNew(s, key, at);
          }
          break;
        }
        case 'alertUpdate':
          updateRecords('security.alerts_v2', 1, at, r);
          break;
        case 'incidentUpdate':
          updateRecords('security.incidents', 1, at, r);
          break;
        case 'riskDetectionUpdate':
          updateRecords('identityProtection.riskDetections', 1, at, r);
          break;
        case 'riskyUser':
          if (store('identityProtection.riskyUsers').nextKey < ctx.populationSize && r.chance(0.5)) addRecords('identityProtection.riskyUsers', 1, at, r);
          else updateRecords('identityProtection.riskyUsers', 1, at, r);
          break;
        case 'userAdd':
          addRecords('users', 1, at, r);
          break;
        case 'userUpdate':
          updateRecords('users', 1, at, r);
          break;
        case 'userDelete':
          deleteUserRecords(1, r);
          break;
      }
    }
  };

  const endpointViews = new Map<SimEndpoint, EndpointData>();
  for (const e of ENDPOINTS) {
    const s = store(e);
    // An index past the end would otherwise read an unused typed-array slot and render a bogus record.
    const checked = (i: number): number => {
      if (!Number.isInteger(i) || i < 0 || i >= s.records.size()) throw new RangeError(`${e}: index ${i} outside 0..${s.records.size() - 1}`);
      return i;
    };
    endpointViews.set(e, {
      endpoint: e,
      timeProperty: TIME_PROPERTY[e],
      size: () => s.records.size(),
      timeAt: (i) => s.records.timeAt(checked(i)),
      idAt: (i) => s.records.idAt(checked(i)),
      lowerBound: (t) => s.records.lowerBound(t),
      upperBound: (t) => s.records.upperBound(t),
      render: (i) => s.render(s.records.keyAt(checked(i)), s.records.timeAt(i)),
    });
  }

  return {
    endpoint: (e) => {
      const v = endpointViews.get(e);
      if (!v) throw new Error(`unknown simulator endpoint ${e}`);
      return v;
    },
    tick,
    add: (endpoint, count, simNow, o) => {
      const t = o?.at ?? simNow - (o?.lateByMs ?? 0);
      return addRecords(endpoint, count, t, rngFor(ctx.seed, 'add', opCounter++));
    },
    update: (endpoint, count, simNow) => updateRecords(endpoint, count, simNow, rngFor(ctx.seed, 'update', opCounter++)),
    deleteUsers: (count) => deleteUserRecords(count, rngFor(ctx.seed, 'delete', opCounter++)),
    userChangesSince: (sinceSeq) => {
      const changes: UserChange[] = [];
      for (const [key, seq] of userSeq) {
        if (seq <= sinceSeq) continue;
        const change: UserChange = { seq, id: userId(ctx, key) };
        if (deletedUsers.has(key)) change.removed = 'deleted';
        changes.push(change);
      }
      changes.sort((a, b) => a.seq - b.seq);
      return { changes, latestSeq };
    },
    user: (id) => {
      const key = userKeyById.get(id);
      if (key === undefined) return undefined;
      const t = users.timeOfKey.get(key);
      return t === undefined ? undefined : users.render(key, t);
    },
  };
}
