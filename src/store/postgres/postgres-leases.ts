// Leases on PostgreSQL, for several collector processes sharing one database. One lease row per integration holds
// the owner, the fencing token and the expiry. Claims lock candidate rows with FOR UPDATE SKIP LOCKED, so
// concurrent claimers never wait for each other nor take the same row; tokens come from one sequence, so a
// successor's token is always higher. Fenced commits lock the lease row (FOR UPDATE) in the commit's own
// transaction: while a commit runs nobody can take the lease over, and once it is taken over the old holder's
// commit is refused. Time is the database's clock by default, so workers' clock skew does not matter.
import type { Pool, PoolClient } from 'pg';
import { CHECK_IDS } from '../../core/check-ids.ts';
import type { CheckId } from '../../core/check-ids.ts';
import type { Clock } from '../../core/clock.ts';
import { AzsecError } from '../../core/errors.ts';
import type { Lease, LeaseStore } from '../lease.ts';
import type { JsonValue, NewRecord } from '../store.ts';
import { migrate } from './migrations.ts';
import { createPool, inTransaction, storeError } from './pg-pool.ts';
import type { PostgresConnectionOptions } from './pg-pool.ts';
import { writeCommit } from './write-commit.ts';

export type PostgresLeasesOptions = (
  | { /** Share the store's pool (PostgresStore.pool); close() then leaves it open. */ pool: Pool }
  | PostgresConnectionOptions
) & {
  /** Lease time source. Default: the database server's clock, the same for every worker. Tests inject one. */
  clock?: Clock;
};

export async function createPostgresLeases(opts: PostgresLeasesOptions): Promise<LeaseStore> {
  if ('pool' in opts) return new PgLeases(opts.pool, false, opts.clock);
  const pool = createPool(opts);
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw storeError('migration', error);
  }
  return new PgLeases(pool, true, opts.clock);
}

// Due time of an integration: the earliest next_due_ms among its enabled checks; a check with no state yet, or no
// next due time, is due now (0). Checks disabled on the integration or in state 'disabled' never make it due.
const CLAIM = {
  name: 'azsec_claim_leases',
  text: `
    WITH candidates AS (
      SELECT l.integration
      FROM leases l
      JOIN integrations i ON i.name = l.integration
      CROSS JOIN LATERAL (
        SELECT min(COALESCE(s.next_due_ms, 0)) AS due_ms
        FROM unnest($2::text[]) AS c(check_id)
        LEFT JOIN check_states s ON s.integration = i.name AND s.check_id = c.check_id
        WHERE NOT (c.check_id = ANY (i.disabled_checks)) AND (s.state IS NULL OR s.state <> 'disabled')
      ) d
      WHERE i.enabled
        AND (l.worker_id IS NULL OR l.expires_ms <= $1)
        AND d.due_ms <= $1
      ORDER BY d.due_ms, l.integration
      LIMIT $3
      FOR UPDATE OF l SKIP LOCKED
    )
    UPDATE leases
    SET worker_id = $4, token = nextval('lease_tokens'), expires_ms = $1 + $5, claimed_ms = $1
    FROM candidates
    WHERE leases.integration = candidates.integration
    RETURNING leases.integration, leases.token, leases.expires_ms`,
};

/** Times are bigint milliseconds in SQL: round up, and refuse nonsense early rather than as a SQL error. */
function wholeMs(ms: number): number {
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new AzsecError('ERR_CONFIG_INVALID', `A lease duration must be a positive number of milliseconds, not ${ms}.`);
  }
  return Math.ceil(ms);
}

class PgLeases implements LeaseStore {
  readonly #pool: Pool;
  readonly #ownsPool: boolean;
  readonly #clock: Clock | undefined;

  constructor(pool: Pool, ownsPool: boolean, clock: Clock | undefined) {
    this.#pool = pool;
    this.#ownsPool = ownsPool;
    this.#clock = clock;
  }

  async #now(client: PoolClient): Promise<number> {
    if (this.#clock !== undefined) return Math.floor(this.#clock.now());
    const result = await client.query<{ now: string }>(
      'SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now',
    );
    return Number(result.rows[0]?.now);
  }

  async #heartbeat(client: PoolClient, workerId: string, now: number, ttlMs: number): Promise<void> {
    await client.query(
      `INSERT INTO workers (worker_id, heartbeat_ms, expires_ms) VALUES ($1, $2, $3)
       ON CONFLICT (worker_id) DO UPDATE SET heartbeat_ms = EXCLUDED.heartbeat_ms, expires_ms = EXCLUDED.expires_ms`,
      [workerId, now, now + ttlMs],
    );
  }

  async claim(workerId: string, maxCount: number, requestedMs: number): Promise<Lease[]> {
    const leaseMs = wholeMs(requestedMs);
    return inTransaction(this.#pool, 'lease claim', async (client) => {
      const now = await this.#now(client);
      // The heartbeat lives as long as a lease would: a worker that stops claiming and renewing drops out of the
      // live set when its leases would have expired anyway.
      // The upsert also locks this worker's row until COMMIT, which serialises concurrent claims by the same worker:
      // the second one counts the leases the first took.
      await this.#heartbeat(client, workerId, now, leaseMs);
      // Housekeeping only (the live count ignores expired rows). SKIP LOCKED: a row another claim is refreshing
      // right now is not dead, and waiting for it could deadlock two workers cleaning up after each other.
      await client.query(
        'DELETE FROM workers WHERE worker_id IN (SELECT worker_id FROM workers WHERE expires_ms <= $1 FOR UPDATE SKIP LOCKED)',
        [now],
      );
      const counts = await client.query<{ total: string; live: string; held: string }>(
        `SELECT (SELECT count(*) FROM integrations WHERE enabled) AS total,
                (SELECT count(*) FROM workers WHERE expires_ms > $1) AS live,
                (SELECT count(*) FROM leases WHERE worker_id = $2 AND expires_ms > $1) AS held`,
        [now, workerId],
      );
      const row = counts.rows[0];
      const total = Number(row?.total ?? 0);
      const live = Math.max(1, Number(row?.live ?? 1));
      const held = Number(row?.held ?? 0);
      const quota = Math.min(Math.floor(maxCount), Math.ceil(total / live) - held);
      if (quota <= 0) return [];
      const claimed = await client.query<{ integration: string; token: string; expires_ms: string }>({
        ...CLAIM,
        values: [now, CHECK_IDS, quota, workerId, leaseMs],
      });
      return claimed.rows
        .map((r) => ({ integration: r.integration, workerId, token: Number(r.token), expiresAt: Number(r.expires_ms) }))
        .sort((a, b) => a.token - b.token);
    });
  }

  /** On success also moves `lease.expiresAt`. */
  async renew(lease: Lease, requestedMs: number): Promise<boolean> {
    const leaseMs = wholeMs(requestedMs);
    return inTransaction(this.#pool, 'lease renew', async (client) => {
      const now = await this.#now(client);
      const renewed = await client.query<{ expires_ms: string }>(
        `UPDATE leases SET expires_ms = $4 + $5
         WHERE integration = $1 AND worker_id = $2 AND token = $3 AND expires_ms > $4
         RETURNING expires_ms`,
        [lease.integration, lease.workerId, lease.token, now, leaseMs],
      );
      const row = renewed.rows[0];
      if (row === undefined) return false;
      await this.#heartbeat(client, lease.workerId, now, leaseMs);
      lease.expiresAt = Number(row.expires_ms);
      return true;
    });
  }

  async release(lease: Lease): Promise<void> {
    await inTransaction(this.#pool, 'lease release', async (client) => {
      // The token stays on the row: it only ever grows, at the next claim.
      await client.query(
        'UPDATE leases SET worker_id = NULL, expires_ms = 0 WHERE integration = $1 AND worker_id = $2 AND token = $3',
        [lease.integration, lease.workerId, lease.token],
      );
    });
  }

  async commitFenced(
    lease: Lease,
    integration: string,
    check: CheckId,
    records: NewRecord[],
    cursor: JsonValue | undefined,
  ): Promise<{ inserted: number }> {
    if (integration !== lease.integration) {
      throw new AzsecError('ERR_LEASE_LOST', `The lease is for integration "${lease.integration}", not "${integration}".`, {
        integration,
        leaseIntegration: lease.integration,
      });
    }
    return inTransaction(this.#pool, 'fenced commit', async (client) => {
      const now = await this.#now(client);
      // The row lock is held until COMMIT: no claim can take the integration while these records go in.
      const current = await client.query<{ worker_id: string | null; token: string; expires_ms: string }>(
        'SELECT worker_id, token, expires_ms FROM leases WHERE integration = $1 FOR UPDATE',
        [integration],
      );
      const row = current.rows[0];
      const held =
        row !== undefined &&
        row.worker_id === lease.workerId &&
        Number(row.token) === lease.token &&
        Number(row.expires_ms) > now;
      if (!held) {
        throw new AzsecError(
          'ERR_LEASE_LOST',
          `Worker "${lease.workerId}" no longer holds the lease on "${integration}" (token ${lease.token}); nothing was written.`,
          { integration, check, workerId: lease.workerId, token: lease.token, currentToken: row === undefined ? null : Number(row.token) },
        );
      }
      return writeCommit(client, integration, check, records, cursor, new Date(now).toISOString());
    });
  }

  async leave(workerId: string): Promise<void> {
    await inTransaction(this.#pool, 'worker leave', async (client) => {
      await client.query('UPDATE leases SET worker_id = NULL, expires_ms = 0 WHERE worker_id = $1', [workerId]);
      await client.query('DELETE FROM workers WHERE worker_id = $1', [workerId]);
    });
  }

  async close(): Promise<void> {
    if (this.#ownsPool) await this.#pool.end();
  }
}
