// Attacker-controlled text, as it reaches azsec from Graph: alert titles, display names, user agents and file
// names are chosen by whoever triggers them. A tenant with `hostileStrings` serves every record with such values in
// those fields, so tests can prove the console and the stores keep them as text.
import type { GraphObject } from './data/dataset.ts';

/** HTML, script, quotes, SQL and control characters, each a realistic vector in a display string. */
export const HOSTILE_STRINGS = [
  '<img src=x onerror="window.__xss=1">',
  '"><script>window.__xss=2</script>',
  "'; DROP TABLE signals; --",
  'line\nbreak\ttab\u0000nul\u202eright-to-left',
] as const;

const FIELDS = new Set(['title', 'displayName', 'userDisplayName', 'appDisplayName', 'description', 'userAgent', 'fileName', 'activityDisplayName', 'subject']);

function taint(value: unknown, n: { i: number }): unknown {
  if (Array.isArray(value)) return value.map((v) => taint(v, n));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' && FIELDS.has(k)) {
      out[k] = `${HOSTILE_STRINGS[n.i % HOSTILE_STRINGS.length] as string} ${v}`;
      n.i++;
    } else {
      out[k] = taint(v, n);
    }
  }
  return out;
}

/** The record with a hostile prefix on every display field (the original text kept after it). */
export function withHostileStrings(record: GraphObject): GraphObject {
  return taint(record, { i: String(record.id ?? '').length }) as GraphObject;
}
