// The status of every integration and check, as `azsec status` prints it and the console's tiles show it.
import { ALL_CHECKS } from '../checks/all-checks.ts';
import { integrationHealth } from '../scheduler/integration-health.ts';
import type { CheckState, Store } from '../store/store.ts';

export interface StatusReport {
  integrations: Array<{
    name: string;
    enabled: boolean;
    state: 'ok' | 'degraded' | 'failing';
    reason: string | null;
    checks: Array<{ id: string; state: CheckState['state']; reason: string | null; lastSuccessAt: string | null; nextDueAt: string | null; collected: number }>;
    /** Alerts of this integration still open. */
    openAlerts: number;
  }>;
  /** Stored records the signal stage has not turned into signals (and run through the rules) yet: its backlog. */
  signalsPending: number;
}

export async function statusReport(store: Store): Promise<StatusReport> {
  const integrations = await store.listIntegrations();
  const states = await store.listCheckStates();
  const openAlerts = await store.countAlertsByIntegration(['open']);
  const signalsPending = await store.countPendingRecords();
  return {
    signalsPending,
    integrations: integrations.map((i) => {
      const mine = states.filter((s) => s.integration === i.name);
      const checks = ALL_CHECKS.map((c) => {
        const s = mine.find((m) => m.check === c.id);
        const disabled = i.disabledChecks.includes(c.id);
        return {
          id: c.id,
          state: disabled ? ('disabled' as const) : (s?.state ?? 'pending'),
          reason: disabled ? 'disabled for this integration' : (s?.reason ?? null),
          lastSuccessAt: s?.lastSuccessAt ?? null,
          nextDueAt: s?.nextDueAt ?? null,
          collected: s?.collected ?? 0,
        };
      });
      const health = integrationHealth(mine.filter((s) => !i.disabledChecks.includes(s.check)));
      return { name: i.name, enabled: i.enabled, state: health.state, reason: i.enabled ? health.reason : 'integration disabled', checks, openAlerts: openAlerts[i.name] ?? 0 };
    }),
  };
}
