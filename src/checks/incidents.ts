// security.incidents — https://learn.microsoft.com/en-us/graph/api/security-list-incidents
// Permission: SecurityIncident.Read.All. Licence: Defender XDR (a tenant not onboarded answers 403 "Account is not
// provisioned"). $top above 50 is refused (wazuh/wazuh#27579). Incidents change: the cursor is lastUpdateDateTime
// (ge, minus the late window, ascending) and each (id, lastUpdateDateTime) is stored once. $expand=alerts is not used
// (persistent 500s on large tenants); alerts come from alerts_v2. Not available in China.
import type { CheckDefinition } from './check-definition.ts';
import { DAY_MS } from './check-definition.ts';
import { advanceWindow, planWindow, stringField } from './time-window.ts';

const WINDOW = { path: '/security/incidents', property: 'lastUpdateDateTime', top: 50 };

export const incidentsCheck: CheckDefinition = {
  id: 'security.incidents',
  title: 'Defender XDR incidents',
  docsUrl: 'https://learn.microsoft.com/en-us/graph/api/security-list-incidents',
  permissions: ['SecurityIncident.Read.All'],
  licence: 'Microsoft Defender XDR (tenant onboarded)',
  retentionMs: 180 * DAY_MS,
  pageSize: WINDOW.top,
  preferUnknownEnums: true,
  probeUrl: '/security/incidents?$top=1',
  plan: (cursor, ctx) => planWindow(WINDOW, cursor, ctx),
  advance: (cursor, page) => advanceWindow(WINDOW.property, cursor, page.values),
  keyOf: (r) => ({
    id: stringField(r, 'id'),
    version: stringField(r, 'lastUpdateDateTime', 'createdDateTime'),
    time: stringField(r, 'createdDateTime', 'lastUpdateDateTime'),
  }),
};
