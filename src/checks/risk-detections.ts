// identityProtection.riskDetections — https://learn.microsoft.com/en-us/graph/api/riskdetection-list
// Permission: IdentityRiskEvent.Read.All. Licence: Entra ID P1 or P2 (P1 sees less detail; premium detections show
// as "generic" without P2). Page size max 500. Throttled at 1 request/s per tenant for all apps, without Retry-After.
// Cursor: lastUpdatedDateTime (moves on every state change) ge minus the late window, ascending; version =
// lastUpdatedDateTime. Offline detections surface up to 48 h after their own time, so once a day the run re-reads
// the last 72 h (the sweep). additionalInfo is a JSON-encoded string and is stored as received.
import type { CheckDefinition } from './check-definition.ts';
import { DAY_MS } from './check-definition.ts';
import { advanceWindow, planWindow, stringField } from './time-window.ts';

const WINDOW = { path: '/identityProtection/riskDetections', property: 'lastUpdatedDateTime', top: 500, sweepMs: 3 * DAY_MS };

export const riskDetectionsCheck: CheckDefinition = {
  id: 'identityProtection.riskDetections',
  title: 'Identity Protection risk detections',
  docsUrl: 'https://learn.microsoft.com/en-us/graph/api/riskdetection-list',
  permissions: ['IdentityRiskEvent.Read.All'],
  licence: 'Microsoft Entra ID P1 or P2',
  retentionMs: 90 * DAY_MS,
  pageSize: WINDOW.top,
  preferUnknownEnums: false,
  probeUrl: '/identityProtection/riskDetections?$top=1',
  plan: (cursor, ctx) => planWindow(WINDOW, cursor, ctx),
  advance: (cursor, page) => advanceWindow(WINDOW.property, cursor, page.values),
  keyOf: (r) => ({
    id: stringField(r, 'id'),
    version: stringField(r, 'lastUpdatedDateTime', 'detectedDateTime'),
    time: stringField(r, 'detectedDateTime', 'activityDateTime', 'lastUpdatedDateTime'),
  }),
};
