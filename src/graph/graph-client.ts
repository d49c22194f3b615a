// The only code that speaks HTTP to Graph. It sends the headers Graph expects on every page (the token, Prefer,
// client-request-id, User-Agent), follows @odata.nextLink verbatim, and owns retries: Retry-After or full-jitter
// backoff for 429, bounded retries for 5xx/timeouts/resets/truncated bodies, one fresh token on a 401.
import { randomUUID } from 'node:crypto';
import type { AccessToken, TokenProvider } from '../auth/token-provider.ts';
import type { Clock } from '../core/clock.ts';
import { AzsecError, isAzsecError } from '../core/errors.ts';
import { USER_AGENT } from '../core/product.ts';
import { classify } from './classify.ts';
import { rawValues } from './raw-values.ts';

export interface GraphPage {
  /** Parsed elements of "value". */
  values: Array<Record<string, unknown>>;
  /** The same elements as received, byte for byte. */
  raws: string[];
  nextLink: string | undefined;
  deltaLink: string | undefined;
  /** 206 Partial Content (secure scores with a failing provider). */
  partial: boolean;
}

export interface GraphClientOptions {
  /** https://graph.microsoft.com or a national/custom Graph host; nextLinks must stay on it. */
  graphUrl: string;
  tokens: TokenProvider;
  clock: Clock;
  /** Retries of transient failures (5xx, timeouts, resets, bad bodies) per request. Default 4. */
  maxRetries?: number;
  /** 429 answers honoured per request before giving up with ERR_GRAPH_THROTTLED. Default 4. */
  maxThrottleRetries?: number;
  /** Longest single wait the client accepts; a longer Retry-After ends the attempt as throttled. Default 60 s. */
  maxWaitMs?: number;
  requestTimeoutMs?: number;
  random?: () => number;
  /**
   * Client-side pacing per path prefix: at least minIntervalMs between request starts. Identity protection allows
   * 1 request/s per tenant for all apps together and sends no Retry-After, so pacing beats backing off after 429s.
   */
  pacing?: Array<{ prefix: string; minIntervalMs: number }>;
  /** Appended to the User-Agent (e.g. "worker/host-123"), so Graph-side logs tell workers apart. */
  userAgentSuffix?: string;
  /** Called on every HTTP exchange, for counters. */
  onRequest?: (info: { url: string; status: number }) => void;
}

export interface PageRequest {
  preferUnknownEnums?: boolean;
  signal?: AbortSignal;
}

const BASE_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

export class GraphClient {
  private readonly opts: Required<Omit<GraphClientOptions, 'onRequest' | 'userAgentSuffix'>> & Pick<GraphClientOptions, 'onRequest' | 'userAgentSuffix'>;
  private readonly origin: string;
  private readonly lastStart = new Map<string, number>();

  constructor(options: GraphClientOptions) {
    this.opts = {
      maxRetries: 4,
      maxThrottleRetries: 4,
      maxWaitMs: 60_000,
      requestTimeoutMs: 60_000,
      random: Math.random,
      pacing: [{ prefix: '/v1.0/identityProtection/', minIntervalMs: 1_000 }],
      ...options,
      graphUrl: options.graphUrl.replace(/\/+$/, ''),
    };
    this.origin = new URL(this.opts.graphUrl).origin;
  }

  /** Absolute URL of a v1.0 path ("/auditLogs/signIns?$top=1000"). */
  url(pathAndQuery: string): string {
    return `${this.opts.graphUrl}/v1.0${pathAndQuery}`;
  }

  /** Full-jitter exponential backoff: a uniform wait in [0, min(cap, base * 2^attempt)). */
  backoff(attempt: number): number {
    return Math.floor(this.opts.random() * Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt));
  }

  /** GETs one page, retrying what is transient; throws AzsecError with the reason otherwise. */
  async getPage(url: string, req: PageRequest = {}): Promise<GraphPage> {
    if (!url.startsWith(`${this.origin}/`) || !url.startsWith('https:')) {
      // A nextLink to another host would leak the token (GRAPH-FACTS §6).
      throw new AzsecError('ERR_GRAPH_BAD_REQUEST', `Refusing to follow a link outside ${this.origin}: ${new URL(url).origin}`);
    }
    let transientFailures = 0;
    let throttles = 0;
    let reauthenticated = false;
    let token: AccessToken = await this.opts.tokens.getToken();
    for (;;) {
      const outcome = await this.exchange(url, token, req);
      const now = this.opts.clock.now();
      const c = outcome.kind === 'transport' ? { kind: 'retry' as const, afterMs: undefined, error: outcome.error } : classify(outcome.status, outcome.headers, outcome.body, now);
      switch (c.kind) {
        case 'ok': {
          const values = Array.isArray(c.body.value) ? (c.body.value as Array<Record<string, unknown>>) : [];
          const raws = values.length > 0 && outcome.kind === 'http' ? rawValues(outcome.body) : [];
          if (raws.length !== values.length) {
            throw new AzsecError('ERR_GRAPH_TRANSPORT', `Could not delimit the ${values.length} records of a Graph page`);
          }
          const nextLink = typeof c.body['@odata.nextLink'] === 'string' ? c.body['@odata.nextLink'] : undefined;
          const deltaLink = typeof c.body['@odata.deltaLink'] === 'string' ? c.body['@odata.deltaLink'] : undefined;
          return { values, raws, nextLink, deltaLink, partial: outcome.kind === 'http' && outcome.status === 206 };
        }
        case 'retry': {
          if (transientFailures >= this.opts.maxRetries) throw c.error;
          const wait = c.afterMs ?? this.backoff(transientFailures);
          transientFailures++;
          if (wait > this.opts.maxWaitMs) throw c.error;
          await this.opts.clock.sleep(wait, req.signal);
          break;
        }
        case 'throttled': {
          if (throttles >= this.opts.maxThrottleRetries) {
            throw new AzsecError('ERR_GRAPH_THROTTLED', `Graph kept answering 429 after ${throttles} retries`, { retryAfterMs: c.afterMs });
          }
          const wait = c.afterMs ?? this.backoff(throttles + 1);
          throttles++;
          if (wait > this.opts.maxWaitMs) {
            throw new AzsecError('ERR_GRAPH_THROTTLED', `Graph asked to wait ${Math.round(wait / 1000)} s (Retry-After)`, { retryAfterMs: wait });
          }
          await this.opts.clock.sleep(wait, req.signal);
          break;
        }
        case 'reauth':
          // A token revoked or expired mid-paging: one fresh token, then the same URL again.
          if (reauthenticated) throw c.error;
          reauthenticated = true;
          token = await this.opts.tokens.getToken({ forceRefresh: true });
          break;
        case 'fail':
          throw c.error;
      }
    }
  }

  private async pace(url: string, signal: AbortSignal | undefined): Promise<void> {
    const path = new URL(url).pathname;
    for (const { prefix, minIntervalMs } of this.opts.pacing) {
      if (!path.startsWith(prefix)) continue;
      // Reserve the slot before waiting, so concurrent callers queue behind each other.
      const start = Math.max(this.clock().now(), (this.lastStart.get(prefix) ?? -Infinity) + minIntervalMs);
      this.lastStart.set(prefix, start);
      const wait = start - this.clock().now();
      if (wait > 0) await this.clock().sleep(wait, signal);
    }
  }

  private clock(): Clock {
    return this.opts.clock;
  }

  private async exchange(
    url: string,
    token: AccessToken,
    req: PageRequest,
  ): Promise<{ kind: 'http'; status: number; headers: Headers; body: string } | { kind: 'transport'; error: AzsecError }> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token.token}`,
      Accept: 'application/json',
      'client-request-id': randomUUID(),
      'User-Agent': this.opts.userAgentSuffix === undefined ? USER_AGENT : `${USER_AGENT} ${this.opts.userAgentSuffix}`,
    };
    if (req.preferUnknownEnums === true) headers.Prefer = 'include-unknown-enum-members';
    await this.pace(url, req.signal);
    const timeout = AbortSignal.timeout(this.opts.requestTimeoutMs);
    const signal = req.signal === undefined ? timeout : AbortSignal.any([timeout, req.signal]);
    try {
      const res = await fetch(url, { headers, signal, redirect: 'manual' });
      const body = await res.text();
      this.opts.onRequest?.({ url, status: res.status });
      return { kind: 'http', status: res.status, headers: res.headers, body };
    } catch (error) {
      if (req.signal?.aborted === true) throw req.signal.reason;
      this.opts.onRequest?.({ url, status: 0 });
      const cause = error as Error & { cause?: { code?: string; message?: string } };
      const why = cause.name === 'TimeoutError' ? `timed out after ${this.opts.requestTimeoutMs} ms` : (cause.cause?.code ?? cause.cause?.message ?? cause.message);
      return { kind: 'transport', error: new AzsecError('ERR_GRAPH_TRANSPORT', `Request to Graph failed: ${why}`) };
    }
  }
}

export function isThrottled(error: unknown): boolean {
  return isAzsecError(error, 'ERR_GRAPH_THROTTLED');
}
