// `azsec status`: each integration's state and each check's state, reason, last success and records collected.
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import { ALL_CHECKS } from '../../checks/all-checks.ts';
import { integrationHealth } from '../../scheduler/integration-health.ts';
import type { CheckState, Store } from '../../store/store.ts';
import type { CliCommand } from '../command.ts';

export interface StatusReport {
  integrations: Array<{
    name: string;
    enabled: boolean;
    state: 'ok' | 'degraded' | 'failing';
    reason: string | null;
    checks: Array<{ id: string; state: CheckState['state']; reason: string | null; lastSuccessAt: string | null; nextDueAt: string | null; collected: number }>;
  }>;
}

export async function statusReport(store: Store): Promise<StatusReport> {
  const integrations = await store.listIntegrations();
  const states = await store.listCheckStates();
  return {
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
      return { name: i.name, enabled: i.enabled, state: health.state, reason: i.enabled ? health.reason : 'integration disabled', checks };
    }),
  };
}

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'show each integration and check: state, reason, last success, records collected',
  usage: 'Usage: azsec status [--json]',
  async run(args, globals, io) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
    const app = await openApp({ dataDir: globals.dataDir, storeUrl: globals.storeUrl, env: io.env, logFormat: globals.logFormat });
    try {
      const report = await statusReport(app.store);
      if (values.json === true) {
        io.out(JSON.stringify(report));
        return 0;
      }
      if (report.integrations.length === 0) io.out('No integrations yet. Add one with: azsec integrations add --help');
      for (const i of report.integrations) {
        io.out(`${i.name}: ${i.enabled ? i.state : 'disabled'}${i.reason ? ` (${i.reason})` : ''}`);
        const width = Math.max(...i.checks.map((c) => c.id.length));
        for (const c of i.checks) {
          const last = c.lastSuccessAt === null ? 'never' : c.lastSuccessAt;
          io.out(`  ${c.id.padEnd(width)}  ${c.state.padEnd(11)}  collected ${String(c.collected).padStart(8)}  last success ${last}${c.reason ? `  — ${c.reason}` : ''}`);
        }
      }
      return 0;
    } finally {
      await app.close();
    }
  },
};
