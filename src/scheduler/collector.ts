// The collector: for every enabled integration, runs its due checks, each independently, and records what happened
// as per-check state. `pollOnce` is one cycle (azsec poll --once); `run` keeps every integration on its own interval
// with jitter, bounded concurrency across integrations and within a tenant, until stopped.
import { ALL_CHECKS } from '../checks/all-checks.ts';
import type { CheckDefinition } from '../checks/check-definition.ts';
import { cloudEndpoints } from '../config/clouds.ts';
import type { CloudEndpoints } from '../config/clouds.ts';
import { integrationCredential } from '../config/integration-credential.ts';
import type { CheckId } from '../core/check-ids.ts';
import { systemClock } from '../core/clock.ts';
import type { Clock } from '../core/clock.ts';
import { AzsecError, isAzsecError } from '../core/errors.ts';
import { MsalTokenProvider } from '../auth/token-provider.ts';
import type { AccessToken, Credential, TokenProvider } from '../auth/token-provider.ts';
import { GraphClient } from '../graph/graph-client.ts';
import type { GraphClientOptions } from '../graph/graph-client.ts';
import type { Logger } from '../log/logger.ts';
import { runCheck } from '../pipeline/run-check.ts';
import type { CheckState, Integration, JsonValue, NewRecord, Store } from '../store/store.ts';
import { initialCheckState, isNewCondition, missingPermissionReason, outcomeOfError } from './check-outcome.ts';
import type { Outcome } from './check-outcome.ts';
import { runLimited } from './run-limited.ts';

export type CommitFn = (integration: string, check: CheckId, records: NewRecord[], cursor: JsonValue | undefined) => Promise<{ inserted: number }>;

export interface CollectorOptions {
  store: Store;
  secretKey: Buffer;
  logger: Logger;
  clock?: Clock;
  /** Builds the token provider of an integration; msal-node by default (tests may substitute). */
  tokenProvider?: (integration: Integration, credential: Credential, endpoints: CloudEndpoints) => TokenProvider;
  graph?: Partial<Pick<GraphClientOptions, 'maxRetries' | 'maxThrottleRetries' | 'maxWaitMs' | 'requestTimeoutMs' | 'random' | 'pacing' | 'userAgentSuffix'>>;
  /** Integrations collected at the same time (default 16). */
  integrationConcurrency?: number;
  /** Checks of one tenant collected at the same time (default 4), within Graph's per-tenant limits. */
  checkConcurrency?: number;
  random?: () => number;
  /**
   * Called after every commit that stored new records: the signal stage (src/signals/stage/) turns them into signals
   * and alerts. The hook only wakes it; the stage reads the records from the store, so nothing depends on the call.
   */
  onStored?: () => void;
}

export interface CycleSummary {
  integration: string;
  checks: Array<{ id: CheckId; state: string; inserted: number }>;
}

interface Connection {
  updatedAt: string;
  tokens: TokenProvider;
  client: GraphClient;
  endpoints: CloudEndpoints;
}

export class Collector {
  private readonly opts: CollectorOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly connections = new Map<string, Connection>();
  private readonly random: () => number;

  constructor(opts: CollectorOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger.child({ component: 'azure-security' });
    this.random = opts.random ?? Math.random;
  }

  /** One cycle of every enabled integration (or the one named), ignoring intervals but honouring cooldowns. */
  async pollOnce(only?: string): Promise<CycleSummary[]> {
    const integrations = (await this.opts.store.listIntegrations()).filter((i) => i.enabled && (only === undefined || i.name === only));
    if (only !== undefined && integrations.length === 0) {
      const exists = await this.opts.store.getIntegration(only);
      throw new AzsecError(exists ? 'ERR_CONFIG_INVALID' : 'ERR_INTEGRATION_NOT_FOUND', exists ? `Integration "${only}" is disabled` : `No integration named "${only}"`);
    }
    return runLimited(integrations, this.opts.integrationConcurrency ?? 16, (i) => this.runIntegration(i, 'once'));
  }

  /** Runs until `signal` aborts: each integration when one of its checks is due. */
  async run(signal: AbortSignal): Promise<void> {
    const running = new Map<string, Promise<unknown>>();
    const limit = this.opts.integrationConcurrency ?? 16;
    this.log.info({ integrations: (await this.opts.store.listIntegrations()).length }, 'collector started');
    while (!signal.aborted) {
      try {
        const integrations = await this.opts.store.listIntegrations();
        const states = await this.opts.store.listCheckStates();
        const now = this.clock.now();
        for (const integration of integrations) {
          if (running.size >= limit) break;
          if (!integration.enabled || running.has(integration.name)) continue;
          const mine = states.filter((s) => s.integration === integration.name);
          const due = ALL_CHECKS.some((c) => {
            if (integration.disabledChecks.includes(c.id)) return false;
            const s = mine.find((m) => m.check === c.id);
            return s === undefined || s.nextDueAt === null || Date.parse(s.nextDueAt) <= now;
          });
          if (!due) continue;
          const task = this.runIntegration(integration, 'scheduled', signal)
            .catch((error: unknown) => this.log.error({ integration: integration.name, err: (error as Error).message }, 'integration cycle failed'))
            .finally(() => running.delete(integration.name));
          running.set(integration.name, task);
        }
      } catch (error) {
        this.log.error({ err: (error as Error).message }, 'scheduler loop failed; retrying');
      }
      try {
        await this.clock.sleep(1_000, signal);
      } catch {
        break;
      }
    }
    await Promise.allSettled(running.values());
    this.log.info('collector stopped');
  }

  private connection(integration: Integration, credential: Credential): Connection {
    const cached = this.connections.get(integration.name);
    if (cached !== undefined && cached.updatedAt === integration.updatedAt) return cached;
    const endpoints = cloudEndpoints(integration.cloud, { loginUrl: integration.loginUrl, graphUrl: integration.graphUrl });
    const tokens =
      this.opts.tokenProvider?.(integration, credential, endpoints) ??
      new MsalTokenProvider({ loginUrl: endpoints.loginUrl, tenantId: integration.tenantId, clientId: integration.clientId, scope: endpoints.scope, credential });
    const client = new GraphClient({ graphUrl: endpoints.graphUrl, tokens, clock: this.clock, ...this.opts.graph });
    const connection = { updatedAt: integration.updatedAt, tokens, client, endpoints };
    this.connections.set(integration.name, connection);
    return connection;
  }

  /** Runs the integration's due checks (all enabled ones in 'once' mode, except those cooling down). */
  async runIntegration(integration: Integration, mode: 'once' | 'scheduled', signal?: AbortSignal, fencedCommit?: CommitFn): Promise<CycleSummary> {
    const summary: CycleSummary = { integration: integration.name, checks: [] };
    const store = this.opts.store;
    const now = this.clock.now();
    const states = new Map((await store.listCheckStates(integration.name)).map((s) => [s.check, s]));
    // Every check that completes this cycle is next due at the same moment, counted from the cycle's start: the
    // integration stays on its schedule however long the cycle took, and is claimed once per cycle by a worker.
    const cycleNextDue = this.nextDue(integration, now);
    const endpoints = cloudEndpoints(integration.cloud, { loginUrl: integration.loginUrl, graphUrl: integration.graphUrl });
    const due: CheckDefinition[] = [];
    for (const check of ALL_CHECKS) {
      const prev = states.get(check.id) ?? null;
      const offReason = integration.disabledChecks.includes(check.id)
        ? 'disabled for this integration'
        : endpoints.unavailableChecks.includes(check.id)
          ? `not offered by Microsoft Graph in the ${integration.cloud} cloud`
          : null;
      if (offReason !== null) {
        if (prev?.state !== 'disabled' || prev.reason !== offReason) {
          await store.putCheckState({ ...(prev ?? initialCheckState(integration.name, check.id)), state: 'disabled', reason: offReason, errorCode: null, nextDueAt: null });
        }
        summary.checks.push({ id: check.id, state: 'disabled', inserted: 0 });
        continue;
      }
      const nextDue = prev?.nextDueAt == null ? -Infinity : Date.parse(prev.nextDueAt);
      const coolingDown = prev !== null && (prev.state === 'throttled' || prev.state === 'unavailable') && nextDue > now;
      if (mode === 'scheduled' ? nextDue > now : coolingDown) continue;
      if (check.isDue !== undefined && prev?.state === 'ok' && !check.isDue(await store.getCheckpoint(integration.name, check.id), now)) {
        if (mode === 'scheduled') await store.putCheckState({ ...prev, nextDueAt: cycleNextDue });
        continue;
      }
      due.push(check);
    }
    if (due.length === 0) return summary;

    let token: AccessToken;
    let connection: Connection;
    try {
      connection = this.connection(integration, await integrationCredential(this.opts.store, this.opts.secretKey, integration));
      token = await connection.tokens.getToken();
      // A token obtained before a new admin consent lacks the new role: re-probing a permission gap gets a fresh one.
      const reprobing = due.some((c) => states.get(c.id)?.errorCode === 'ERR_GRAPH_FORBIDDEN_PERMISSION' && this.missing(c, token).length > 0);
      if (reprobing) token = await connection.tokens.getToken({ forceRefresh: true });
    } catch (error) {
      const code = isAzsecError(error) ? error.code : 'ERR_AUTH_FAILED';
      const reason = error instanceof Error ? error.message : String(error);
      for (const check of due) {
        const outcome: Outcome = { state: 'error', reason, errorCode: code, nextInMs: integration.intervalMs };
        await this.record(integration, check, states.get(check.id) ?? null, outcome, 0, now, cycleNextDue);
        summary.checks.push({ id: check.id, state: 'error', inserted: 0 });
      }
      return summary;
    }

    const runnable: CheckDefinition[] = [];
    for (const check of due) {
      const missing = this.missing(check, token);
      if (missing.length === 0) {
        runnable.push(check);
        continue;
      }
      // Checked from the token's roles before calling Graph (GRAPH-FACTS §3.1): a precise reason, no wasted request.
      const outcome: Outcome = { state: 'unavailable', reason: missingPermissionReason(check, missing), errorCode: 'ERR_GRAPH_FORBIDDEN_PERMISSION', nextInMs: 60 * 60_000 };
      await this.record(integration, check, states.get(check.id) ?? null, outcome, 0, now, cycleNextDue);
      summary.checks.push({ id: check.id, state: 'unavailable', inserted: 0 });
    }

    // Workers sharing PostgreSQL pass a commit fenced by their lease; a single process commits directly.
    const commit: CommitFn = fencedCommit ?? ((i, c, r, cur) => store.commit(i, c, r, cur));
    await runLimited(runnable, this.opts.checkConcurrency ?? 4, async (check) => {
      const prev = states.get(check.id) ?? null;
      const lookbackMs = Math.min(integration.initialLookbackMs, check.retentionMs);
      try {
        const result = await runCheck(
          check,
          { lookbackMs, lateWindowMs: integration.lateWindowMs },
          {
            client: connection.client,
            clock: this.clock,
            loadCursor: () => store.getCheckpoint(integration.name, check.id),
            commit: async (records, cursor) => {
              const stored = await commit(integration.name, check.id, records, cursor);
              if (stored.inserted > 0) this.opts.onStored?.();
              return stored;
            },
            ...(signal ? { signal } : {}),
          },
        );
        this.log.info({ integration: integration.name, check: check.id }, `fetched ${result.inserted} events`);
        if (result.resynced) this.log.warn({ integration: integration.name, check: check.id }, 'users delta link expired (410 Gone); ran a full resync');
        const outcome: Outcome = { state: 'ok', reason: result.partial ? 'Graph returned 206 Partial Content: a provider was missing' : null, errorCode: null, nextInMs: integration.intervalMs };
        await this.record(integration, check, prev, outcome, result.inserted, this.clock.now(), cycleNextDue);
        summary.checks.push({ id: check.id, state: 'ok', inserted: result.inserted });
      } catch (error) {
        // Stopped, or the lease was lost to another worker: the successor owns this integration's state now.
        if (signal?.aborted === true || isAzsecError(error, 'ERR_LEASE_LOST')) return;
        const outcome = outcomeOfError(check, error, integration.intervalMs);
        await this.record(integration, check, prev, outcome, 0, this.clock.now(), cycleNextDue);
        summary.checks.push({ id: check.id, state: outcome.state, inserted: 0 });
      }
    });
    return summary;
  }

  private missing(check: CheckDefinition, token: AccessToken): string[] {
    const roles = new Set(token.roles);
    // ReadWrite variants of a role also grant reading.
    return check.permissions.filter((p) => !roles.has(p) && !roles.has(p.replace('.Read.', '.ReadWrite.')));
  }

  private nextDue(integration: Integration, now: number, delayMs = integration.intervalMs): string {
    // Jitter spreads integrations that share an interval: up to 10 % of it, at most a minute.
    const jitter = Math.floor(this.random() * Math.min(60_000, delayMs * 0.1));
    return new Date(now + delayMs + jitter).toISOString();
  }

  private async record(
    integration: Integration,
    check: CheckDefinition,
    prev: CheckState | null,
    outcome: Outcome,
    inserted: number,
    now: number,
    cycleNextDue: string,
  ): Promise<void> {
    const base = prev ?? initialCheckState(integration.name, check.id);
    const nowIso = new Date(now).toISOString();
    const ok = outcome.state === 'ok';
    const fields = { integration: integration.name, check: check.id };
    let warnedAt = ok ? null : base.warnedAt;
    if (isNewCondition(prev, outcome)) {
      warnedAt = nowIso;
      const line = `${outcome.state}: ${outcome.reason ?? ''}`;
      if (outcome.state === 'error') this.log.error({ ...fields, code: outcome.errorCode }, line);
      else this.log.warn({ ...fields, code: outcome.errorCode }, line);
    }
    await this.opts.store.putCheckState({
      ...base,
      state: outcome.state,
      reason: outcome.reason,
      errorCode: outcome.errorCode,
      lastAttemptAt: nowIso,
      lastSuccessAt: ok ? nowIso : base.lastSuccessAt,
      // Cooldowns and re-probes keep their own delay; everything else follows the integration's cycle.
      nextDueAt: outcome.nextInMs === integration.intervalMs ? cycleNextDue : this.nextDue(integration, now, outcome.nextInMs),
      collected: base.collected + inserted,
      lastRunCollected: ok ? inserted : base.lastRunCollected,
      consecutiveFailures: ok ? 0 : base.consecutiveFailures + 1,
      warnedAt,
    });
  }
}
