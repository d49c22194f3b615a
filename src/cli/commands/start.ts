// `azsec start` (what `npm start` runs): the product with nothing to configure. It starts the Graph simulator,
// registers its tenants as integrations in the data dir (custom cloud pointing at the simulator) and runs the
// collector, so a newcomer sees collection, throttling and licence-gated checks at work without an Azure tenant.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import { sealSecret } from '../../config/secrets.ts';
import { isAzsecError } from '../../core/errors.ts';
import { trustExtraCa } from '../../core/extra-ca.ts';
import { startSimulator } from '../../simulator/start-simulator.ts';
import type { Simulator } from '../../simulator/types.ts';
import type { Integration } from '../../store/store.ts';
import type { CliCommand } from '../command.ts';
import { startConsole } from '../start-console.ts';
import { waitForStopSignal } from '../stop-signal.ts';
import { DEMO_TENANTS } from './simulate.ts';

async function startDemoSimulator(stateDir: string, port: number): Promise<Simulator> {
  try {
    return await startSimulator({ port, stateDir, tenants: DEMO_TENANTS });
  } catch (error) {
    if (!isAzsecError(error, 'ERR_SIMULATOR') || error.details.errno !== 'EADDRINUSE') throw error;
    return startSimulator({ port: 0, stateDir, tenants: DEMO_TENANTS });
  }
}

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'start the product on a built-in simulated Graph: simulator, demo integrations, collector and console',
  usage: [
    'Usage: azsec start [--simulator-port 8443] [--console-port 8470] [--interval 1m]',
    '',
    'Starts the Graph simulator, adds its tenants as integrations named demo-<tenant> (if absent), runs the collector',
    'and serves the web console on 127.0.0.1 until Ctrl+C. Also try `npx azsec status` and `npx azsec search` in',
    'another terminal.',
  ].join('\n'),
  async run(args, globals, io) {
    const { values } = parseArgs({ args, options: { 'simulator-port': { type: 'string' }, 'console-port': { type: 'string' }, interval: { type: 'string' } }, strict: true });
    const sim = await startDemoSimulator(path.join(globals.dataDir, 'simulator'), Number(values['simulator-port'] ?? 8443));
    trustExtraCa(sim.caPem);
    const app = await openApp({ dataDir: globals.dataDir, storeUrl: globals.storeUrl, env: io.env, logFormat: globals.logFormat });
    let server: FastifyInstance | undefined;
    try {
      const now = new Date(app.clock.now()).toISOString();
      const intervalMs = values.interval === undefined ? 60_000 : (await import('../../config/duration.ts')).parseDuration(values.interval, '--interval');
      for (const t of sim.tenants) {
        const name = `demo-${t.name}`;
        const existing = await app.store.getIntegration(name);
        const integration: Integration = {
          name,
          tenantId: t.tenantId,
          clientId: t.clientId,
          credentialKind: 'secret',
          certificatePem: null,
          cloud: 'custom',
          loginUrl: sim.url,
          graphUrl: sim.url,
          intervalMs,
          initialLookbackMs: 24 * 3_600_000,
          lateWindowMs: 10 * 60_000,
          enabled: true,
          disabledChecks: [],
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        };
        const sealed = sealSecret(app.secretKey, t.clientSecret, name);
        if (existing === null) await app.store.addIntegration(integration, sealed);
        else await app.store.updateIntegration({ ...existing, loginUrl: sim.url, graphUrl: sim.url, updatedAt: now }, sealed);
      }
      server = await startConsole(app, io, { dataDir: globals.dataDir, port: Number(values['console-port'] ?? 8470), host: '127.0.0.1', anyPortIfTaken: true });
      io.out(`azsec is collecting from the simulated Graph at ${sim.url} (tenants: ${sim.tenants.map((t) => `${t.name} [${t.profile}]`).join(', ')}).`);
      io.out(`Data: ${globals.dataDir}. In another terminal: npx azsec status   |   npx azsec export --check auditLogs.signIns`);
      io.out('Press Ctrl+C to stop.');
      const stop = new AbortController();
      void waitForStopSignal().then(() => stop.abort());
      await app.runCollection(stop.signal);
      return 0;
    } finally {
      await server?.close();
      await app.close();
      await sim.close();
    }
  },
};
