// Detections end to end: a simulated tenant (whose records hold an attack of every kind the built-in rules detect) is
// collected, the signal stage runs the rules, and `azsec alerts` shows the alerts; `azsec rules` tunes, disables and
// imports Sigma rules, and the next run obeys.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_RULES } from '../../src/detections/rules/index.ts';
import type { StoredAlert } from '../../src/store/store.ts';
import { startHarness } from '../helpers/collector-harness.ts';
import type { Harness } from '../helpers/collector-harness.ts';

const NODE = path.resolve('node_modules/.bin/node');
const MAIN = path.resolve('src/main.ts');

function azsec(dataDir: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [MAIN, '--data-dir', dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function allAlerts(h: Harness): Promise<StoredAlert[]> {
  const out: StoredAlert[] = [];
  let cursor: string | undefined;
  do {
    const page = await h.store.listAlerts({ limit: 1000, ...(cursor === undefined ? {} : { cursor }) });
    out.push(...page.alerts);
    cursor = page.next ?? undefined;
  } while (cursor !== undefined);
  return out;
}

interface AlertsJson {
  alerts: Array<{ id: string; rule: string; severity: string; status: string; title: string; signals: unknown[] }>;
  next: string | null;
}

describe('detections over collected records', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ tenants: [{ name: 'contoso', profile: 'full' }] });
    await h.collector.pollOnce();
    await h.drainSignals();
  });
  afterAll(() => h.close());

  it('raises an alert of every built-in rule from the first collection of a simulated tenant', async () => {
    const fired = new Set((await allAlerts(h)).map((a) => a.ruleId));
    const silent = BUILT_IN_RULES.map((r) => r.id).filter((id) => !fired.has(id));
    expect(silent, `rules that raised nothing: ${silent.join(', ')}`).toEqual([]);
    // Every record went through the stage once: one signal each, nothing pending.
    expect(await h.store.countSignals({ integration: 'contoso' })).toBe(await h.store.countRecords({ integration: 'contoso' }));
    expect(await h.store.countPendingRecords()).toBe(0);
  });

  it('lists alerts as JSON, shows one with its matched signals, and acknowledges it', async () => {
    const run = await azsec(h.dir, ['alerts', '--rule', 'brute-force', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const page = JSON.parse(run.stdout) as AlertsJson;
    expect(page.alerts.length).toBeGreaterThan(0);
    const alert = page.alerts[0]!;
    expect(alert).toMatchObject({ rule: 'brute-force', status: 'open' });
    expect(alert.signals.length).toBeGreaterThan(0);

    const show = await azsec(h.dir, ['alerts', 'show', alert.id, '--json']);
    expect(show.code, show.stderr).toBe(0);
    const detail = JSON.parse(show.stdout) as { matchedSignals: Array<{ check: string; title?: string; missing?: boolean }> };
    expect(detail.matchedSignals.length).toBe(alert.signals.length);
    expect(detail.matchedSignals.every((s) => s.check === 'auditLogs.signIns' && s.missing === undefined && typeof s.title === 'string')).toBe(true);

    const ack = await azsec(h.dir, ['alerts', 'ack', alert.id]);
    expect(ack.code, ack.stderr).toBe(0);
    expect((await h.store.getAlert(alert.id))?.status).toBe('acknowledged');
    const open = JSON.parse((await azsec(h.dir, ['alerts', '--rule', 'brute-force', '--status', 'open', '--json'])).stdout) as AlertsJson;
    expect(open.alerts.map((a) => a.id)).not.toContain(alert.id);

    const unknown = await azsec(h.dir, ['alerts', 'close', 'no-such-alert']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('ERR_CONFIG_INVALID');
    const bad = await azsec(h.dir, ['alerts', '--status', 'done']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--status');
  });
});

describe('rule tuning and Sigma rules, per installation', () => {
  let h: Harness;
  let sigmaDir: string;

  beforeAll(async () => {
    h = await startHarness({ tenants: [{ name: 'contoso', profile: 'full' }] });
    sigmaDir = await mkdtemp(path.join(tmpdir(), 'azsec-sigma-'));
    // A Sigma rule in the Azure Monitor column names: sign-ins refused because the account is locked.
    await writeFile(
      path.join(sigmaDir, 'locked.yml'),
      [
        'title: Sign-in to a locked account',
        'id: 6f1c7f4e-0c1a-4d2b-9e3f-2a4b5c6d7e8f',
        'status: test',
        'level: high',
        'logsource:',
        '  product: azure',
        '  service: signinlogs',
        'detection:',
        '  selection:',
        '    ResultType: 50053',
        '  condition: selection',
      ].join('\n'),
    );
    await writeFile(path.join(sigmaDir, 'broken.yml'), 'title: no detection\nlogsource:\n  product: azure\n  service: signinlogs\n');
  });
  afterAll(async () => {
    await h.close();
    await rm(sigmaDir, { recursive: true, force: true });
  });

  it('runs what `azsec rules` configured: a rule disabled, one re-tuned, an imported Sigma rule', async () => {
    const disable = await azsec(h.dir, ['rules', 'disable', 'brute-force']);
    expect(disable.code, disable.stderr).toBe(0);
    const set = await azsec(h.dir, ['rules', 'set', 'password-spray', '--severity', 'critical', '--count', '3', '--window', '15m']);
    expect(set.code, set.stderr).toBe(0);
    const badSet = await azsec(h.dir, ['rules', 'set', 'legacy-protocol-sign-in', '--count', '3']);
    expect(badSet.code).toBe(1);
    expect(badSet.stderr).toContain('threshold rules only');
    const imported = await azsec(h.dir, ['rules', 'import', sigmaDir, '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const report = JSON.parse(imported.stdout) as { loaded: number; notSupported: number; installed: number; rules: Array<{ id?: string; status: string }> };
    expect(report).toMatchObject({ loaded: 1, notSupported: 1, installed: 1 });
    const sigmaId = report.rules.find((r) => r.status === 'loaded')?.id ?? '';
    expect(sigmaId).toBe('sigma-6f1c7f4e-0c1a-4d2b-9e3f-2a4b5c6d7e8f');

    const listed = JSON.parse((await azsec(h.dir, ['rules', 'list', '--json'])).stdout) as {
      rules: Array<{ id: string; source: string; effective: { enabled: boolean; severity: string; count: number | null } }>;
    };
    expect(listed.rules.find((r) => r.id === 'brute-force')?.effective.enabled).toBe(false);
    expect(listed.rules.find((r) => r.id === 'password-spray')?.effective).toMatchObject({ severity: 'critical', count: 3 });
    expect(listed.rules.find((r) => r.id === sigmaId)).toMatchObject({ source: 'sigma', effective: { enabled: true, severity: 'high' } });

    await h.collector.pollOnce();
    await h.drainSignals();
    const alerts = await allAlerts(h);
    expect(alerts.filter((a) => a.ruleId === 'brute-force')).toEqual([]);
    const spray = alerts.filter((a) => a.ruleId === 'password-spray');
    expect(spray.length).toBeGreaterThan(0);
    expect(spray.every((a) => a.severity === 'critical')).toBe(true);
    const sigma = alerts.filter((a) => a.ruleId === sigmaId);
    expect(sigma.length).toBeGreaterThan(0);
    expect(sigma[0]?.title).toContain('Sign-in to a locked account');

    const reset = await azsec(h.dir, ['rules', 'reset', 'brute-force']);
    expect(reset.code, reset.stderr).toBe(0);
    const removed = await azsec(h.dir, ['rules', 'remove', sigmaId]);
    expect(removed.code, removed.stderr).toBe(0);
    const after = JSON.parse((await azsec(h.dir, ['rules', 'list', '--json'])).stdout) as { rules: Array<{ id: string; effective: { enabled: boolean } }> };
    expect(after.rules.find((r) => r.id === 'brute-force')?.effective.enabled).toBe(true);
    expect(after.rules.some((r) => r.id === sigmaId)).toBe(false);
    const unknown = await azsec(h.dir, ['rules', 'disable', 'no-such-rule']);
    expect(unknown.code).toBe(1);
  });
});
