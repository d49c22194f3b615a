// MFA fatigue (push bombing): an attacker who holds the password triggers MFA prompts until the user gives in.
// Entra logs each unanswered or denied prompt as a failed sign-in: 500121 (authentication failed during the strong
// authentication request: denied, or not answered) and 50074 (strong authentication required: the prompt was
// shown and not completed). Default: 5 such failures for one user within 10 minutes (tunable count and windowMs).
// A 50074 counts only after a 500121 of the same user within the last 10 minutes, so ordinary "MFA required"
// interrupts alone never fire.
import { defineRule } from '../rule.ts';
import { errorCodeOf, userKeyOf, userLabelOf } from './record-readers.ts';
import { str } from '../../normalize/record-fields.ts';

const MFA_DENIED = 500121;
const MFA_PENDING = 50074;

export const mfaFatigue = defineRule({
  id: 'mfa-fatigue',
  title: 'MFA fatigue',
  description: 'Repeated MFA denials or unanswered prompts (error 500121, and 50074 after a 500121) for one user within a sliding window.',
  severity: 'high',
  checks: ['auditLogs.signIns'],
  threshold: { windowMs: 10 * 60_000, count: 5, groupBy: (_s, raw) => userKeyOf(raw) },
  dedupeWindowMs: 3_600_000,
  memoryTtlMs: 10 * 60_000,
  alertTitle: 'MFA fatigue against {user}: {count} MFA prompts denied or unanswered',
  match(_signal, raw, memory) {
    const code = errorCodeOf(raw);
    if (code !== MFA_DENIED && code !== MFA_PENDING) return false;
    const user = userKeyOf(raw);
    if (user === null) return false;
    // Remember that this user denied a prompt recently; prompts alone (50074) only count once a denial was seen.
    if (code === MFA_DENIED) memory.set(user, true);
    else if (memory.get(user) !== true) return false;
    return { key: user, fields: { user: userLabelOf(raw), ip: str(raw.ipAddress) } };
  },
});
