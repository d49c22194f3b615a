// The built-in rule list: every rule issue 7 names, unique ids, each with its own test file, all runnable at once
// over a whole simulated tenant without a rule throwing.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../src/core/check-ids.ts';
import { DetectionEngine } from '../../src/detections/engine.ts';
import { BUILT_IN_RULES } from '../../src/detections/rules/index.ts';
import { records, signalOf } from './detection-fixtures.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('built-in rules', () => {
  it('lists at least 15 rules with unique ids', () => {
    expect(BUILT_IN_RULES.length).toBeGreaterThanOrEqual(15);
    expect(new Set(BUILT_IN_RULES.map((r) => r.id)).size).toBe(BUILT_IN_RULES.length);
  });

  it('has one source file and one test per rule', () => {
    const tested = new Map([['defender-alert-passthrough', 'defender-passthrough'], ['defender-incident-passthrough', 'defender-passthrough']]);
    for (const r of BUILT_IN_RULES) {
      expect(existsSync(path.resolve(here, '..', '..', 'src', 'detections', 'rules', `${r.id}.ts`)), r.id).toBe(true);
      expect(existsSync(path.resolve(here, `${tested.get(r.id) ?? r.id}.test.ts`)), r.id).toBe(true);
    }
  });

  it('runs every rule over a whole simulated tenant without a rule throwing, and the state survives JSON', () => {
    const engine = new DetectionEngine({ rules: BUILT_IN_RULES });
    const items = CHECK_IDS.flatMap((check) => records(check).map((record) => ({ check, record, signal: signalOf(check, record) })));
    items.sort((a, b) => a.signal.time.localeCompare(b.signal.time));
    const byRule = new Map<string, number>();
    for (const it of items) for (const a of engine.evaluate(it.signal, it.record)) if (a.absorbed === 0) byRule.set(a.ruleId, (byRule.get(a.ruleId) ?? 0) + 1);
    expect([...engine.errors]).toEqual([]);
    // The simulator's month holds what most rules detect.
    for (const id of ['defender-alert-passthrough', 'defender-incident-passthrough', 'risky-sign-in-succeeded', 'account-lockout', 'privileged-role-assigned', 'app-credentials-added', 'conditional-access-policy-weakened', 'risky-user-compromised', 'high-severity-risk-detection', 'secure-score-drop']) {
      expect(byRule.get(id) ?? 0, id).toBeGreaterThan(0);
    }
    const snapshot = JSON.parse(JSON.stringify(engine.snapshot())) as unknown;
    const restored = new DetectionEngine({ rules: BUILT_IN_RULES });
    restored.restore(snapshot);
    expect(restored.snapshot()).toEqual(engine.snapshot());
  });

  it('raises the same alerts over a simulated month when restarted from a JSON snapshot halfway', () => {
    const items = CHECK_IDS.flatMap((check) => records(check).map((record) => ({ record, signal: signalOf(check, record) })));
    items.sort((a, b) => a.signal.time.localeCompare(b.signal.time));
    const straight = new DetectionEngine({ rules: BUILT_IN_RULES });
    const expected = items.flatMap((x) => straight.evaluate(x.signal, x.record));
    expect(expected.length).toBeGreaterThan(20);
    const half = Math.floor(items.length / 2);
    const first = new DetectionEngine({ rules: BUILT_IN_RULES });
    const before = items.slice(0, half).flatMap((x) => first.evaluate(x.signal, x.record));
    const second = new DetectionEngine({ rules: BUILT_IN_RULES });
    second.restore(JSON.parse(JSON.stringify(first.snapshot())) as unknown);
    const after = items.slice(half).flatMap((x) => second.evaluate(x.signal, x.record));
    expect([...before, ...after]).toEqual(expected);
  });
});
