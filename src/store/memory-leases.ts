// Leases for one process (the embedded store): same contract as the PostgreSQL leases, kept in memory. Claims and
// fencing checks run synchronously between awaits, which JavaScript makes atomic within a process; a fenced commit
// marks its integration busy until the store's transaction ends, so no claim can take it over mid-commit.
import { CHECK_IDS } from '../core/check-ids.ts';
import type { CheckId } from '../core/check-ids.ts';
import { systemClock } from '../core/clock.ts';
import type { Clock } from '../core/clock.ts';
import { AzsecError } from '../core/errors.ts';
import type { Lease, LeaseStore } from './lease.ts';
import type { CheckState, Integration, JsonValue, NewRecord, Store } from './store.ts';

export interface MemoryLeasesOptions {
  store: Store;
  clock?: Clock;
}

interface Held {
  workerId: string;
  token: number;
  expiresAt: number;
}

/** Earliest due time of the integration's enabled checks; a check without state or next due time is due now (0). */
function dueAt(integration: Integration, states: readonly CheckState[]): number {
  let due = Number.POSITIVE_INFINITY;
  for (const check of CHECK_IDS) {
    if (integration.disabledChecks.includes(check)) continue;
    const state = states.find((s) => s.check === check);
    if (state?.state === 'disabled') continue;
    const next = state?.nextDueAt == null ? 0 : Date.parse(state.nextDueAt);
    due = Math.min(due, Number.isNaN(next) ? 0 : next);
  }
  return due;
}

function checkDuration(ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new AzsecError('ERR_CONFIG_INVALID', `A lease duration must be a positive number of milliseconds, not ${ms}.`);
  }
}

export function createMemoryLeases(opts: MemoryLeasesOptions): LeaseStore {
  const store = opts.store;
  const clock = opts.clock ?? systemClock;
  const leases = new Map<string, Held>();
  const workers = new Map<string, number>(); // workerId → heartbeat expiry
  const committing = new Map<string, number>(); // integration → fenced commits in flight
  let lastToken = 0;

  function holds(lease: Lease, now: number): boolean {
    const held = leases.get(lease.integration);
    return held !== undefined && held.workerId === lease.workerId && held.token === lease.token && held.expiresAt > now;
  }

  return {
    async claim(workerId, maxCount, leaseMs) {
      checkDuration(leaseMs);
      const [integrations, states] = await Promise.all([store.listIntegrations(), store.listCheckStates()]);
      // From here to the return there is no await: the claim is atomic within the process.
      const now = clock.now();
      workers.set(workerId, now + leaseMs);
      for (const [id, expiresAt] of workers) if (expiresAt <= now) workers.delete(id);
      const enabled = integrations.filter((i) => i.enabled);
      const held = [...leases.values()].filter((l) => l.workerId === workerId && l.expiresAt > now).length;
      const quota = Math.min(Math.floor(maxCount), Math.ceil(enabled.length / Math.max(1, workers.size)) - held);
      if (quota <= 0) return [];
      const candidates = enabled
        .filter((i) => {
          const current = leases.get(i.name);
          return (current === undefined || current.expiresAt <= now) && (committing.get(i.name) ?? 0) === 0;
        })
        .map((i) => ({ name: i.name, due: dueAt(i, states.filter((s) => s.integration === i.name)) }))
        .filter((c) => c.due <= now)
        .sort((a, b) => a.due - b.due || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .slice(0, quota);
      return candidates.map((c) => {
        lastToken += 1;
        const lease: Lease = { integration: c.name, workerId, token: lastToken, expiresAt: now + leaseMs };
        leases.set(c.name, { workerId, token: lease.token, expiresAt: lease.expiresAt });
        return lease;
      });
    },

    async renew(lease, leaseMs) {
      checkDuration(leaseMs);
      const now = clock.now();
      if (!holds(lease, now)) return false;
      const expiresAt = now + leaseMs;
      leases.set(lease.integration, { workerId: lease.workerId, token: lease.token, expiresAt });
      workers.set(lease.workerId, expiresAt);
      lease.expiresAt = expiresAt;
      return true;
    },

    async release(lease) {
      const held = leases.get(lease.integration);
      if (held !== undefined && held.workerId === lease.workerId && held.token === lease.token) {
        leases.delete(lease.integration);
      }
    },

    async commitFenced(lease: Lease, integration: string, check: CheckId, records: NewRecord[], cursor: JsonValue | undefined) {
      if (integration !== lease.integration || !holds(lease, clock.now())) {
        throw new AzsecError(
          'ERR_LEASE_LOST',
          `Worker "${lease.workerId}" no longer holds the lease on "${integration}" (token ${lease.token}); nothing was written.`,
          { integration, check, workerId: lease.workerId, token: lease.token },
        );
      }
      committing.set(integration, (committing.get(integration) ?? 0) + 1);
      try {
        return await store.commit(integration, check, records, cursor);
      } finally {
        const left = (committing.get(integration) ?? 1) - 1;
        if (left === 0) committing.delete(integration);
        else committing.set(integration, left);
      }
    },

    async leave(workerId) {
      for (const [name, held] of leases) if (held.workerId === workerId) leases.delete(name);
      workers.delete(workerId);
    },

    async close() {
      leases.clear();
      workers.clear();
    },
  };
}
