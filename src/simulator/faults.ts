// Fault switches for tests: queued faults that the next matching requests consume.
import type { SimEndpoint, SimFault, SimFaultMatch } from './types.ts';

export type QueuedFault = Exclude<SimFault, { kind: 'revokeTokens' }>;

export interface FaultContext {
  tenantId: string | undefined;
  tenantName: string | undefined;
  endpoint: SimEndpoint | 'token' | 'metadata' | 'other';
  pageAfterFirst: boolean;
}

function matchesContext(match: SimFaultMatch | undefined, ctx: FaultContext): boolean {
  if (match === undefined) return ctx.endpoint !== 'metadata' && ctx.endpoint !== 'other';
  if (match.tenant !== undefined && match.tenant !== ctx.tenantId && match.tenant !== ctx.tenantName) return false;
  if (match.endpoint !== undefined && match.endpoint !== ctx.endpoint) return false;
  if (match.endpoint === undefined && (ctx.endpoint === 'metadata' || ctx.endpoint === 'other')) return false;
  if (match.pageAfterFirst === true && !ctx.pageAfterFirst) return false;
  return true;
}

export class FaultQueue {
  private faults: Array<{ fault: QueuedFault; remaining: number }> = [];

  add(fault: QueuedFault): void {
    this.faults.push({ fault, remaining: fault.count ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first queued fault that matches, consumed once; undefined when none applies. */
  take(ctx: FaultContext): QueuedFault | undefined {
    const entry = this.faults.find((f) => f.remaining > 0 && matchesContext(f.fault.match, ctx));
    if (entry === undefined) return undefined;
    entry.remaining--;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return entry.fault;
  }
}
