import { describe, expect, it } from 'vitest';
import { newCountrySignIn } from '../../src/detections/rules/new-country-sign-in.ts';
import { DAY, HOUR, START, baseSignIn, run, signIn, userFields } from './detection-fixtures.ts';
import type { Item } from './detection-fixtures.ts';

const base = baseSignIn();
const at = (hours: number, country: string, over: Record<string, unknown> = {}): Item => ({ check: 'auditLogs.signIns', record: signIn(base, { ...userFields(5), country, at: START + hours * HOUR, ...over }) });

describe('new-country-sign-in', () => {
  it('fires when a user with a baseline signs in from a country not seen before', () => {
    const alerts = run([newCountrySignIn], [at(0, 'US'), at(1, 'US'), at(2, 'NG')]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.title).toMatch(/from a new country: NG \(known: US\)$/);
  });

  it('is silent on the first sign-in (it starts the baseline) and on known countries', () => {
    expect(run([newCountrySignIn], [at(0, 'NG'), at(1, 'NG'), at(2, 'NG')])).toHaveLength(0);
  });

  it('does not learn from, or alert on, failed sign-ins', () => {
    expect(run([newCountrySignIn], [at(0, 'US'), at(1, 'RU', { errorCode: 50126 }), at(2, 'RU')])).toHaveLength(1);
  });

  it('keeps users apart', () => {
    const other = { check: 'auditLogs.signIns' as const, record: signIn(base, { ...userFields(6), country: 'FR', at: START + HOUR }) };
    expect(run([newCountrySignIn], [at(0, 'US'), other])).toHaveLength(0);
  });

  it('forgets a country after 90 days without a sign-in from it', () => {
    expect(run([newCountrySignIn], [at(0, 'US'), at(24 * 89, 'DE'), at(24 * 95, 'US')])).toHaveLength(2);
    expect(run([newCountrySignIn], [at(0, 'US'), at(24 * 85, 'US'), at(24 * 95, 'US')])).toHaveLength(0);
    expect(DAY).toBe(24 * HOUR);
  });

  it('lists only the countries still remembered as known', () => {
    const alerts = run([newCountrySignIn], [at(0, 'US'), at(24 * 89, 'DE'), at(24 * 95, 'FR'), at(24 * 96, 'FR'), at(24 * 97, 'US')]);
    expect(alerts.map((a) => a.title.replace(/^.*from a new country: /, ''))).toEqual(['DE (known: US)', 'FR (known: DE)', 'US (known: DE, FR)']);
  });
});
