// What an integration looks like to an operator (CLI --json, the console API): its settings with durations written
// as text, and the credential only as "set", never its value.
import { formatDuration } from '../config/duration.ts';
import type { Integration } from '../store/store.ts';

export function integrationView(i: Integration): Record<string, unknown> {
  return {
    name: i.name,
    tenantId: i.tenantId,
    clientId: i.clientId,
    credential: { kind: i.credentialKind, set: true },
    cloud: i.cloud,
    loginUrl: i.loginUrl,
    graphUrl: i.graphUrl,
    interval: formatDuration(i.intervalMs),
    initialLookback: formatDuration(i.initialLookbackMs),
    lateWindow: formatDuration(i.lateWindowMs),
    enabled: i.enabled,
    disabledChecks: i.disabledChecks,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}
