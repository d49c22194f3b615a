// Signals end to end: two tenants collected from the simulator, then `azsec search` finds an indicator across checks
// and integrations, newest first, with exactly the signals that hold it, in the JSON shape scripts rely on.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeIndicator } from '../../src/normalize/indicators.ts';
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

interface SearchJson {
  results: Array<{ integration: string; check: string; id: string; time: string; severity: string; title: string; indicators: Record<string, string[]> }>;
  next: string | null;
}

describe('azsec search over collected signals', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ tenants: [{ name: 'contoso', profile: 'full' }, { name: 'fabrikam', profile: 'full' }] });
    await h.collector.pollOnce();
    await h.drainSignals();
  });
  afterAll(() => h.close());

  it('stores one signal per stored record version', async () => {
    for (const name of ['contoso', 'fabrikam']) {
      expect(await h.store.countSignals({ integration: name })).toBe(await h.store.countRecords({ integration: name }));
    }
  });

  it('finds every signal holding an IP across checks and integrations, newest first, page after page', async () => {
    // The simulator's tenants draw IPs from the same documentation ranges: pick one seen in both tenants if any.
    const ipsOf = async (name: string) => new Set((await h.records(name)).flatMap((r) => [...r.raw.matchAll(/"(?:ipAddress|senderIp|lastIpAddress)":"([^"]+)"/g)].map((m) => m[1] as string)));
    const a = await ipsOf('contoso');
    const b = await ipsOf('fabrikam');
    const ip = [...a].find((x) => b.has(x)) ?? [...a][0];
    expect(ip).toBeDefined();
    const wanted = normalizeIndicator('ip', ip as string) as string;

    const seen: SearchJson['results'] = [];
    let next: string | null = null;
    do {
      const run = await azsec(h.dir, ['search', '--indicator', ip as string, '--limit', '3', '--json', ...(next ? ['--next', next] : [])]);
      expect(run.code, run.stderr).toBe(0);
      const page = JSON.parse(run.stdout) as SearchJson;
      seen.push(...page.results);
      next = page.next;
    } while (next !== null);

    expect(seen.length).toBeGreaterThan(0);
    for (const r of seen) {
      expect(Object.keys(r).sort()).toEqual(['check', 'id', 'indicators', 'integration', 'severity', 'time', 'title']);
      expect(r.indicators.ip).toContain(wanted);
    }
    const times = seen.map((r) => Date.parse(r.time));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(new Set(seen.map((r) => `${r.integration}|${r.check}|${r.id}`)).size).toBe(seen.length);

    // Exactly the stored records that hold the IP (as Graph wrote it) are found.
    let expected = 0;
    for (const name of ['contoso', 'fabrikam']) {
      for (const r of await h.records(name)) if (r.raw.includes(`"${ip as string}"`)) expected++;
    }
    expect(seen.length).toBe(expected);
  });

  it('searches free text and filters by check and severity', async () => {
    const run = await azsec(h.dir, ['search', '--text', 'failed', '--check', 'auditLogs.signIns', '--severity', 'low,medium,high', '--json', '--limit', '1000']);
    expect(run.code, run.stderr).toBe(0);
    const page = JSON.parse(run.stdout) as SearchJson;
    expect(page.results.length).toBeGreaterThan(0);
    for (const r of page.results) {
      expect(r.check).toBe('auditLogs.signIns');
      expect(['low', 'medium', 'high']).toContain(r.severity);
      expect(r.title.toLowerCase()).toContain('failed');
    }
  });

  it('answers analyst SQL read-only and refuses writes', async () => {
    const ok = await azsec(h.dir, ['sql', 'SELECT count(*) AS n FROM signals', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as { rows: number[][] }).rows[0]?.[0]).toBe(await h.store.countSignals({}));
    const write = await azsec(h.dir, ['sql', 'DELETE FROM records']);
    expect(write.code).toBe(1);
    expect(write.stderr).toContain('ERR_SQL');
    expect(await h.store.countRecords({})).toBeGreaterThan(0);
  });
});
