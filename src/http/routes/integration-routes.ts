// Integrations: list, add (then test at once), edit (the secret is write-only: kept unless a new one is sent),
// delete (records kept unless purged), and the connection test.
import type { FastifyInstance } from 'fastify';
import { integrationView } from '../../app/integration-view.ts';
import { runConnectionTest } from '../../app/run-connection-test.ts';
import { integrationCredential } from '../../config/integration-credential.ts';
import { parseIntegrationInput } from '../../config/integration-input.ts';
import { sealSecret } from '../../config/secrets.ts';
import { CHECK_IDS } from '../../core/check-ids.ts';
import { AzsecError } from '../../core/errors.ts';
import type { Integration } from '../../store/store.ts';
import type { ConsoleContext } from '../build-server.ts';

function bodyObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new AzsecError('ERR_CONFIG_INVALID', 'Send the integration as a JSON object');
  return body as Record<string, unknown>;
}

export function integrationRoutes(api: FastifyInstance, ctx: ConsoleContext): void {
  const { app } = ctx;
  const find = async (name: string): Promise<Integration> => {
    const integration = await app.store.getIntegration(name);
    if (integration === null) throw new AzsecError('ERR_INTEGRATION_NOT_FOUND', `No integration named "${name}"`);
    return integration;
  };

  // Open alerts per integration for the tiles: one count over all integrations per request.
  api.get('/api/v1/integrations', async () => {
    const [integrations, open] = await Promise.all([app.store.listIntegrations(), app.store.countAlertsByIntegration(['open'])]);
    return { integrations: integrations.map((i) => ({ ...integrationView(i), openAlerts: open[i.name] ?? 0 })) };
  });

  api.get<{ Params: { name: string } }>('/api/v1/integrations/:name', async (req) => {
    const [integration, open] = await Promise.all([find(req.params.name), app.store.countAlertsByIntegration(['open'])]);
    return { ...integrationView(integration), openAlerts: open[integration.name] ?? 0 };
  });

  api.post('/api/v1/integrations', async (req, reply) => {
    const { integration, secretPlaintext } = parseIntegrationInput(bodyObject(req.body), app.clock.now());
    if ((await app.store.getIntegration(integration.name)) !== null) {
      throw new AzsecError('ERR_INTEGRATION_EXISTS', `An integration named "${integration.name}" already exists`);
    }
    await app.store.addIntegration(integration, sealSecret(app.secretKey, secretPlaintext, integration.name));
    const test = await runConnectionTest(app, integration);
    return reply.code(201).send({ integration: integrationView(integration), test });
  });

  api.put<{ Params: { name: string } }>('/api/v1/integrations/:name', async (req) => {
    const existing = await find(req.params.name);
    const body = bodyObject(req.body);
    if (body.name !== undefined && body.name !== existing.name) throw new AzsecError('ERR_CONFIG_INVALID', 'name: an integration cannot be renamed');
    // The secret is write-only: without a new credential the stored one is kept (and validated as part of the input).
    const current = await integrationCredential(app.store, app.secretKey, existing);
    const credential = body.credential ?? (current.kind === 'secret' ? { kind: 'secret', secret: current.secret } : { kind: 'certificate', privateKeyPem: current.privateKeyPem, certificatePem: current.certificatePem });
    const { integration, secretPlaintext } = parseIntegrationInput({ ...body, name: existing.name, credential }, app.clock.now());
    const updated: Integration = { ...integration, createdAt: existing.createdAt };
    await app.store.updateIntegration(updated, body.credential === undefined ? undefined : sealSecret(app.secretKey, secretPlaintext, updated.name));
    return { integration: integrationView(updated) };
  });

  api.delete<{ Params: { name: string }; Querystring: { purgeRecords?: string } }>('/api/v1/integrations/:name', async (req) => {
    const purge = req.query.purgeRecords === 'true';
    if (!(await app.store.removeIntegration(req.params.name, { purgeRecords: purge }))) {
      throw new AzsecError('ERR_INTEGRATION_NOT_FOUND', `No integration named "${req.params.name}"`);
    }
    return { removed: req.params.name, recordsKept: !purge };
  });

  // Events per hour per check over the last 24 hours, for the tile's chart: 24 hourly buckets, oldest first.
  api.get<{ Params: { name: string } }>('/api/v1/integrations/:name/activity', async (req) => {
    const integration = await find(req.params.name);
    const hourMs = 3_600_000;
    const first = Math.floor(app.clock.now() / hourMs) * hourMs - 23 * hourMs;
    const hours = Array.from({ length: 24 }, (_, i) => new Date(first + i * hourMs).toISOString());
    const checks: Record<string, number[]> = Object.fromEntries(CHECK_IDS.map((c) => [c, new Array<number>(24).fill(0)]));
    for (const row of await app.store.recordsPerHour(integration.name, hours[0] as string)) {
      const i = Math.round((Date.parse(row.hourStart) - first) / hourMs);
      const series = checks[row.check];
      if (series !== undefined && i >= 0 && i < 24) series[i] = row.count;
    }
    return { hours, checks };
  });

  api.post<{ Params: { name: string } }>('/api/v1/integrations/:name/test', async (req) => runConnectionTest(app, await find(req.params.name)));
}
