// Account lockout: Smart Lockout locked an account (sign-in error 50053) after too many wrong passwords. Even when
// the lockout worked, someone is guessing; one alert per user per hour, later lockouts absorbed and counted.
import { str } from '../../normalize/record-fields.ts';
import { defineRule } from '../rule.ts';
import { errorCodeOf, userKeyOf, userLabelOf } from './record-readers.ts';

export const accountLockout = defineRule({
  id: 'account-lockout',
  title: 'Account locked out',
  description: 'A sign-in failed with error 50053: the account is locked by Smart Lockout after repeated wrong passwords.',
  severity: 'medium',
  checks: ['auditLogs.signIns'],
  dedupeWindowMs: 3_600_000,
  alertTitle: 'Account locked out: {user} (from {ip})',
  match(_signal, raw) {
    if (errorCodeOf(raw) !== 50053) return false;
    const user = userKeyOf(raw);
    return user === null ? false : { key: user, fields: { user: userLabelOf(raw), ip: str(raw.ipAddress) } };
  },
});
