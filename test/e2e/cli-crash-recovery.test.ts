// The CLI end to end against the simulator, as an operator runs it: add an integration, kill -9 `poll --once` at
// random moments of a cycle, run it again, and the export holds exactly the expected records — nothing lost, nothing
// twice. The client secret never appears in any output, export or byte of the data directory.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkById } from '../../src/checks/all-checks.ts';
import type { CheckId } from '../../src/core/check-ids.ts';
import { trustExtraCa } from '../../src/core/extra-ca.ts';
import { startSimulator } from '../../src/simulator/start-simulator.ts';
import type { SimEndpoint, Simulator } from '../../src/simulator/types.ts';
import { simulatorStateDir } from '../helpers/simulator-state-dir.ts';

const NODE = path.resolve('node_modules/.bin/node');
const MAIN = path.resolve('src/main.ts');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function azsec(args: string[], env: NodeJS.ProcessEnv, killAfterMs?: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

describe('azsec CLI: crash recovery and secrecy', () => {
  let sim: Simulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const outputs: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'azsec-e2e-'));
    sim = await startSimulator({
      stateDir: simulatorStateDir(),
      throttling: false,
      liveRatePerMinute: 0,
      seed: 5,
      tenants: [{ name: 'contoso', profile: 'full', volume: { 'auditLogs.signIns': 25_000, 'auditLogs.directoryAudits': 4_000, 'security.alerts_v2': 400 } }],
    });
    trustExtraCa(sim.caPem);
    const t = sim.tenants[0];
    if (t === undefined) throw new Error('no tenant');
    env = { AZSEC_DATA_DIR: path.join(dir, 'data'), NODE_EXTRA_CA_CERTS: sim.caFile, DEMO_SECRET: t.clientSecret };
    const added = await azsec(
      ['integrations', 'add', '--name', 'contoso', '--tenant-id', t.tenantId, '--client-id', t.clientId, '--client-secret-env', 'DEMO_SECRET',
        '--cloud', 'custom', '--login-url', sim.url, '--graph-url', sim.url, '--initial-lookback', '30d'],
      env,
    );
    outputs.push(added.stdout, added.stderr);
    expect(added.code).toBe(0);
  });

  afterAll(async () => {
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores exactly the expected records after kill -9 at random points of several cycles', async () => {
    // Deterministic "random" kill points spread over a cycle.
    for (const killAfterMs of [700, 1_300, 1_900, 2_600]) {
      const run = await azsec(['poll', '--once'], env, killAfterMs);
      outputs.push(run.stdout, run.stderr);
    }
    const final = await azsec(['poll', '--once'], env);
    outputs.push(final.stdout, final.stderr);
    expect(final.code).toBe(0);

    const exported = await azsec(['export'], env);
    outputs.push(exported.stdout, exported.stderr);
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trim().split('\n').map((l) => JSON.parse(l) as { integration: string; check: CheckId; id: string; raw: Record<string, unknown> });
    for (const check of ['auditLogs.signIns', 'auditLogs.directoryAudits', 'security.alerts_v2', 'security.incidents', 'users'] as CheckId[]) {
      const stored = lines.filter((l) => l.check === check);
      const def = checkById(check);
      const storedKeys = stored.map((l) => {
        const k = def.keyOf(l.raw, JSON.stringify(l.raw), 0);
        return check === 'users' ? k.id : `${k.id}|${k.version}`;
      });
      expect(new Set(storedKeys).size, `${check} has duplicates`).toBe(storedKeys.length);
      const expected = sim.tenant('contoso').records(check as SimEndpoint).map((r) => String(r.id));
      expect(new Set(stored.map((l) => l.id)), `${check} is incomplete`).toEqual(new Set(expected));
    }
  });

  it('reports status as JSON in the documented shape', async () => {
    const run = await azsec(['status', '--json'], env);
    outputs.push(run.stdout, run.stderr);
    const status = JSON.parse(run.stdout) as { integrations: Array<{ name: string; state: string; checks: Array<{ id: string; state: string; collected: number }> }> };
    expect(status.integrations[0]).toMatchObject({ name: 'contoso', enabled: true, state: 'ok' });
    expect(status.integrations[0]?.checks).toHaveLength(8);
    // Listed rather than a bare true/false, so that a failure says which check and why.
    expect(status.integrations[0]?.checks.filter((c) => !(c.state === 'ok' && c.collected > 0))).toEqual([]);
  });

  it('never reveals the client secret: not in outputs, lists, logs, exports or the data files', async () => {
    const listed = await azsec(['integrations', 'list', '--json'], env);
    outputs.push(listed.stdout, listed.stderr);
    const secret = env.DEMO_SECRET as string;
    for (const text of outputs) expect(text).not.toContain(secret);
    const files = await filesUnder(path.join(dir, 'data'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = await readFile(file);
      expect(bytes.includes(Buffer.from(secret)), `${file} holds the secret`).toBe(false);
    }
  });
});
