// The long-running collector: every integration on its own interval, checks due again after it, a restart resuming
// from the stored schedule and checkpoints, and a clean stop.
import { afterEach, describe, expect, it } from 'vitest';
import { Collector } from '../../src/scheduler/collector.ts';
import { createLogger } from '../../src/log/logger.ts';
import { startHarness } from '../helpers/collector-harness.ts';
import type { Harness } from '../helpers/collector-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the scheduler', () => {
  it('collects each integration on its own interval and stops cleanly', async () => {
    h = await startHarness({ tenants: [{ name: 'contoso' }, { name: 'fabrikam', profile: 'p1' }], integrations: false });
    await h.addIntegration('contoso', { intervalMs: 60_000 });
    await h.addIntegration('fabrikam', { intervalMs: 3_600_000 });
    const harness = h;
    const stop = new AbortController();
    const running = harness.collector.run(stop.signal);
    const attempts = async (name: string) => (await harness.store.listCheckStates(name)).filter((s) => s.lastAttemptAt !== null).length;
    await until(async () => (await attempts('contoso')) === 8 && (await attempts('fabrikam')) === 8, 'the first cycle of both');

    harness.sim.tenant('contoso').add('auditLogs.signIns', 7);
    harness.sim.tenant('fabrikam').add('auditLogs.signIns', 7);
    harness.sim.advance(2 * 60_000);
    const contosoBefore = (await harness.records('contoso', 'auditLogs.signIns')).length;
    await until(async () => (await harness.records('contoso', 'auditLogs.signIns')).length === contosoBefore + 7, 'contoso\'s second cycle');
    // fabrikam's hour has not passed: its new sign-ins wait.
    expect((await harness.records('fabrikam', 'auditLogs.signIns')).length).toBe(harness.sim.tenant('fabrikam').records('auditLogs.signIns').length - 7);

    stop.abort();
    await running;
  });

  it('resumes after a restart from the stored schedule: nothing runs before it is due, then it catches up', async () => {
    h = await startHarness({ tenants: [{ name: 'contoso' }], integrations: false });
    await h.addIntegration('contoso', { intervalMs: 10 * 60_000 });
    await h.collector.pollOnce();
    const harness = h;

    // A new process: a new collector on the same store.
    const restarted = new Collector({ store: harness.store, secretKey: harness.secretKey, logger: createLogger({ format: 'json', write: () => undefined }), clock: harness.clock, random: () => 0 });
    harness.sim.tenant('contoso').add('auditLogs.signIns', 5);
    harness.sim.clearRequestLog();
    const stop = new AbortController();
    const running = restarted.run(stop.signal);
    await new Promise((r) => setTimeout(r, 300));
    expect(harness.sim.requestCount({ tenant: 'contoso', endpoint: 'auditLogs.signIns' })).toBe(0);

    harness.sim.advance(11 * 60_000);
    await until(
      async () => (await harness.records('contoso', 'auditLogs.signIns')).length === harness.sim.tenant('contoso').records('auditLogs.signIns').length,
      'the catch-up cycle',
    );
    stop.abort();
    await running;
  });
});
