// Cycles of collection reconstructed from the simulator's request log, for the workers benchmark. The log is the
// outside view Graph would have: it needs nothing from the workers themselves. A tenant's Graph requests are one
// cycle until a quiet gap longer than half the interval: inside a cycle the longest pause is a Retry-After or an
// identity-protection backoff (seconds), between cycles it is about the interval. A cycle whose checks drifted apart
// (each check is rescheduled from its own end, so one integration can be claimed twice a few seconds apart) is
// still one cycle here, as it would be for an operator reading Graph's logs.
import type { SimRequestLogEntry } from '../src/simulator/types.ts';

export interface Cycle {
  tenantId: string;
  /** First request's start and last request's end, wall-clock ms. */
  start: number;
  end: number;
  /** Start of the last request, to tell a cycle that was still running at the stop. */
  lastRequestStart: number;
  requests: number;
  throttled: number;
  /** The worker of the first request (from the User-Agent). */
  worker: string;
  /** The tenant's first cycle: its backfill. */
  first: boolean;
}

/** The worker id a request carries in its User-Agent ("… worker/<id>"). */
export function workerOf(entry: SimRequestLogEntry): string | undefined {
  return /worker\/(\S+)/.exec(entry.userAgent ?? '')?.[1];
}

/** Graph data requests only: token and metadata requests are Entra's, and msal caches tokens across cycles. */
export function isGraphRequest(entry: SimRequestLogEntry): boolean {
  return entry.tenantId !== undefined && entry.endpoint !== 'token' && entry.endpoint !== 'metadata' && entry.endpoint !== 'other';
}

/** Requests grouped per tenant, each list sorted by start. */
export function requestsByTenant(log: readonly SimRequestLogEntry[]): Map<string, SimRequestLogEntry[]> {
  const byTenant = new Map<string, SimRequestLogEntry[]>();
  for (const e of log) {
    if (!isGraphRequest(e)) continue;
    const list = byTenant.get(e.tenantId as string) ?? [];
    list.push(e);
    byTenant.set(e.tenantId as string, list);
  }
  for (const list of byTenant.values()) list.sort((a, b) => a.startedAt - b.startedAt);
  return byTenant;
}

/** Splits one tenant's sorted requests into cycles at quiet gaps longer than `gapMs`. */
export function cyclesOf(tenantId: string, requests: readonly SimRequestLogEntry[], gapMs: number): Cycle[] {
  const cycles: Cycle[] = [];
  let current: Cycle | undefined;
  for (const e of requests) {
    if (current === undefined || e.startedAt - current.end > gapMs) {
      current = { tenantId, start: e.startedAt, end: e.endedAt, lastRequestStart: e.startedAt, requests: 0, throttled: 0, worker: workerOf(e) ?? '?', first: cycles.length === 0 };
      cycles.push(current);
    }
    current.end = Math.max(current.end, e.endedAt);
    current.lastRequestStart = e.startedAt;
    current.requests += 1;
    if (e.status === 429) current.throttled += 1;
  }
  return cycles;
}

/**
 * Pairs of requests to the same tenant by two different workers whose [start, end] intervals overlap: a tenant
 * polled by two workers at once. Zero when leases work.
 */
export function concurrentWorkerOverlaps(requests: readonly SimRequestLogEntry[]): number {
  let overlaps = 0;
  // Sorted by start: each request only needs comparing with earlier ones still running when it starts.
  const running: SimRequestLogEntry[] = [];
  for (const e of requests) {
    for (let i = running.length - 1; i >= 0; i -= 1) {
      if ((running[i] as SimRequestLogEntry).endedAt <= e.startedAt) running.splice(i, 1);
    }
    const w = workerOf(e);
    overlaps += running.filter((r) => workerOf(r) !== w).length;
    running.push(e);
  }
  return overlaps;
}
