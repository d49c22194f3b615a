// `azsec rules list` and `azsec rules import DIR` from the command line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const NODE = path.resolve('node_modules/.bin/node');
const MAIN = path.resolve('src/main.ts');
const SIGMA = path.resolve('..', 'shared', 'sigma-rules');

const DATA = mkdtempSync(path.join(tmpdir(), 'azsec-rules-cli-'));
afterAll(() => rmSync(DATA, { recursive: true, force: true }));

function azsec(...args: string[]) {
  return spawnSync(NODE, [MAIN, '--data-dir', DATA, ...args], { encoding: 'utf8' });
}

describe('azsec rules', () => {
  it('lists at least 15 built-in rules with their defaults', () => {
    const run = azsec('rules', 'list', '--json');
    expect(run.status, run.stderr).toBe(0);
    const { rules } = JSON.parse(run.stdout) as { rules: Array<{ id: string; defaults: { severity: string } }> };
    expect(rules.length).toBeGreaterThanOrEqual(15);
    expect(rules.map((r) => r.id)).toContain('password-spray');
  });

  it.skipIf(!existsSync(SIGMA))('reports, per Sigma rule of a folder, loaded or not supported with the reason', () => {
    const run = azsec('rules', 'import', SIGMA, '--dry-run', '--json');
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { loaded: number; notSupported: number; rules: Array<{ status: string; reason?: string }> };
    expect(out.loaded).toBe(79);
    expect(out.notSupported).toBe(2);
    expect(out.rules.filter((r) => r.status !== 'loaded').every((r) => (r.reason ?? '').length > 0)).toBe(true);
    const text = azsec('rules', 'import', SIGMA);
    expect(text.stdout).toContain('79 of 81 rules load.');
    expect(text.stdout).toContain('now runs 79 Sigma rules');
    const listed = JSON.parse(azsec('rules', 'list', '--json').stdout) as { rules: Array<{ source: string }>; problems: string[] };
    expect(listed.rules.filter((r) => r.source === 'sigma')).toHaveLength(79);
    expect(listed.problems).toEqual([]);
  });

  it('refuses a folder that does not exist', () => {
    const run = azsec('rules', 'import', path.resolve('no-such-folder'));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('ERR_CONFIG_INVALID');
  });
});
