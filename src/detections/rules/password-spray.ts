// Password spray: one IP address failing to sign in as many different users (default 5 distinct users within 10
// minutes; tunable count and windowMs). Counts distinct users, not attempts, so one user mistyping a password ten
// times from the office IP does not fire (that is brute-force's case).
import { str } from '../../normalize/record-fields.ts';
import { defineRule } from '../rule.ts';
import { errorCodeOf, userKeyOf } from './record-readers.ts';
import { PASSWORD_FAILURE_CODES } from './sign-in-failures.ts';

export const passwordSpray = defineRule({
  id: 'password-spray',
  title: 'Password spray from one IP',
  description: 'Distinct users failing to sign in with a wrong password (50126) or locked account (50053) from one IP within a sliding window.',
  severity: 'high',
  checks: ['auditLogs.signIns'],
  threshold: {
    windowMs: 10 * 60_000,
    count: 5,
    groupBy: (_s, raw) => str(raw.ipAddress)?.toLowerCase() ?? null,
    distinct: (_s, raw) => userKeyOf(raw),
  },
  dedupeWindowMs: 3_600_000,
  alertTitle: 'Password spray from {ip}: {distinct} users failed {count} sign-ins',
  match(_signal, raw) {
    const code = errorCodeOf(raw);
    if (code === null || !PASSWORD_FAILURE_CODES.has(code)) return false;
    const ip = str(raw.ipAddress);
    return ip === null ? false : { key: ip.toLowerCase(), fields: { ip } };
  },
});
