// Graph's per-service throttling limits (GRAPH-FACTS §5), measured on real time because they limit request rates:
// identity and access reports 5 requests / 10 s per app per tenant; identity protection 1 request / s per tenant for
// all apps, answered without Retry-After; security 150 requests / min per app per tenant; directory a resource-unit
// budget per app and tenant (GET users costs 2 of 3,500 units per 10 s).
import type { ThrottleService } from '../endpoints.ts';

interface Limit {
  windowMs: number;
  max: number;
  perApp: boolean;
  retryAfter: boolean;
}

const LIMITS: Record<ThrottleService, Limit> = {
  reports: { windowMs: 10_000, max: 5, perApp: true, retryAfter: true },
  identityProtection: { windowMs: 1_000, max: 1, perApp: false, retryAfter: false },
  security: { windowMs: 60_000, max: 150, perApp: true, retryAfter: true },
  directory: { windowMs: 10_000, max: 1_750, perApp: true, retryAfter: true },
};

export interface ThrottleVerdict {
  /** Seconds to wait, possibly fractional; undefined where Graph sends no Retry-After. */
  retryAfterSeconds: number | undefined;
  scope: string;
}

export class Throttler {
  enabled: boolean;
  private readonly windows = new Map<string, number[]>();
  private readonly clock: () => number;

  constructor(enabled: boolean, clock: () => number = () => performance.now()) {
    this.enabled = enabled;
    this.clock = clock;
  }

  /** Records the request and returns undefined when it is within the limit, or the 429 verdict when it is not. */
  admit(service: ThrottleService, tenantId: string, appId: string): ThrottleVerdict | undefined {
    if (!this.enabled) return undefined;
    const limit = LIMITS[service];
    const key = `${service}|${tenantId}|${limit.perApp ? appId : '*'}`;
    const now = this.clock();
    let times = this.windows.get(key);
    if (times === undefined) {
      times = [];
      this.windows.set(key, times);
    }
    while (times.length > 0 && (times[0] as number) <= now - limit.windowMs) times.shift();
    if (times.length < limit.max) {
      times.push(now);
      return undefined;
    }
    const waitMs = (times[0] as number) + limit.windowMs - now;
    return {
      retryAfterSeconds: limit.retryAfter ? Math.max(0.001, Math.ceil(waitMs) / 1000) : undefined,
      scope: `${service}/${limit.max}/${limit.perApp ? appId : 'AllApps'}/${tenantId}`,
    };
  }
}
