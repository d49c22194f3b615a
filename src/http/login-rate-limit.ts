// Login attempts per client address: at most 5 failures in 15 minutes, then 429 until the oldest ages out.
export class LoginRateLimit {
  private readonly failures = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly max: number;
  private readonly windowMs: number;

  constructor(opts: { now?: () => number; max?: number; windowMs?: number } = {}) {
    this.now = opts.now ?? Date.now;
    this.max = opts.max ?? 5;
    this.windowMs = opts.windowMs ?? 15 * 60_000;
  }

  /** Seconds to wait before another attempt, or 0 when one is allowed. */
  retryAfter(client: string): number {
    const recent = this.recent(client);
    if (recent.length < this.max) return 0;
    return Math.ceil(((recent[0] as number) + this.windowMs - this.now()) / 1000);
  }

  fail(client: string): void {
    this.failures.set(client, [...this.recent(client), this.now()]);
  }

  succeed(client: string): void {
    this.failures.delete(client);
  }

  private recent(client: string): number[] {
    const cutoff = this.now() - this.windowMs;
    return (this.failures.get(client) ?? []).filter((t) => t > cutoff);
  }
}
