// Integration tiles: per integration its state and colour, per check state, reason, last success, next poll and
// records collected.
import type { FastifyInstance } from 'fastify';
import { statusReport } from '../../app/status-report.ts';
import type { ConsoleContext } from '../build-server.ts';

export function statusRoutes(api: FastifyInstance, ctx: ConsoleContext): void {
  api.get('/api/v1/status', async () => {
    const report = await statusReport(ctx.app.store);
    return {
      integrations: report.integrations.map((i) => {
        const nextPoll = i.checks.map((c) => c.nextDueAt).filter((t): t is string => t !== null).sort()[0] ?? null;
        const lastSuccess = i.checks.map((c) => c.lastSuccessAt).filter((t): t is string => t !== null).sort().at(-1) ?? null;
        // Green: collecting (licence-gated checks are expected); yellow: throttled or retrying; red: failing.
        const colour = !i.enabled ? 'grey' : i.state === 'failing' ? 'red' : i.state === 'degraded' ? 'yellow' : 'green';
        return { ...i, colour, nextPoll, lastSuccess };
      }),
    };
  });
}
