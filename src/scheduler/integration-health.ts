// The state of an integration as a whole, derived from its checks: failing when Entra ID refuses tokens, degraded
// when a check errors, is throttled or lacks a permission, ok otherwise. Licence-gated checks are expected (a tenant
// without Defender XDR simply has no incidents) and do not degrade the integration.
import type { CheckState } from '../store/store.ts';

export type IntegrationStateName = 'ok' | 'degraded' | 'failing';

export function integrationHealth(checks: readonly CheckState[]): { state: IntegrationStateName; reason: string | null } {
  const auth = checks.find((c) => c.errorCode?.startsWith('ERR_AUTH_') === true);
  if (auth !== undefined) return { state: 'failing', reason: auth.reason };
  const bad = checks.find(
    (c) => c.state === 'error' || c.state === 'throttled' || (c.state === 'unavailable' && c.errorCode !== 'ERR_GRAPH_FORBIDDEN_LICENSE'),
  );
  if (bad !== undefined) return { state: 'degraded', reason: `${bad.check}: ${bad.reason ?? bad.state}` };
  return { state: 'ok', reason: null };
}
