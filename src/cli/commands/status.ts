// `azsec status`: each integration's state and each check's state, reason, last success and records collected.
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import { statusReport } from '../../app/status-report.ts';
import type { CliCommand } from '../command.ts';

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
        io.out(`${i.name}: ${i.enabled ? i.state : 'disabled'}${i.reason ? ` (${i.reason})` : ''}; ${i.openAlerts} open alert${i.openAlerts === 1 ? '' : 's'}`);
        const width = Math.max(...i.checks.map((c) => c.id.length));
        for (const c of i.checks) {
          const last = c.lastSuccessAt === null ? 'never' : c.lastSuccessAt;
          io.out(`  ${c.id.padEnd(width)}  ${c.state.padEnd(11)}  collected ${String(c.collected).padStart(8)}  last success ${last}${c.reason ? `  — ${c.reason}` : ''}`);
        }
      }
      io.out(`signal stage: ${report.signalsPending} stored record${report.signalsPending === 1 ? '' : 's'} waiting for signals and detections`);
      return 0;
    } finally {
      await app.close();
    }
  },
};
