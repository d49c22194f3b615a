// Secure score down 5 % or more day over day: a day's score (security/secureScores, one record per UTC day) that is
// at least 5 % below the previous day's (relative to the previous score: 400 → 380 fires, 400 → 381 does not),
// which happens when controls lapse (MFA for admins switched off, legacy authentication unblocked). The rule
// remembers each day's score for 3 days, so days arriving out of order, or a day re-sent as a new version, still
// compare with their neighbour.
import { num, str } from '../../normalize/record-fields.ts';
import { defineRule } from '../rule.ts';

const DAY_MS = 86_400_000;
const DROP = 0.05;

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function pct(n: number): number {
  return Math.round(n * 1000) / 10;
}

export const secureScoreDrop = defineRule({
  id: 'secure-score-drop',
  title: 'Secure score dropped',
  description: 'The Secure Score of a day is 5 % or more below the previous day\'s.',
  severity: 'medium',
  checks: ['security.secureScores'],
  dedupeWindowMs: DAY_MS,
  memoryTtlMs: 3 * DAY_MS,
  alertTitle: 'Secure score down {dropPercent} % on {day}: {previous} → {current}',
  match(signal, raw, memory) {
    const current = num(raw.currentScore);
    const t = Date.parse(signal.time);
    if (current === null || !Number.isFinite(t)) return false;
    const day = dayOf(t);
    const prevDay = dayOf(t - DAY_MS);
    const nextDay = dayOf(t + DAY_MS);
    memory.set(day, current);
    const before = memory.get(prevDay);
    if (typeof before === 'number' && before > 0 && (before - current) / before >= DROP) {
      return { key: day, fields: { day, previous: before, current, dropPercent: pct((before - current) / before), maxScore: num(raw.maxScore), tenantId: str(raw.azureTenantId) } };
    }
    // A late day: the next day arrived first and may be the drop.
    const after = memory.get(nextDay);
    if (typeof after === 'number' && current > 0 && (current - after) / current >= DROP) {
      return { key: nextDay, fields: { day: nextDay, previous: current, current: after, dropPercent: pct((current - after) / current), maxScore: num(raw.maxScore), tenantId: str(raw.azureTenantId) } };
    }
    return false;
  },
});
