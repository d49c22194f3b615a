// Sign-in from a country never seen before for the user: the rule remembers, per user, the countries of their
// successful sign-ins over the last 90 days. A user's first remembered sign-in only starts the baseline (nothing is
// "new" for a user we know nothing about, and the first days after installation would otherwise alert on everyone).
// Failed sign-ins neither alert nor teach the baseline: an attacker's failures abroad are brute-force's business.
import { str } from '../../normalize/record-fields.ts';
import type { JsonValue } from '../../store/store.ts';
import { defineRule } from '../rule.ts';
import { errorCodeOf, userKeyOf, userLabelOf } from './record-readers.ts';

const DAY_MS = 86_400_000;
const FORGET_MS = 90 * DAY_MS;

export const newCountrySignIn = defineRule({
  id: 'new-country-sign-in',
  title: 'Sign-in from a new country',
  description: 'A successful sign-in from a country the user has not signed in from in the last 90 days (after a baseline exists).',
  severity: 'medium',
  checks: ['auditLogs.signIns'],
  dedupeWindowMs: DAY_MS,
  memoryTtlMs: FORGET_MS,
  alertTitle: 'Sign-in for {user} from a new country: {country} (known: {known})',
  match(signal, raw, memory) {
    if (errorCodeOf(raw) !== 0) return false;
    const country = signal.location?.country?.toUpperCase() ?? null;
    const user = userKeyOf(raw);
    const t = Date.parse(signal.time);
    if (country === null || user === null || !Number.isFinite(t)) return false;
    // Memory per user: country → last successful sign-in (ms). Each country is forgotten on its own after 90 days:
    // an older entry counts as absent. The user's object is updated in place (a user may have many countries, and
    // most sign-ins only move one time on); forgotten entries are dropped when a new country is added.
    const before = memory.get(user);
    const seen = (before !== null && typeof before === 'object' && !Array.isArray(before) ? before : {}) as Record<string, unknown>;
    const remembered = (last: unknown): last is number => typeof last === 'number' && t - last <= FORGET_MS;
    const last = seen[country];
    const isNew = !remembered(last);
    seen[country] = isNew ? t : Math.max(last, t);
    memory.set(user, seen as JsonValue);
    if (!isNew) return false;
    const known: string[] = [];
    for (const c in seen) {
      if (c === country) continue;
      if (remembered(seen[c])) known.push(c);
      else delete seen[c];
    }
    if (known.length === 0) return false;
    return {
      key: `${user}|${country}`,
      fields: { user: userLabelOf(raw), country, known: known.sort().join(', '), ip: str(raw.ipAddress), city: signal.location?.city ?? null },
    };
  },
});
