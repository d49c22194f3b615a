// Sign-in from a country never seen before for the user: the rule remembers, per user, the countries of their
// successful sign-ins over the last 90 days. A user's first remembered sign-in only starts the baseline (nothing is
// "new" for a user we know nothing about, and the first days after installation would otherwise alert on everyone).
// Failed sign-ins neither alert nor teach the baseline: an attacker's failures abroad are brute-force's business.
import { str } from '../../normalize/record-fields.ts';
import { defineRule } from '../rule.ts';
import { errorCodeOf, userKeyOf, userLabelOf } from './record-readers.ts';

const DAY_MS = 86_400_000;

export const newCountrySignIn = defineRule({
  id: 'new-country-sign-in',
  title: 'Sign-in from a new country',
  description: 'A successful sign-in from a country the user has not signed in from in the last 90 days (after a baseline exists).',
  severity: 'medium',
  checks: ['auditLogs.signIns'],
  dedupeWindowMs: DAY_MS,
  memoryTtlMs: 90 * DAY_MS,
  alertTitle: 'Sign-in for {user} from a new country: {country} (known: {known})',
  match(signal, raw, memory) {
    if (errorCodeOf(raw) !== 0) return false;
    const country = signal.location?.country?.toUpperCase() ?? null;
    const user = userKeyOf(raw);
    if (country === null || user === null) return false;
    const before = memory.get(user);
    const known = Array.isArray(before) ? before.filter((c): c is string => typeof c === 'string') : [];
    if (known.includes(country)) {
      memory.set(user, known);
      return false;
    }
    memory.set(user, [...known, country]);
    if (known.length === 0) return false;
    return {
      key: `${user}|${country}`,
      fields: { user: userLabelOf(raw), country, known: known.join(', '), ip: str(raw.ipAddress), city: signal.location?.city ?? null },
    };
  },
});
