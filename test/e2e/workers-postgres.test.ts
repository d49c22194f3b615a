// Scale-out end to end: three `azsec run` worker processes share one PostgreSQL database and 30 simulated tenants.
// One worker is killed with SIGKILL mid-cycle. Afterwards every tenant's records are complete and unduplicated, no
// tenant was polled by two workers at once (the simulator's request log, by the worker named in each User-Agent),
// and the survivors took the dead worker's tenants over within the lease period.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealSecret } from '../../src/config/secrets.ts';
import { trustExtraCa } from '../../src/core/extra-ca.ts';
import { startSimulator } from '../../src/simulator/start-simulator.ts';
import type { SimRequestLogEntry, Simulator } from '../../src/simulator/types.ts';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { postgresAvailable, withTempDatabase } from '../helpers/postgres.ts';
import type { TempDatabase } from '../helpers/postgres.ts';
import { simulatorStateDir } from '../helpers/simulator-state-dir.ts';

const available = await postgresAvailable();
const TENANTS = 30;
const LEASE_MS = 8_000;
const NODE = path.resolve('node_modules/.bin/node');
const MAIN = path.resolve('src/main.ts');

/** Integrations a worker reported losing its lease for (JSON log lines). */
let workerOutput: Map<string, string> = new Map();
function lostLeases(worker: string): Set<string> {
  const lost = new Set<string>();
  for (const line of (workerOutput.get(worker) ?? '').split('\n')) {
    if (!line.includes('lease lost')) continue;
    try {
      lost.add(String((JSON.parse(line) as { integration?: string }).integration));
    } catch {
      // not a JSON log line
    }
  }
  return lost;
}

function workerOf(entry: SimRequestLogEntry): string | undefined {
  return /worker\/(\S+)/.exec(entry.userAgent ?? '')?.[1];
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!available)('three workers on one PostgreSQL store', () => {
  let db: TempDatabase;
  let store: PostgresStore;
  let sim: Simulator;
  const workers = new Map<string, ChildProcess>();
  const output = new Map<string, string>();
  workerOutput = output;

  beforeAll(async () => {
    db = await withTempDatabase();
    store = await createPostgresStore({ url: db.url });
    sim = await startSimulator({
      stateDir: simulatorStateDir(),
      throttling: false,
      liveRatePerMinute: 0,
      seed: 3,
      tenants: Array.from({ length: TENANTS }, (_, i) => ({ name: `tenant-${String(i).padStart(2, '0')}`, volume: { 'auditLogs.signIns': 2_500 } })),
    });
    trustExtraCa(sim.caPem);
    const key = randomBytes(32);
    const now = new Date().toISOString();
    for (const t of sim.tenants) {
      await store.addIntegration(
        { name: t.name, tenantId: t.tenantId, clientId: t.clientId, credentialKind: 'secret', certificatePem: null, cloud: 'custom', loginUrl: sim.url, graphUrl: sim.url, intervalMs: 3_600_000, initialLookbackMs: 30 * 86_400_000, lateWindowMs: 600_000, enabled: true, disabledChecks: [], createdAt: now, updatedAt: now },
        sealSecret(key, t.clientSecret, t.name),
      );
    }
    for (const id of ['w1', 'w2', 'w3']) {
      const child = spawn(NODE, [MAIN, '--store', db.url, '--log-format', 'json', 'run', '--lease-period', `${LEASE_MS / 1000}s`], {
        env: { ...process.env, AZSEC_SECRET_KEY: key.toString('base64'), AZSEC_WORKER_ID: id, NODE_EXTRA_CA_CERTS: sim.caFile, AZSEC_DATA_DIR: path.join(tmpdir(), `azsec-worker-${id}-${process.pid}`) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      output.set(id, '');
      child.stdout?.on('data', (d: Buffer) => output.set(id, (output.get(id) ?? '') + d.toString()));
      child.stderr?.on('data', (d: Buffer) => output.set(id, (output.get(id) ?? '') + d.toString()));
      workers.set(id, child);
    }
  });

  afterAll(async () => {
    for (const child of workers.values()) child.kill('SIGKILL');
    await sim?.close();
    await store?.close();
    await db?.drop();
  });

  it('collects every tenant exactly once, keeps tenants on one worker at a time, and takes a dead worker\'s tenants over', async () => {
    // Kill the busiest worker once it is in the middle of collecting (which worker starts first varies by machine).
    let victim = '';
    await until(async () => {
      const counts = new Map<string, number>();
      for (const e of sim.requestLog()) {
        const w = workerOf(e);
        if (w !== undefined && e.endpoint === 'auditLogs.signIns') counts.set(w, (counts.get(w) ?? 0) + 1);
      }
      const busiest = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
      if (busiest === undefined || busiest[1] < 3) return false;
      victim = busiest[0];
      return true;
    }, 'a worker to be collecting');
    workers.get(victim)?.kill('SIGKILL');
    const killedAt = Date.now();
    // When the dead worker's leases run out, on the database's clock (which is this machine's clock here).
    const held = await store.pool.query<{ integration: string; expires_ms: string }>('SELECT integration, expires_ms FROM leases WHERE worker_id = $1', [victim]);
    const expiry = new Map(held.rows.map((r) => [r.integration, Number(r.expires_ms)]));

    const expected = new Map(sim.tenants.map((t) => [t.name, sim.tenant(t.name).records('auditLogs.signIns').length]));
    try {
      await until(async () => {
        const states = await store.listCheckStates();
        return states.filter((s) => s.lastSuccessAt !== null).length === TENANTS * 8;
      }, 'every check of every tenant to succeed', 120_000);
    } catch (error) {
      const states = await store.listCheckStates();
      console.error(states.filter((s) => s.lastSuccessAt === null).slice(0, 5), [...output.entries()].map(([w, o]) => `${w}: ${o.slice(-1500)}`).join('\n'));
      throw error;
    }

    for (const t of sim.tenants) {
      const stored = await store.countRecords({ integration: t.name, check: 'auditLogs.signIns' });
      expect(stored, `${t.name} sign-ins`).toBe(expected.get(t.name));
      const ids = new Set<string>();
      for await (const r of store.exportRecords({ integration: t.name })) {
        const key = `${r.check}|${r.id}|${r.version}`;
        expect(ids.has(key), `${t.name} ${key} stored twice`).toBe(false);
        ids.add(key);
      }
    }

    const log = sim.requestLog().filter((e) => e.tenantId !== undefined && workerOf(e) !== undefined);
    const killedTenants = new Set<string>();
    for (const t of sim.tenants) {
      const mine = log.filter((e) => e.tenantId === t.tenantId);
      const spans = new Map<string, { start: number; end: number }>();
      for (const e of mine) {
        const w = workerOf(e) as string;
        const s = spans.get(w) ?? { start: Infinity, end: -Infinity };
        spans.set(w, { start: Math.min(s.start, e.startedAt), end: Math.max(s.end, e.endedAt) });
      }
      const list = [...spans.entries()];
      for (const [a, sa] of list) {
        for (const [b, sb] of list) {
          if (a >= b || sa.end <= sb.start || sb.end <= sa.start) continue;
          // Overlap is only allowed where a worker lost its lease (a starved worker on a loaded machine) and said so:
          // its commits were then refused, so data stays exact (checked above), and it abandoned the cycle.
          const lost = [a, b].some((w) => lostLeases(w).has(t.name));
          expect(lost, `${t.name} polled by ${a} and ${b} at once without a lost lease`).toBe(true);
        }
      }
      const victimSpan = spans.get(victim);
      if (victimSpan !== undefined && spans.size > 1) {
        killedTenants.add(t.name);
        const takeover = Math.min(...list.filter(([w]) => w !== victim).map(([, s]) => s.start));
        // The dead worker's lease ran out within one lease period of its death, and a survivor took the tenant over
        // at its next claim rounds (1 s apart). The bound is generous (20 s) because it is about liveness, not speed: a
        // 2-core machine under other load once took 10.5 s; a takeover that never comes still fails.
        const expiresAt = expiry.get(t.name) ?? killedAt;
        expect(expiresAt - killedAt, `${t.name} lease outlived the period`).toBeLessThanOrEqual(LEASE_MS);
        expect(takeover - expiresAt, `${t.name} taken over late after its lease expired`).toBeLessThan(20_000);
      }
    }
    expect(killedTenants.size).toBeGreaterThan(0);
    // The survivors shared the work: every tenant the victim did not finish went to one of them.
    expect(new Set(log.map(workerOf)).size).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
