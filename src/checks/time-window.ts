// The cursor shared by the time-window checks: a high-water mark on one timestamp property, re-read with `ge` minus a
// late-arrival window, in ascending order so each page can commit its progress. Records re-read inside the window are
// de-duplicated by the store on (id, version), so late records and records sharing a timestamp across a page boundary
// are all stored exactly once (GRAPH-FACTS §7, §9).
import type { JsonValue } from '../store/store.ts';
import type { Plan, PlanContext } from './check-definition.ts';
import { DAY_MS } from './check-definition.ts';

export interface WindowCursor {
  /** Highest value of the cursor property stored so far (ISO 8601). */
  since: string;
  /** Last time a sweep re-read the long window (checks with sweepMs). */
  sweptAt?: string;
}

export interface WindowSpec {
  path: string;
  property: string;
  top: number;
  /** Extra query parameters (e.g. $select). */
  extra?: string;
  /** A daily re-read this far back for records that become visible long after their own time (offline risk detections). */
  sweepMs?: number;
}

function asCursor(cursor: JsonValue | null): WindowCursor | null {
  if (cursor === null || typeof cursor !== 'object' || Array.isArray(cursor) || typeof cursor.since !== 'string') return null;
  return cursor as unknown as WindowCursor;
}

/** Graph wants DateTimeOffset literals unquoted; whole seconds in UTC are what it documents. */
function literal(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function planWindow(spec: WindowSpec, cursor: JsonValue | null, ctx: PlanContext): Plan {
  const c = asCursor(cursor);
  let from = c === null ? ctx.now - ctx.lookbackMs : Date.parse(c.since) - ctx.lateWindowMs;
  const state: WindowCursor = { since: c?.since ?? literal(ctx.now - ctx.lookbackMs) };
  if (spec.sweepMs !== undefined) {
    const sweptAt = c?.sweptAt === undefined ? ctx.now : Date.parse(c.sweptAt);
    if (c !== null && ctx.now - sweptAt >= DAY_MS) {
      from = Math.min(from, ctx.now - spec.sweepMs);
      state.sweptAt = literal(ctx.now);
    } else {
      state.sweptAt = literal(sweptAt);
    }
  }
  // Whole seconds, rounded down: never later than the cursor.
  const fromLiteral = literal(Math.floor(from / 1000) * 1000);
  const query = `$filter=${spec.property} ge ${fromLiteral}&$orderby=${spec.property} asc&$top=${spec.top}${spec.extra ?? ''}`;
  return { url: `${spec.path}?${query}`, state: state as unknown as JsonValue };
}

export function advanceWindow(property: string, cursor: JsonValue, values: Array<Record<string, unknown>>): JsonValue {
  const c = asCursor(cursor) as WindowCursor;
  let max = Date.parse(c.since);
  let maxText = c.since;
  for (const v of values) {
    const t = v[property];
    if (typeof t !== 'string') continue;
    const ms = Date.parse(t);
    if (ms > max) {
      max = ms;
      maxText = t;
    }
  }
  return { ...c, since: maxText } as unknown as JsonValue;
}

export function stringField(record: Record<string, unknown>, ...names: string[]): string {
  for (const name of names) {
    const v = record[name];
    if (typeof v === 'string' && v !== '') return v;
  }
  return '';
}
