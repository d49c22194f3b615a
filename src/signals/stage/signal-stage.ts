// The signal stage: the second step of ingest. The collector commits records (with their checkpoint) and wakes the
// stage; the stage takes the newly stored records in storage order, normalizes each into its signal, runs the
// detection rules on it, and stores the signals, the alerts and the rules' state together with "these records are
// done", in one transaction (Store.completeRecords).
//
// Why a separate step rather than inside the collector's commit: normalizing, indexing and rule evaluation cost more
// CPU than fetching and storing the records themselves. As a step of its own it runs in a worker thread
// (signal-stage-thread.ts) beside the collector, so a page's signals are computed while the next page is fetched, and
// the collector's commit stays small. Nothing is lost in between: the records are the durable queue (the store keeps
// which ones are done), so after a crash the stage resumes with the first record it had not completed.
//
// One process at a time runs the stage for a store (the stage lease, renewed as it works and fenced at every
// batch): its detection state is then a single, ordered history. Other processes stand by and take over when the
// holder stops or dies.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../../core/clock.ts';
import type { Clock } from '../../core/clock.ts';
import { isAzsecError } from '../../core/errors.ts';
import type { DetectionEngine } from '../../detections/engine.ts';
import { createEngine, loadInstallationRules } from '../../detections/installation-rules.ts';
import type { Logger } from '../../log/logger.ts';
import type { AlertUpsert, PendingRecord, Store } from '../../store/store.ts';
import type { Signal } from '../signal.ts';
import { signalOfObject } from '../signal-of-record.ts';

export interface SignalStageOptions {
  store: Store;
  logger: Logger;
  clock?: Clock;
  /** Who holds the stage lease (logs, fencing); a random id by default. */
  owner?: string;
  /** Records per batch (one transaction); default 1,000, a Graph page. */
  batchSize?: number;
  /** Stage lease duration; renewed every third of it while working. Default 30 s. */
  leaseMs?: number;
  /**
   * With nothing to do, look for records stored by other processes this often (records this process stores wake
   * the stage at once). Default 1 s.
   */
  idleCheckMs?: number;
  /** Run the detection rules (default true); the benchmark turns them off to measure their cost. */
  detections?: boolean;
  /** Called with every alert raised or updated, after it is stored. */
  onAlerts?: (alerts: AlertUpsert[]) => void;
}

export interface StageProgress {
  records: number;
  signals: number;
  alerts: number;
}

function parseObject(raw: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A batch of records with everything the stage computed for it, ready to be stored. */
interface PreparedBatch {
  records: PendingRecord[];
  signals: Signal[];
  alerts: AlertUpsert[];
  /** JSON text of the engine's state after the batch; undefined with the rules off. */
  detectionState: string | undefined;
  /** The engine that evaluated the batch. */
  engine: DetectionEngine | undefined;
}

export class SignalStage {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #owner: string;
  readonly #batchSize: number;
  readonly #leaseMs: number;
  readonly #idleCheckMs: number;
  readonly #detections: boolean;
  readonly #onAlerts: ((alerts: AlertUpsert[]) => void) | undefined;
  #holding = false;
  #renewAt = 0;
  #engine: DetectionEngine | undefined;
  #rulesFingerprint: string | undefined;
  #wake: (() => void) | undefined;
  #woken = false;
  #reportedRuleErrors = new Map<string, number>();
  #idleWaiters: Array<(held: boolean) => void> = [];
  /** The next batch, computed while the previous one was written (processBatch). */
  #ahead: PreparedBatch | undefined;
  readonly progress: StageProgress = { records: 0, signals: 0, alerts: 0 };

  constructor(opts: SignalStageOptions) {
    this.#store = opts.store;
    this.#logger = opts.logger;
    this.#clock = opts.clock ?? systemClock;
    this.#owner = opts.owner ?? `stage-${randomUUID()}`;
    this.#batchSize = opts.batchSize ?? 1_000;
    this.#leaseMs = opts.leaseMs ?? 30_000;
    this.#idleCheckMs = opts.idleCheckMs ?? 1_000;
    this.#detections = opts.detections ?? true;
    this.#onAlerts = opts.onAlerts;
  }

  /** New records were stored: look now rather than at the next idle check. */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /**
   * Resolves once everything stored before the call has been processed (true), or at the next idle check when
   * another process holds the stage (false). Only while run() is running.
   */
  whenIdle(): Promise<boolean> {
    const done = new Promise<boolean>((resolve) => this.#idleWaiters.push(resolve));
    this.wake();
    return done;
  }

  /** Takes or renews the lease when due; (re)loads the rules when they changed. False when another process holds it. */
  async #ensureLease(): Promise<boolean> {
    const now = this.#clock.now();
    const renew = !this.#holding || now >= this.#renewAt;
    if (renew) {
      const held = await this.#store.claimSignalStage(this.#owner, this.#leaseMs);
      if (!held) {
        if (this.#holding) this.#logger.warn({ owner: this.#owner }, 'signal stage lease lost to another process');
        this.#holding = false;
        this.#engine = undefined;
        return false;
      }
      this.#holding = true;
      this.#renewAt = now + this.#leaseMs / 3;
    }
    // Rules are re-read at every renewal (operators change them), and at once after a batch was given up.
    if (this.#detections && (renew || this.#engine === undefined)) await this.#loadRules();
    return true;
  }

  async #loadRules(): Promise<void> {
    const installation = await loadInstallationRules(this.#store);
    if (this.#engine !== undefined && installation.fingerprint === this.#rulesFingerprint) return;
    for (const problem of installation.problems) this.#logger.warn(`detections: ${problem}`);
    const engine = createEngine(installation);
    // The state is always the stored one: after a takeover (or a lost batch) the in-memory one may be ahead of it.
    const state = await this.#store.getDetectionState();
    if (state !== null) {
      try {
        engine.restore(state);
      } catch (error) {
        this.#logger.warn({ reason: (error as Error).message }, 'detections: stored rule state unreadable, starting afresh');
      }
    }
    this.#engine = engine;
    this.#rulesFingerprint = installation.fingerprint;
  }

  /**
   * Processes one batch if this process holds (or can take) the lease. Returns how many records it completed;
   * 0 when there was nothing to do or another process holds the stage.
   */
  async processBatch(): Promise<number> {
    const ahead = this.#ahead;
    this.#ahead = undefined;
    let held: boolean;
    try {
      held = await this.#ensureLease();
    } catch (error) {
      if (ahead !== undefined) this.#forget(ahead);
      throw error;
    }
    // (Without the lease, #ensureLease has dropped the engine, and with it what it saw of a batch computed ahead.)
    if (!held) return 0;
    // A batch computed ahead is used only by the engine that computed it: after a lease renewal reloaded changed
    // rules, the new engine starts from the stored state, which does not hold that batch.
    const batch = ahead !== undefined && ahead.engine === this.#engine ? ahead : this.#prepare(await this.#store.pendingRecords(this.#batchSize));
    if (batch.records.length === 0) return 0;
    // The next batch is read and computed while this one is written. On PostgreSQL that overlaps azsec's CPU with
    // the server's (the write is most of a batch's time there); SQLite's writes are synchronous, so it changes nothing.
    const written = this.#store.completeRecords(this.#owner, batch.records, {
      signals: batch.signals,
      // #signalOf computes each signal with signal-of-record.ts, as the store's SignalDeriver does.
      derived: true,
      alerts: batch.alerts,
      ...(batch.detectionState === undefined ? {} : { detectionState: batch.detectionState }),
    });
    const next = this.#prepareNext(batch.records);
    try {
      await written;
    } catch (error) {
      // The engine saw a batch that was not stored (and the one after it).
      this.#forget(batch);
      await next;
      if (isAzsecError(error, 'ERR_LEASE_LOST')) {
        this.#holding = false;
        return 0;
      }
      throw error;
    }
    this.#ahead = await next;
    this.progress.records += batch.records.length;
    this.progress.signals += batch.signals.length;
    this.progress.alerts += batch.alerts.length;
    if (batch.alerts.length > 0) {
      for (const a of batch.alerts) {
        if (a.absorbed === 0) this.#logger.warn({ rule: a.ruleId, severity: a.severity, integration: a.integration }, `alert raised: ${a.title}`);
      }
      this.#onAlerts?.(batch.alerts);
    }
    this.#reportRuleErrors();
    return batch.records.length;
  }

  /** Signals, alerts and the engine's state after them, for a batch of records (the engine sees them in order). */
  #prepare(records: PendingRecord[]): PreparedBatch {
    const engine = this.#engine;
    const signals: Signal[] = [];
    const alerts = new Map<string, AlertUpsert>();
    try {
      for (const r of records) {
        const signal = this.#signalOf(r);
        if (signal === null) continue;
        signals.push(signal.signal);
        if (engine !== undefined) for (const a of engine.evaluate(signal.signal, signal.raw)) alerts.set(a.id, a);
      }
      // Serialized now: the snapshot shares objects with the engine, which the next batch changes during this write.
      const detectionState = records.length === 0 || engine === undefined ? undefined : JSON.stringify(engine.snapshot());
      return { records, signals, alerts: [...alerts.values()], detectionState, engine };
    } catch (error) {
      // The engine may have seen part of the batch.
      this.#forget({ engine });
      throw error;
    }
  }

  /**
   * A batch the engine saw will not be stored (now): the engine's state is ahead of the stored one, so it is dropped
   * and the next batch reloads it from the store. Nothing to do when that engine is already gone.
   */
  #forget(batch: Pick<PreparedBatch, 'engine'>): void {
    if (batch.engine === undefined || batch.engine !== this.#engine) return;
    this.#engine = undefined;
    this.#rulesFingerprint = undefined;
  }

  /**
   * The batch after `current`, read and computed while `current` is written; undefined when there is none or it
   * could not be had (the next round reads it again, and reports a failure then).
   */
  async #prepareNext(current: readonly PendingRecord[]): Promise<PreparedBatch | undefined> {
    try {
      const records = await this.#store.pendingRecords(this.#batchSize, current);
      return records.length === 0 ? undefined : this.#prepare(records);
    } catch {
      // #prepare has dropped the engine if it saw part of the batch.
      return undefined;
    }
  }

  #dropAhead(): void {
    if (this.#ahead !== undefined) this.#forget(this.#ahead);
    this.#ahead = undefined;
  }

  #signalOf(r: PendingRecord): { signal: Signal; raw: Record<string, unknown> } | null {
    const raw = parseObject(r.raw);
    // Every stored record was parsed from Graph's JSON before it was stored; one that no longer parses is reported.
    if (raw === null) {
      this.#logger.warn({ integration: r.integration, check: r.check, id: r.id }, 'signal stage: a stored record is not a JSON object; no signal made');
      return null;
    }
    // The same function the store's SignalDeriver computes the signal again with (completeRecords says derived: true).
    const signal = signalOfObject(raw, r);
    return { signal, raw };
  }

  #reportRuleErrors(): void {
    const errors = this.#engine?.errors;
    if (errors === undefined) return;
    for (const [rule, count] of errors) {
      if (this.#reportedRuleErrors.get(rule) === count) continue;
      this.#reportedRuleErrors.set(rule, count);
      this.#logger.warn({ rule, failures: count }, 'detections: a rule failed on some signals (they were stored; the rule skipped them)');
    }
  }

  /**
   * Processes everything pending now (used by `azsec poll --once` and tests). Returns false when another process
   * holds the stage: it will process the records itself.
   */
  async drain(): Promise<boolean> {
    try {
      for (;;) {
        const n = await this.processBatch();
        if (n === 0) return this.#holding;
      }
    } finally {
      // A one-off drain (poll --once, tests) must not keep others out for a lease period after it is done.
      this.#dropAhead();
      if (this.#holding) await this.#store.releaseSignalStage(this.#owner).catch(() => undefined);
      this.#holding = false;
    }
  }

  /** Runs until `signal` aborts: batches while there is work, otherwise waits for a wake or the idle check. */
  async run(signal: AbortSignal): Promise<void> {
    try {
      while (!signal.aborted) {
        let n = 0;
        try {
          n = await this.processBatch();
        } catch (error) {
          this.#logger.error({ code: (error as { code?: string }).code ?? 'ERR_INTERNAL', reason: (error as Error).message }, 'signal stage: batch failed; retrying');
          await sleep(Math.min(this.#idleCheckMs * 5, 5_000), undefined, { signal }).catch(() => undefined);
          continue;
        }
        if (n > 0) continue;
        for (const resolve of this.#idleWaiters.splice(0)) resolve(this.#holding);
        await this.#idle(signal);
      }
    } finally {
      this.#dropAhead();
      if (this.#holding) await this.#store.releaseSignalStage(this.#owner).catch(() => undefined);
      this.#holding = false;
      for (const resolve of this.#idleWaiters.splice(0)) resolve(false);
    }
  }

  async #idle(signal: AbortSignal): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.#holding ? this.#idleCheckMs : Math.max(this.#idleCheckMs, this.#leaseMs / 3));
      signal.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
    this.#woken = false;
  }
}
