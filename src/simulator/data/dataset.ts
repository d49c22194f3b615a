// The contract between the simulator's data (generated records, live changes) and its HTTP layer.
// The HTTP layer (filters, paging, throttling, faults) reads a tenant's data only through these interfaces.
import type { SimEndpoint } from '../types.ts';

export type GraphObject = Record<string, unknown>;

/**
 * One endpoint's records for one tenant: the latest version of each object, kept sorted ascending by
 * (timeMs, id) where timeMs is the endpoint's primary time property (`timeProperty`).
 * Large volumes (a million sign-ins) are held compactly and rendered on demand, deterministically.
 */
export interface EndpointData {
  readonly endpoint: SimEndpoint;
  /** createdDateTime (signIns, incidents, alerts_v2, secureScores, users), activityDateTime (directoryAudits),
   *  lastUpdatedDateTime (riskDetections), riskLastUpdatedDateTime (riskyUsers). */
  readonly timeProperty: string;
  size(): number;
  /** The time (ms) and id of the i-th record in ascending order, without rendering it. */
  timeAt(i: number): number;
  idAt(i: number): string;
  /** Index of the first record whose time is >= timeMs (binary search). */
  lowerBound(timeMs: number): number;
  /** Index of the first record whose time is > timeMs. */
  upperBound(timeMs: number): number;
  /** The i-th record as a Graph object (a fresh object each call: callers may not mutate shared state). */
  render(i: number): GraphObject;
}

/** A change to a user, for /users/delta. `seq` increases by one per change across the tenant's users. */
export interface UserChange {
  seq: number;
  id: string;
  /** Present for deletions: 'deleted' (permanent) or 'changed' (soft-deleted, restorable). */
  removed?: 'deleted' | 'changed';
}

export interface TenantDataset {
  endpoint(endpoint: SimEndpoint): EndpointData;
  /** Generates the live changes due between the last tick and simNow at `ratePerMinute` (deterministic for a seed). */
  tick(simNow: number, ratePerMinute: number): void;
  /** Adds records now (simNow); `lateByMs` back-dates their own time; `at` sets it exactly. Returns the new objects. */
  add(endpoint: SimEndpoint, count: number, simNow: number, opts?: { lateByMs?: number; at?: number }): GraphObject[];
  /** New versions of existing mutable objects (incidents, alerts, risk detections, risky users, users), stamped simNow. */
  update(endpoint: SimEndpoint, count: number, simNow: number): GraphObject[];
  /** Deletes users; they appear in delta as @removed {reason: 'deleted'}. Returns their ids. */
  deleteUsers(count: number, simNow: number): string[];
  /** Users changed after `sinceSeq` (latest change per user), and the newest seq. */
  userChangesSince(sinceSeq: number): { changes: UserChange[]; latestSeq: number };
  /** The current object of a user by id (also for deleted users, their last state). */
  user(id: string): GraphObject | undefined;
}

export interface DatasetOptions {
  seed: string | number;
  tenantId: string;
  /** Tenant's primary domain, e.g. contoso-3.example.com */
  domain: string;
  startTime: number;
  historyMs: number;
  volume: Partial<Record<SimEndpoint, number>>;
}
