// security.alerts_v2 — https://learn.microsoft.com/en-us/graph/api/security-list-alerts_v2
// Permission: SecurityAlert.Read.All. Licence: Defender XDR. Page size 100 (the documented example; never above
// 1,000). Alerts change: cursor lastUpdateDateTime (ge minus the late window, ascending); each (id, version) stored
// once, version = lastUpdateDateTime or createdDateTime. Sends Prefer: include-unknown-enum-members, without which
// serviceSource comes back unknownFutureValue for newer sources. One record per alert id, whatever incident holds it.
import type { CheckDefinition } from './check-definition.ts';
import { DAY_MS } from './check-definition.ts';
import { advanceWindow, planWindow, stringField } from './time-window.ts';

const WINDOW = { path: '/security/alerts_v2', property: 'lastUpdateDateTime', top: 100 };

export const alertsV2Check: CheckDefinition = {
  id: 'security.alerts_v2',
  title: 'Defender XDR alerts (with evidence)',
  docsUrl: 'https://learn.microsoft.com/en-us/graph/api/security-list-alerts_v2',
  permissions: ['SecurityAlert.Read.All'],
  licence: 'Microsoft Defender XDR (tenant onboarded)',
  retentionMs: 180 * DAY_MS,
  pageSize: WINDOW.top,
  preferUnknownEnums: true,
  probeUrl: '/security/alerts_v2?$top=1',
  plan: (cursor, ctx) => planWindow(WINDOW, cursor, ctx),
  advance: (cursor, page) => advanceWindow(WINDOW.property, cursor, page.values),
  keyOf: (r) => ({
    id: stringField(r, 'id'),
    version: stringField(r, 'lastUpdateDateTime', 'createdDateTime'),
    time: stringField(r, 'createdDateTime', 'lastUpdateDateTime'),
  }),
};
