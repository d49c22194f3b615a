// `azsec integrations add|list|remove|test`: the tenants azsec collects. Secrets come from an environment variable
// or a file (never a command-line value, which would land in shell history and `ps`), are sealed before they are
// stored, and are never printed.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import type { App } from '../../app/open-app.ts';
import { integrationView } from '../../app/integration-view.ts';
import { runConnectionTest } from '../../app/run-connection-test.ts';
import { azureCliGrantCommands } from '../../auth/graph-app-roles.ts';
import { formatDuration } from '../../config/duration.ts';
import { parseIntegrationInput } from '../../config/integration-input.ts';
import { sealSecret } from '../../config/secrets.ts';
import { AzsecError } from '../../core/errors.ts';
import type { CliCommand, CliIo, GlobalOptions } from '../command.ts';

const USAGE = [
  'Usage:',
  '  azsec integrations add --name NAME --tenant-id T --client-id C',
  '        (--client-secret-env VAR | --client-secret-file PATH | --certificate-file PEM)',
  '        [--cloud global|usgov|usgov-dod|china|custom] [--login-url URL --graph-url URL]',
  '        [--interval 5m] [--initial-lookback 24h] [--late-window 10m] [--disable-check ID]... [--disabled]',
  '  azsec integrations list [--json]',
  '  azsec integrations remove NAME [--purge-records]',
  '  azsec integrations test NAME [--json]',
  '',
  'The secret is read from the named environment variable or file; --certificate-file is one PEM file holding the',
  'private key and the certificate uploaded to the app registration. Secrets are encrypted at rest and never shown.',
].join('\n');

async function withApp<T>(globals: GlobalOptions, io: CliIo, fn: (app: App) => Promise<T>): Promise<T> {
  const app = await openApp({ dataDir: globals.dataDir, storeUrl: globals.storeUrl, env: io.env, logFormat: globals.logFormat });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

async function readCredential(values: Record<string, string | boolean | string[] | undefined>, env: NodeJS.ProcessEnv): Promise<unknown> {
  const sources = ['client-secret-env', 'client-secret-file', 'certificate-file'].filter((k) => values[k] !== undefined);
  if (sources.length !== 1) {
    throw new AzsecError('ERR_CONFIG_INVALID', 'Give exactly one of --client-secret-env VAR, --client-secret-file PATH or --certificate-file PEM');
  }
  const envName = values['client-secret-env'];
  if (typeof envName === 'string') {
    const secret = env[envName];
    if (secret === undefined) throw new AzsecError('ERR_SECRET_SOURCE', `--client-secret-env: the environment variable ${envName} is not set`);
    return { kind: 'secret', secret };
  }
  const file = (values['client-secret-file'] ?? values['certificate-file']) as string;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new AzsecError('ERR_SECRET_SOURCE', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (values['client-secret-file'] !== undefined) return { kind: 'secret', secret: text };
  return { kind: 'certificate', privateKeyPem: text, certificatePem: text };
}

async function add(args: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      name: { type: 'string' },
      'tenant-id': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret-env': { type: 'string' },
      'client-secret-file': { type: 'string' },
      'certificate-file': { type: 'string' },
      cloud: { type: 'string' },
      'login-url': { type: 'string' },
      'graph-url': { type: 'string' },
      interval: { type: 'string' },
      'initial-lookback': { type: 'string' },
      'late-window': { type: 'string' },
      'disable-check': { type: 'string', multiple: true },
      disabled: { type: 'boolean' },
    },
    strict: true,
  });
  const input = {
    name: values.name,
    tenantId: values['tenant-id'],
    clientId: values['client-id'],
    credential: await readCredential(values, io.env),
    ...(values.cloud !== undefined ? { cloud: values.cloud } : {}),
    ...(values['login-url'] !== undefined ? { loginUrl: values['login-url'] } : {}),
    ...(values['graph-url'] !== undefined ? { graphUrl: values['graph-url'] } : {}),
    ...(values.interval !== undefined ? { interval: values.interval } : {}),
    ...(values['initial-lookback'] !== undefined ? { initialLookback: values['initial-lookback'] } : {}),
    ...(values['late-window'] !== undefined ? { lateWindow: values['late-window'] } : {}),
    ...(values['disable-check'] !== undefined ? { disabledChecks: values['disable-check'] } : {}),
    enabled: values.disabled !== true,
  };
  return withApp(globals, io, async (app) => {
    const { integration, secretPlaintext } = parseIntegrationInput(input, app.clock.now());
    if ((await app.store.getIntegration(integration.name)) !== null) {
      throw new AzsecError('ERR_INTEGRATION_EXISTS', `An integration named "${integration.name}" already exists; remove it first or pick another name`);
    }
    await app.store.addIntegration(integration, sealSecret(app.secretKey, secretPlaintext, integration.name));
    io.out(`Added integration "${integration.name}" (tenant ${integration.tenantId}, ${integration.cloud} cloud, every ${formatDuration(integration.intervalMs)}${integration.enabled ? '' : ', disabled'}).`);
    io.out(`Check it with: azsec integrations test ${integration.name}`);
    return 0;
  });
}

async function list(args: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  return withApp(globals, io, async (app) => {
    const integrations = await app.store.listIntegrations();
    if (values.json === true) {
      io.out(JSON.stringify({ integrations: integrations.map(integrationView) }));
      return 0;
    }
    if (integrations.length === 0) io.out('No integrations. Add one with: azsec integrations add --help');
    for (const i of integrations) {
      io.out(`${i.name}  tenant ${i.tenantId}  client ${i.clientId}  ${i.cloud}  every ${formatDuration(i.intervalMs)}  ${i.enabled ? 'enabled' : 'disabled'}  ${i.credentialKind}: set`);
    }
    return 0;
  });
}

async function remove(args: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { 'purge-records': { type: 'boolean' } }, allowPositionals: true, strict: true });
  const name = positionals[0];
  if (name === undefined || positionals.length !== 1) throw new AzsecError('ERR_CONFIG_INVALID', 'Usage: azsec integrations remove NAME [--purge-records]');
  return withApp(globals, io, async (app) => {
    const purge = values['purge-records'] === true;
    if (!(await app.store.removeIntegration(name, { purgeRecords: purge }))) {
      throw new AzsecError('ERR_INTEGRATION_NOT_FOUND', `No integration named "${name}"`);
    }
    io.out(`Removed integration "${name}" and its secret, checkpoints and status; ${purge ? 'its records were deleted' : 'its collected records are kept (use --purge-records to delete them)'}.`);
    return 0;
  });
}

async function test(args: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  const name = positionals[0];
  if (name === undefined) throw new AzsecError('ERR_CONFIG_INVALID', 'Usage: azsec integrations test NAME');
  return withApp(globals, io, async (app) => {
    const integration = await app.store.getIntegration(name);
    if (integration === null) throw new AzsecError('ERR_INTEGRATION_NOT_FOUND', `No integration named "${name}"`);
    const result = await runConnectionTest(app, integration);
    if (values.json === true) {
      io.out(JSON.stringify({ integration: name, ...result, azureCli: result.missingPermissions.length > 0 ? azureCliGrantCommands(integration.clientId, result.missingPermissions) : [] }));
      return result.token.ok ? 0 : 1;
    }
    if (!result.token.ok) {
      io.out(`token: FAILED ${result.token.code}: ${result.token.message}`);
      return 1;
    }
    io.out(`token: ok (roles: ${result.token.roles.join(', ') || 'none'})`);
    const width = Math.max(...result.checks.map((c) => c.id.length));
    for (const c of result.checks) io.out(`  ${c.id.padEnd(width)}  ${c.detail}`);
    if (result.missingPermissions.length > 0) {
      io.out('');
      io.out(`To grant ${result.missingPermissions.join(', ')} to the app registration and consent (Azure CLI, as an administrator):`);
      for (const line of azureCliGrantCommands(integration.clientId, result.missingPermissions)) io.out(`  ${line}`);
      io.out('Admin consent must be granted again after adding permissions; new tokens then carry the roles.');
    }
    return 0;
  });
}

export const integrationsCommand: CliCommand = {
  name: 'integrations',
  summary: 'add, list, remove and test the Azure tenants azsec collects',
  usage: USAGE,
  async run(args, globals, io) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'add':
        return add(rest, globals, io);
      case 'list':
        return list(rest, globals, io);
      case 'remove':
        return remove(rest, globals, io);
      case 'test':
        return test(rest, globals, io);
      default:
        io.err(sub === undefined ? USAGE : `azsec integrations: unknown subcommand "${sub}"\n\n${USAGE}`);
        return 2;
    }
  },
};
