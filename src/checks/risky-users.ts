// identityProtection.riskyUsers — https://learn.microsoft.com/en-us/graph/api/riskyuser-list
// Permission: IdentityRiskyUser.Read.All. Licence: Entra ID P2. Page size max 500. Not ordered by recency and no
// $orderby, so every run lists all pages and the store keeps each new (id, riskLastUpdatedDateTime) once. Risky users
// stay until remediated, so the list stays short. Same 1 request/s per tenant throttle as risk detections.
import type { CheckDefinition } from './check-definition.ts';
import { DAY_MS } from './check-definition.ts';
import { stringField } from './time-window.ts';

export const riskyUsersCheck: CheckDefinition = {
  id: 'identityProtection.riskyUsers',
  title: 'Identity Protection risky users',
  docsUrl: 'https://learn.microsoft.com/en-us/graph/api/riskyuser-list',
  permissions: ['IdentityRiskyUser.Read.All'],
  licence: 'Microsoft Entra ID P2',
  retentionMs: 3650 * DAY_MS,
  pageSize: 500,
  preferUnknownEnums: false,
  probeUrl: '/identityProtection/riskyUsers?$top=1',
  plan: (_cursor, ctx) => ({ url: '/identityProtection/riskyUsers?$top=500', state: { listedAt: new Date(ctx.now).toISOString() } }),
  advance: (cursor) => cursor,
  keyOf: (r) => {
    const version = stringField(r, 'riskLastUpdatedDateTime');
    return { id: stringField(r, 'id'), version: version === '' ? 'none' : version, time: version };
  },
};
