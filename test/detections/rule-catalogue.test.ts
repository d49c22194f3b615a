import { describe, expect, it } from 'vitest';
import { ruleCatalogue } from '../../src/detections/rule-catalogue.ts';
import { BUILT_IN_RULES } from '../../src/detections/rules/index.ts';

describe('ruleCatalogue', () => {
  const catalogue = ruleCatalogue(BUILT_IN_RULES);

  it('describes every built-in rule with its checks and defaults', () => {
    expect(catalogue.map((c) => c.id)).toEqual(BUILT_IN_RULES.map((r) => r.id));
    for (const c of catalogue) {
      expect(c.description.length, c.id).toBeGreaterThan(20);
      expect(c.checks.length, c.id).toBeGreaterThan(0);
    }
    expect(catalogue.find((c) => c.id === 'brute-force')!.defaults).toMatchObject({ count: 10, windowMs: 600_000, distinct: false, severity: 'medium' });
    expect(catalogue.find((c) => c.id === 'password-spray')!.defaults).toMatchObject({ count: 5, distinct: true });
    expect(catalogue.find((c) => c.id === 'defender-alert-passthrough')!.defaults).toMatchObject({ minSeverity: 'medium', count: null });
  });

  it('offers count and windowMs only on threshold rules, and describes every tunable', () => {
    const names = (id: string): string[] => catalogue.find((c) => c.id === id)!.tunables.map((t) => t.name);
    expect(names('brute-force')).toEqual(expect.arrayContaining(['enabled', 'severity', 'minSeverity', 'count', 'windowMs', 'dedupeWindowMs']));
    expect(names('account-lockout')).not.toContain('count');
    for (const c of catalogue) for (const t of c.tunables) expect(t.description, `${c.id}.${t.name}`).not.toBe('');
  });
});
