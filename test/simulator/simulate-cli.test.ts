// `azsec simulate` as a process: the one-line --json announcement tests and scripts rely on, a CA that Node
// clients trust through NODE_EXTRA_CA_CERTS (and only through it), kept across restarts in the state dir, a tenants
// file with fixed credentials, --no-throttling, refusal of a bad tenants file, and a clean stop on SIGTERM.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE = path.join(repoRoot, 'node_modules', '.bin', 'node');
const MAIN = path.join(repoRoot, 'src', 'main.ts');
const run = promisify(execFile);

interface Announcement {
  url: string;
  caFile: string;
  tenants: Array<{ name: string; profile: string; tenantId: string; clientId: string; clientSecret: string }>;
}

interface Running {
  child: ChildProcessWithoutNullStreams;
  announcement: Announcement;
  stderr: () => string;
}

let dir: string;
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'azsec-simulate-cli-'));
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts `azsec simulate --json` and resolves with its first stdout line, parsed. */
async function startCli(args: string[]): Promise<Running> {
  const child = spawn(NODE, [MAIN, '--data-dir', path.join(dir, 'data'), 'simulate', '--port', '0', '--json', ...args], { cwd: repoRoot });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`azsec simulate exited with ${String(code)} before announcing itself: ${stderr}`)));
  });
  return { child, announcement: JSON.parse(first) as Announcement, stderr: () => stderr };
}

function stop(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** GET or POST with node:https and an explicit CA (independent of this process's default trust store). */
function request(url: string, opts: { ca?: string; method?: string; body?: string; token?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    const req = https.request(url, { method: opts.method ?? 'GET', headers, ...(opts.ca === undefined ? {} : { ca: opts.ca }) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function tokenFor(a: Announcement, index: number, ca: string): Promise<string> {
  const t = a.tenants[index] as Announcement['tenants'][number];
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: t.clientId, client_secret: t.clientSecret, scope: 'https://graph.microsoft.com/.default' });
  const res = await request(`${a.url}/${t.tenantId}/oauth2/v2.0/token`, { ca, method: 'POST', body: form.toString() });
  expect(res.status).toBe(200);
  return (JSON.parse(res.body) as { access_token: string }).access_token;
}

// A second Node process that trusts the simulator only through NODE_EXTRA_CA_CERTS: token, then one Graph page.
const CLIENT_SCRIPT = `
const { SIM_URL, SIM_TENANT, SIM_CLIENT, SIM_SECRET } = process.env;
const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: SIM_CLIENT, client_secret: SIM_SECRET, scope: 'https://graph.microsoft.com/.default' });
const token = await fetch(SIM_URL + '/' + SIM_TENANT + '/oauth2/v2.0/token', { method: 'POST', body: form });
const { access_token } = await token.json();
const page = await fetch(SIM_URL + '/v1.0/users?$top=3', { headers: { authorization: 'Bearer ' + access_token } });
const body = await page.json();
console.log(JSON.stringify({ token: token.status, graph: page.status, users: body.value.length }));
`;

describe('azsec simulate', () => {
  it('announces the url, CA file and demo tenants as one JSON line once listening, and stops cleanly on SIGTERM', async () => {
    const stateDir = path.join(dir, 'state');
    const { child, announcement } = await startCli(['--state-dir', stateDir]);
    expect(Object.keys(announcement).sort()).toEqual(['caFile', 'tenants', 'url']);
    expect(announcement.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(announcement.caFile).toBe(path.join(stateDir, 'ca.pem'));
    expect(announcement.tenants.map((t) => [t.name, t.profile])).toEqual([
      ['contoso', 'full'],
      ['fabrikam', 'p1'],
      ['litware', 'free'],
    ]);
    for (const t of announcement.tenants) {
      expect(Object.keys(t).sort()).toEqual(['clientId', 'clientSecret', 'name', 'profile', 'tenantId']);
      expect(t.tenantId).toMatch(/^[0-9a-f-]{36}$/);
    }

    const ca = await readFile(announcement.caFile, 'utf8');
    expect(ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const metadata = await request(`${announcement.url}/common/v2.0/.well-known/openid-configuration`, { ca });
    expect(metadata.status).toBe(200);
    // Without the CA, the certificate is not trusted.
    await expect(request(`${announcement.url}/common/v2.0/.well-known/openid-configuration`, {})).rejects.toThrow(/certificate/i);

    const contoso = announcement.tenants[0] as Announcement['tenants'][number];
    const client = await run(NODE, ['--input-type=module', '-e', CLIENT_SCRIPT], {
      cwd: repoRoot,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: announcement.caFile, SIM_URL: announcement.url, SIM_TENANT: contoso.tenantId, SIM_CLIENT: contoso.clientId, SIM_SECRET: contoso.clientSecret },
    });
    expect(JSON.parse(client.stdout.trim())).toEqual({ token: 200, graph: 200, users: 3 });

    expect(await stop(child)).toBe(0);
  });

  it('reads tenants from a file, turns throttling off, and keeps the CA of the state dir across restarts', async () => {
    const stateDir = path.join(dir, 'state');
    const caBefore = await readFile(path.join(stateDir, 'ca.pem'), 'utf8');
    const tenantsFile = path.join(dir, 'tenants.json');
    const tenant = {
      name: 'northwind',
      profile: 'p1',
      tenantId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      clientId: '6ba7b810-9dad-41d1-80b4-00c04fd430c8',
      clientSecret: 'sim-secret-for-tests',
      volume: { 'auditLogs.signIns': 40 },
    };
    await writeFile(tenantsFile, JSON.stringify({ tenants: [tenant] }));
    const { child, announcement } = await startCli(['--state-dir', stateDir, '--tenants', tenantsFile, '--no-throttling', '--live-rate', '0']);
    expect(announcement.tenants).toEqual([{ name: 'northwind', profile: 'p1', tenantId: tenant.tenantId, clientId: tenant.clientId, clientSecret: tenant.clientSecret }]);
    const ca = await readFile(announcement.caFile, 'utf8');
    expect(ca).toBe(caBefore);

    const token = await tokenFor(announcement, 0, ca);
    // Ten sign-in requests in a row: twice the reports limit, all served with throttling off.
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await request(`${announcement.url}/v1.0/auditLogs/signIns?$top=10`, { ca, token })).status);
    expect(statuses).toEqual(Array(10).fill(200));
    const all = await request(`${announcement.url}/v1.0/auditLogs/signIns`, { ca, token });
    expect((JSON.parse(all.body) as { value: unknown[] }).value).toHaveLength(40);
    // The p1 profile has no risky users.
    expect((await request(`${announcement.url}/v1.0/identityProtection/riskyUsers`, { ca, token })).status).toBe(403);
    expect(await stop(child)).toBe(0);
  });

  it('refuses a tenants file with every problem listed, without starting', async () => {
    const tenantsFile = path.join(dir, 'bad-tenants.json');
    await writeFile(tenantsFile, JSON.stringify([{ name: 'x', profile: 'platinum', licences: ['entra_p3'] }, { profile: 'full' }]));
    const result = await run(NODE, [MAIN, '--data-dir', path.join(dir, 'data'), 'simulate', '--port', '0', '--json', '--state-dir', path.join(dir, 'state'), '--tenants', tenantsFile], {
      cwd: repoRoot,
    }).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('ERR_CONFIG_INVALID');
    expect(result.stderr).toContain('0.profile');
    expect(result.stderr).toContain('0.licences.0');
    expect(result.stderr).toContain('1.name');
  });
});
