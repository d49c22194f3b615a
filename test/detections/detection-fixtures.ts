// Records and signals for the detection tests: simulator records (one fixed-seed tenant), reshaped where a test
// needs a precise sequence (same user, set times, chosen error codes), and normalized exactly as ingest would.
import { checkById } from '../../src/checks/all-checks.ts';
import type { CheckId } from '../../src/core/check-ids.ts';
import { DetectionEngine } from '../../src/detections/engine.ts';
import type { Alert } from '../../src/detections/engine.ts';
import type { Rule } from '../../src/detections/rule.ts';
import { normalize } from '../../src/normalize/normalizers.ts';
import type { Signal } from '../../src/signals/signal.ts';
import { createTenantDataset } from '../../src/simulator/data/create-tenant-dataset.ts';
import type { TenantDataset } from '../../src/simulator/data/dataset.ts';

export type Rec = Record<string, unknown>;

export const TENANT = '5b1e2c3d-4f50-4a61-8b72-9c8d7e6f5a4b';
export const START = Date.UTC(2026, 10, 2, 9, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

let cached: TenantDataset | null = null;

/** One simulated tenant with a month of history (enough Secure Score days to include drops), shared by every test file (generation is deterministic). */
export function dataset(): TenantDataset {
  cached ??= createTenantDataset({
    seed: 'detections',
    tenantId: TENANT,
    domain: 'fabrikam-7.example.com',
    startTime: START,
    historyMs: 30 * DAY,
    volume: { 'auditLogs.signIns': 3000, 'auditLogs.directoryAudits': 1500, 'security.alerts_v2': 60, 'security.incidents': 20, 'identityProtection.riskDetections': 120, 'identityProtection.riskyUsers': 30, users: 80 },
  });
  return cached;
}

/** Every record of a check, as JSON would deliver it. */
export function records(check: CheckId): Rec[] {
  const d = dataset().endpoint(check);
  const out: Rec[] = [];
  for (let i = 0; i < d.size(); i++) out.push(JSON.parse(JSON.stringify(d.render(i))) as Rec);
  return out;
}

/** The signal ingest would store for a record (identity and version from the check's own keyOf). */
export function signalOf(check: CheckId, record: Rec, integration = 'tenant-a'): Signal {
  const now = START + DAY;
  const key = checkById(check).keyOf(record, JSON.stringify(record), now);
  return normalize(record, { integration, check, recordId: key.id, version: key.version, tenantId: TENANT, time: key.time === '' ? new Date(now).toISOString() : key.time });
}

export interface Item {
  check: CheckId;
  record: Rec;
  integration?: string;
}

/** Runs records through a fresh engine (or the one given) in order and returns every alert it emitted. */
export function run(rules: readonly Rule[], items: readonly Item[], engine = new DetectionEngine({ rules })): Alert[] {
  const out: Alert[] = [];
  for (const it of items) out.push(...engine.evaluate(signalOf(it.check, it.record, it.integration), it.record));
  return out;
}

/** The first simulator record of a check that satisfies `pred`. */
export function findRecord(check: CheckId, pred: (r: Rec) => boolean): Rec {
  const r = records(check).find(pred);
  if (r === undefined) throw new Error(`no simulator ${check} record matches`);
  return r;
}

/** Graph's DateTimeOffset text for a time (seven fractional digits, as Entra sends them). */
export function graphTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

let seq = 0;

/** A copy of a simulator sign-in with a fresh id and the given changes (status.errorCode via `errorCode`). */
export function signIn(base: Rec, over: Rec & { errorCode?: number; at?: number; lat?: number; lon?: number; country?: string }): Rec {
  const { errorCode, at, lat, lon, country, ...rest } = over;
  const r = JSON.parse(JSON.stringify(base)) as Rec;
  seq += 1;
  r.id = `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;
  Object.assign(r, rest);
  if (errorCode !== undefined) r.status = { ...(r.status as Rec), errorCode };
  if (at !== undefined) r.createdDateTime = graphTime(at);
  if (lat !== undefined || lon !== undefined || country !== undefined) {
    const loc = { ...(r.location as Rec) };
    const geo = { ...(loc.geoCoordinates as Rec) };
    if (lat !== undefined) geo.latitude = lat;
    if (lon !== undefined) geo.longitude = lon;
    if (country !== undefined) loc.countryOrRegion = country;
    loc.geoCoordinates = geo;
    r.location = loc;
  }
  return r;
}

/** A plain successful interactive sign-in from the simulator (browser, no risk): the base most tests reshape. */
export function baseSignIn(): Rec {
  return findRecord('auditLogs.signIns', (r) => (r.status as Rec).errorCode === 0 && r.riskLevelAggregated === 'none' && r.clientAppUsed === 'Browser');
}

/** A user of the tenant, as sign-ins name them. */
export function userFields(i: number): Rec {
  const u = records('users')[i];
  if (u === undefined) throw new Error(`no user ${i}`);
  return { userId: u.id, userPrincipalName: u.userPrincipalName, userDisplayName: u.displayName };
}
