// auditLogs.directoryAudits — https://learn.microsoft.com/en-us/graph/api/directoryaudit-list
// Permission: AuditLog.Read.All and Directory.Read.All. No premium licence documented. Page size 1,000 (observed).
// Cursor: activityDateTime (NOT createdDateTime, which Graph rejects: wazuh/wazuh#31451), eq/ge/le only, $orderby asc,
// no $skip. Ids are opaque strings (not always GUIDs); records are immutable. Retention 30 days (P1/P2), 7 (free).
import type { CheckDefinition } from './check-definition.ts';
import { DAY_MS } from './check-definition.ts';
import { advanceWindow, planWindow, stringField } from './time-window.ts';

const WINDOW = { path: '/auditLogs/directoryAudits', property: 'activityDateTime', top: 1000 };

export const directoryAuditsCheck: CheckDefinition = {
  id: 'auditLogs.directoryAudits',
  title: 'Entra ID directory audits',
  docsUrl: 'https://learn.microsoft.com/en-us/graph/api/directoryaudit-list',
  permissions: ['AuditLog.Read.All', 'Directory.Read.All'],
  licence: null,
  retentionMs: 30 * DAY_MS,
  pageSize: WINDOW.top,
  preferUnknownEnums: false,
  probeUrl: '/auditLogs/directoryAudits?$top=1',
  plan: (cursor, ctx) => planWindow(WINDOW, cursor, ctx),
  advance: (cursor, page) => advanceWindow(WINDOW.property, cursor, page.values),
  keyOf: (r) => {
    const id = stringField(r, 'id');
    return { id, version: id, time: stringField(r, 'activityDateTime') };
  },
};
