// Brute force: many failed password attempts against one user (default 10 within 10 minutes; tunable count and
// windowMs). Counts sign-ins failing with a wrong password or a locked account (sign-in-failures.ts), from any IP.
import { str } from '../../normalize/record-fields.ts';
import { defineRule } from '../rule.ts';
import { errorCodeOf, userKeyOf, userLabelOf } from './record-readers.ts';
import { PASSWORD_FAILURE_CODES } from './sign-in-failures.ts';

export const bruteForce = defineRule({
  id: 'brute-force',
  title: 'Brute force against a user',
  description: 'Failed sign-ins with a wrong password (50126) or a locked account (50053) per user within a sliding window.',
  severity: 'medium',
  checks: ['auditLogs.signIns'],
  threshold: { windowMs: 10 * 60_000, count: 10, groupBy: (_s, raw) => userKeyOf(raw) },
  dedupeWindowMs: 3_600_000,
  alertTitle: 'Brute force against {user}: {count} failed sign-ins (last from {ip})',
  match(_signal, raw) {
    const code = errorCodeOf(raw);
    if (code === null || !PASSWORD_FAILURE_CODES.has(code)) return false;
    return { key: userKeyOf(raw) ?? '', fields: { user: userLabelOf(raw), ip: str(raw.ipAddress) } };
  },
});
