import { describe, expect, it } from 'vitest';
import { mfaFatigue } from '../../src/detections/rules/mfa-fatigue.ts';
import { MINUTE, START, findRecord, run, signIn, userFields } from './detection-fixtures.ts';
import type { Item } from './detection-fixtures.ts';

// A simulator sign-in denied at the MFA step (500121).
const base = findRecord('auditLogs.signIns', (r) => (r.status as { errorCode: number }).errorCode === 500121);
const prompts = (codes: number[], stepMs: number, user = 4): Item[] =>
  codes.map((errorCode, i) => ({ check: 'auditLogs.signIns' as const, record: signIn(base, { ...userFields(user), errorCode, at: START + i * stepMs }) }));

describe('mfa-fatigue', () => {
  it('fires on five MFA denials of one user within 10 minutes', () => {
    const alerts = run([mfaFatigue], prompts([500121, 500121, 500121, 500121, 500121], MINUTE));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.title).toMatch(/^MFA fatigue against .+: 5 MFA prompts denied or unanswered$/);
  });

  it('counts unanswered prompts (50074) once the user has denied one', () => {
    expect(run([mfaFatigue], prompts([500121, 50074, 50074, 50074, 50074], MINUTE))).toHaveLength(1);
  });

  it('is silent on "MFA required" interrupts alone and on four denials', () => {
    expect(run([mfaFatigue], prompts([50074, 50074, 50074, 50074, 50074, 50074], MINUTE))).toHaveLength(0);
    expect(run([mfaFatigue], prompts([500121, 500121, 500121, 500121], MINUTE))).toHaveLength(0);
  });

  it('is silent when the denials are spread over more than 10 minutes', () => {
    expect(run([mfaFatigue], prompts([500121, 500121, 500121, 500121, 500121], 150_001))).toHaveLength(0);
    expect(run([mfaFatigue], prompts([500121, 500121, 500121, 500121, 500121], 150_000))).toHaveLength(1);
  });

  it('is silent on other failures', () => {
    expect(run([mfaFatigue], prompts([50126, 50126, 50126, 50126, 50126, 50126], MINUTE))).toHaveLength(0);
  });

  it('absorbs later denials into the open alert', () => {
    const alerts = run([mfaFatigue], prompts([500121, 500121, 500121, 500121, 500121, 500121, 500121], MINUTE));
    expect(alerts.map((a) => a.absorbed)).toEqual([0, 1, 2]);
  });
});
