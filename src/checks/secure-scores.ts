// security.secureScores — https://learn.microsoft.com/en-us/graph/api/security-list-securescores
// Permission: SecurityEvents.Read.All. One record per day (id "{tenantId}_{yyyy-MM-dd}", not a GUID), 90 days kept,
// newest first, $top=n returns n days. So the check runs once per UTC day: $top covers the days since the last poll
// (90 at most, the first run's lookback in days otherwise). A 206 Partial Content (one provider failing) is kept.
import type { JsonValue } from '../store/store.ts';
import type { CheckDefinition } from './check-definition.ts';
import { DAY_MS } from './check-definition.ts';
import { stringField } from './time-window.ts';

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function polledDay(cursor: JsonValue | null): string | undefined {
  if (cursor === null || typeof cursor !== 'object' || Array.isArray(cursor)) return undefined;
  return typeof cursor.polledDay === 'string' ? cursor.polledDay : undefined;
}

export const secureScoresCheck: CheckDefinition = {
  id: 'security.secureScores',
  title: 'Microsoft Secure Score (daily)',
  docsUrl: 'https://learn.microsoft.com/en-us/graph/api/security-list-securescores',
  permissions: ['SecurityEvents.Read.All'],
  licence: null,
  retentionMs: 90 * DAY_MS,
  pageSize: 90,
  preferUnknownEnums: false,
  probeUrl: '/security/secureScores?$top=1',
  isDue: (cursor, now) => polledDay(cursor) !== day(now),
  plan: (cursor, ctx) => {
    const last = polledDay(cursor);
    const days = last === undefined ? Math.ceil(ctx.lookbackMs / DAY_MS) + 1 : Math.round((Date.parse(day(ctx.now)) - Date.parse(last)) / DAY_MS) + 1;
    const top = Math.min(90, Math.max(1, days));
    return { url: `/security/secureScores?$top=${top}`, state: { polledDay: day(ctx.now) } };
  },
  advance: (cursor) => cursor,
  keyOf: (r) => {
    const id = stringField(r, 'id');
    return { id, version: id, time: stringField(r, 'createdDateTime') };
  },
};
