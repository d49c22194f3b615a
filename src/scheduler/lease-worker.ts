// A collector worker sharing PostgreSQL with others: it claims due integrations with leases (never more than its fair
// share), renews each lease while it works, commits every page fenced by the lease's token, and releases the
// integration when its cycle ends. A worker that dies stops renewing; its leases expire and another worker claims the
// integrations within one lease period, resuming from their checkpoints. A paused worker whose lease was taken over
// has its next commit refused (ERR_LEASE_LOST) and abandons that integration.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../core/clock.ts';
import { systemClock } from '../core/clock.ts';
import type { Logger } from '../log/logger.ts';
import type { Lease, LeaseStore } from '../store/lease.ts';
import type { Store } from '../store/store.ts';
import type { Collector } from './collector.ts';

export interface LeaseWorkerOptions {
  store: Store;
  leases: LeaseStore;
  collector: Collector;
  logger: Logger;
  clock?: Clock;
  workerId?: string;
  /** Lease period (default 60 s); renewed every third of it. */
  leaseMs?: number;
  /** Integrations this worker collects at the same time (default 16). */
  concurrency?: number;
  /** Pause between claim rounds (default 1 s). */
  pollMs?: number;
}

export class LeaseWorker {
  readonly workerId: string;
  private readonly opts: LeaseWorkerOptions;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(opts: LeaseWorkerOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? systemClock;
    this.workerId = opts.workerId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.log = opts.logger.child({ component: 'azure-security', worker: this.workerId });
  }

  async run(signal: AbortSignal): Promise<void> {
    const leaseMs = this.opts.leaseMs ?? 60_000;
    const limit = this.opts.concurrency ?? 16;
    const running = new Map<string, Promise<void>>();
    this.log.info({ leaseMs }, 'worker started');
    while (!signal.aborted) {
      try {
        const free = limit - running.size;
        if (free > 0) {
          for (const lease of await this.opts.leases.claim(this.workerId, free, leaseMs)) {
            const task = this.work(lease, leaseMs, signal).finally(() => running.delete(lease.integration));
            running.set(lease.integration, task);
          }
        }
      } catch (error) {
        this.log.error({ err: (error as Error).message }, 'claiming integrations failed; retrying');
      }
      try {
        await this.clock.sleep(this.opts.pollMs ?? 1_000, signal);
      } catch {
        break;
      }
    }
    await Promise.allSettled(running.values());
    await this.opts.leases.leave(this.workerId).catch(() => undefined);
    this.log.info('worker stopped');
  }

  private async work(lease: Lease, leaseMs: number, stop: AbortSignal): Promise<void> {
    const lost = new AbortController();
    const signal = AbortSignal.any([stop, lost.signal]);
    const renew = setInterval(() => {
      this.opts.leases.renew(lease, leaseMs).then(
        (held) => {
          if (!held) {
            this.log.warn({ integration: lease.integration }, 'lease lost to another worker; abandoning this cycle');
            lost.abort();
          }
        },
        (error: unknown) => this.log.warn({ integration: lease.integration, err: (error as Error).message }, 'lease renewal failed'),
      );
    }, Math.max(1_000, Math.floor(leaseMs / 3)));
    try {
      const integration = await this.opts.store.getIntegration(lease.integration);
      if (integration === null || !integration.enabled) return;
      await this.opts.collector.runIntegration(integration, 'scheduled', signal, (i, check, records, cursor) =>
        this.opts.leases.commitFenced(lease, i, check, records, cursor),
      );
    } catch (error) {
      this.log.error({ integration: lease.integration, err: (error as Error).message }, 'integration cycle failed');
    } finally {
      clearInterval(renew);
      if (!lost.signal.aborted) await this.opts.leases.release(lease).catch(() => undefined);
    }
  }
}
