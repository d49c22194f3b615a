// auditLogs.signIns — https://learn.microsoft.com/en-us/graph/api/signin-list
// Permission: AuditLog.Read.All and Directory.Read.All (without the latter Graph intermittently answers the premium
// licence error). Licence: Entra ID P1 or P2. v1.0 returns interactive sign-ins only. Page size 1,000 (default = max).
// Cursor: createdDateTime, which accepts only eq/ge/le (no gt/lt): `ge` high-water mark minus the late window,
// $orderby asc; records are immutable, so the version is the id. Retention 30 days (P1/P2).
import type { CheckDefinition } from './check-definition.ts';
import { DAY_MS } from './check-definition.ts';
import { advanceWindow, planWindow, stringField } from './time-window.ts';

const WINDOW = { path: '/auditLogs/signIns', property: 'createdDateTime', top: 1000 };

export const signInsCheck: CheckDefinition = {
  id: 'auditLogs.signIns',
  title: 'Entra ID interactive sign-ins',
  docsUrl: 'https://learn.microsoft.com/en-us/graph/api/signin-list',
  permissions: ['AuditLog.Read.All', 'Directory.Read.All'],
  licence: 'Microsoft Entra ID P1 or P2',
  retentionMs: 30 * DAY_MS,
  pageSize: WINDOW.top,
  preferUnknownEnums: false,
  probeUrl: '/auditLogs/signIns?$top=1',
  plan: (cursor, ctx) => planWindow(WINDOW, cursor, ctx),
  advance: (cursor, page) => advanceWindow(WINDOW.property, cursor, page.values),
  keyOf: (r) => {
    const id = stringField(r, 'id');
    return { id, version: id, time: stringField(r, 'createdDateTime') };
  },
};
