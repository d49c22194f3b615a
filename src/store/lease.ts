// The lease port: which collector worker runs which integration right now. The unit of work is one integration
// (all its checks): Graph's per-tenant budgets (identity protection 1 request/s, reports 5 requests per 10 s) and the
// tenant's token cache are easiest to honour when exactly one worker talks to a tenant. Implementations:
// store/postgres/postgres-leases.ts (many processes) and store/memory-leases.ts (one process).
import type { CheckId } from '../core/check-ids.ts';
import type { JsonValue, NewRecord } from './store.ts';

export interface Lease {
  integration: string;
  workerId: string;
  /**
   * Fencing token: strictly higher for every new claim of any integration. A commit carries it and is refused
   * unless the lease row still holds exactly this token, so a paused worker never writes over its successor.
   */
  token: number;
  /** Expiry, milliseconds since the epoch, on the clock of the lease store (the database's for PostgreSQL). */
  expiresAt: number;
}

export interface LeaseStore {
  /**
   * Claims up to `maxCount` integrations that are enabled, due (some enabled check is due or has never run) and
   * not leased (or whose lease expired), each with a new fencing token. Also records this worker's heartbeat. A
   * worker never holds more than its fair share, ceil(enabled integrations / live workers), counting leases it
   * already holds. Claims of concurrent workers never overlap.
   */
  claim(workerId: string, maxCount: number, leaseMs: number): Promise<Lease[]>;
  /** Extends the lease (and the worker's heartbeat). False when the lease was lost: expired and taken, or released. */
  renew(lease: Lease, leaseMs: number): Promise<boolean>;
  /** Gives the integration back so that any worker may claim it when it is next due. A lost lease is left alone. */
  release(lease: Lease): Promise<void>;
  /**
   * Store.commit, fenced: in the same transaction it verifies that the lease is still held with this token and
   * unexpired, otherwise throws AzsecError('ERR_LEASE_LOST') and writes nothing.
   */
  commitFenced(
    lease: Lease,
    integration: string,
    check: CheckId,
    records: NewRecord[],
    cursor: JsonValue | undefined,
  ): Promise<{ inserted: number }>;
  /** A worker shutting down: releases its leases and leaves the live set so others' shares grow at once. */
  leave(workerId: string): Promise<void>;
  close(): Promise<void>;
}
