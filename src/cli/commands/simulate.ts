// `azsec simulate`: runs the Microsoft Graph + Entra ID simulator until interrupted.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CHECK_IDS } from '../../core/check-ids.ts';
import { AzsecError } from '../../core/errors.ts';
import { PROFILES } from '../../simulator/profiles.ts';
import { startSimulator } from '../../simulator/start-simulator.ts';
import type { SimTenantSpec } from '../../simulator/types.ts';
import type { CliCommand } from '../command.ts';
import { waitForStopSignal } from '../stop-signal.ts';

const LICENCES = ['entra_free', 'entra_p1', 'entra_p2', 'defender_xdr'] as const;

const tenantSpecSchema = z.strictObject({
  name: z.string().min(1).max(64),
  profile: z.enum(Object.keys(PROFILES) as [string, ...string[]]).optional(),
  licences: z.array(z.enum(LICENCES)).optional(),
  permissions: z.array(z.string().min(1)).optional(),
  tenantId: z.uuid().optional(),
  clientId: z.uuid().optional(),
  clientSecret: z.string().min(1).optional(),
  certificatePem: z.string().includes('BEGIN CERTIFICATE').optional(),
  secretExpired: z.boolean().optional(),
  hostileStrings: z.boolean().optional(),
  volume: z.partialRecord(z.enum(CHECK_IDS), z.int().min(0).max(5_000_000)).optional(),
  historyMs: z.int().min(0).optional(),
});
const tenantListSchema = z.array(tenantSpecSchema);
const tenantsObjectSchema = z.strictObject({ tenants: tenantListSchema });

export const DEMO_TENANTS: SimTenantSpec[] = [
  { name: 'contoso', profile: 'full' },
  { name: 'fabrikam', profile: 'p1' },
  { name: 'litware', profile: 'free' },
];

async function readTenantsFile(file: string): Promise<SimTenantSpec[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new AzsecError('ERR_CONFIG_INVALID', `--tenants ${file}: cannot read it as JSON (${(error as Error).message})`);
  }
  // Both forms are accepted; the schema is picked by shape, because a failed z.union reports only "Invalid input"
  // at the root instead of the problems of each tenant.
  const parsed = Array.isArray(json) ? tenantListSchema.safeParse(json) : tenantsObjectSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AzsecError('ERR_CONFIG_INVALID', `--tenants ${file} is not valid:\n  ${problems.join('\n  ')}`);
  }
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.tenants;
  return list.map((t) => Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined)) as unknown as SimTenantSpec);
}

function intOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new AzsecError('ERR_CONFIG_INVALID', `--${name} must be an integer from ${min} to ${max}, not "${value}"`);
  return n;
}

export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'run the Microsoft Graph and Entra ID simulator (HTTPS on loopback) for demos and tests',
  usage: [
    'Usage: azsec simulate [--port N] [--host 127.0.0.1] [--seed S] [--tenants FILE] [--state-dir DIR] [--json]',
    '                      [--no-throttling] [--live-rate N]',
    '',
    'Serves Entra ID\'s token endpoint and the eight Graph v1.0 endpoints for simulated tenants.',
    '',
    '  --port N          TCP port (default 8443; 0 picks a free one)',
    '  --host H          address to bind (default 127.0.0.1)',
    '  --seed S          seed of the generated data (default 1)',
    '  --tenants FILE    JSON list of tenants: [{"name","profile","licences","permissions","volume",...}]',
    `                    profiles: ${Object.entries(PROFILES).map(([k, p]) => `${k} (${p.description})`).join('; ')}`,
    '  --state-dir DIR   where the CA and server certificate are kept (default <data-dir>/simulator)',
    '  --json            print {"url","caFile","tenants":[...]} as one line once listening',
    '  --no-throttling   turn off Graph\'s throttling limits',
    '  --live-rate N     new records per minute per tenant (default 20; 0 freezes the data)',
  ].join('\n'),
  async run(args, globals, io) {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        tenants: { type: 'string' },
        'state-dir': { type: 'string' },
        json: { type: 'boolean' },
        'no-throttling': { type: 'boolean' },
        'live-rate': { type: 'string' },
      },
      strict: true,
    });
    const port = intOption('port', values.port, 0, 65_535) ?? 8443;
    const liveRate = intOption('live-rate', values['live-rate'], 0, 100_000);
    const tenants = values.tenants === undefined ? DEMO_TENANTS : await readTenantsFile(values.tenants);
    const sim = await startSimulator({
      port,
      host: values.host ?? '127.0.0.1',
      seed: values.seed ?? 1,
      tenants,
      stateDir: path.resolve(values['state-dir'] ?? path.join(globals.dataDir, 'simulator')),
      throttling: values['no-throttling'] !== true,
      ...(liveRate === undefined ? {} : { liveRatePerMinute: liveRate }),
    });
    if (values.json === true) {
      io.out(JSON.stringify({ url: sim.url, caFile: sim.caFile, tenants: sim.tenants }));
    } else {
      io.out(`Graph simulator listening on ${sim.url}`);
      io.out(`  token endpoint: ${sim.url}/{tenant}/oauth2/v2.0/token   Graph: ${sim.url}/v1.0/...`);
      io.out(`  CA certificate: ${sim.caFile}   (trust it with NODE_EXTRA_CA_CERTS=${sim.caFile}, or curl --cacert)`);
      io.out('Tenants (simulated credentials):');
      for (const t of sim.tenants) {
        io.out(`  ${t.name} [${t.profile}]  tenant ${t.tenantId}  client ${t.clientId}  secret ${t.clientSecret}`);
      }
      io.out('Press Ctrl+C to stop.');
    }
    await waitForStopSignal();
    await sim.close();
    return 0;
  },
};
