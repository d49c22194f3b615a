// Legacy-protocol sign-in: a successful sign-in over basic authentication (IMAP, POP, SMTP AUTH, ActiveSync,
// "Other clients", ...), which bypasses MFA and Conditional Access grant controls, so a stolen password is enough.
// Attempts blocked by policy are not alerts (the block worked); one alert per user and protocol per day.
import { str } from '../../normalize/record-fields.ts';
import { defineRule } from '../rule.ts';
import { errorCodeOf, userKeyOf, userLabelOf } from './record-readers.ts';

/** clientAppUsed values Entra reports for legacy authentication, lower-cased. */
const LEGACY_CLIENTS = new Set([
  'authenticated smtp',
  'autodiscover',
  'exchange activesync',
  'exchange online powershell',
  'exchange web services',
  'imap4',
  'imap',
  'mapi over http',
  'offline address book',
  'other clients',
  'outlook anywhere (rpc over http)',
  'pop3',
  'pop',
  'reporting web services',
  'universal outlook',
]);

export const legacyProtocolSignIn = defineRule({
  id: 'legacy-protocol-sign-in',
  title: 'Legacy-protocol sign-in',
  description: 'A successful sign-in over a legacy (basic authentication) protocol such as IMAP4, POP3, Authenticated SMTP or Exchange ActiveSync.',
  severity: 'medium',
  checks: ['auditLogs.signIns'],
  dedupeWindowMs: 86_400_000,
  alertTitle: 'Legacy-protocol sign-in for {user} over {protocol} from {ip}',
  match(_signal, raw) {
    const client = str(raw.clientAppUsed);
    if (client === null || !LEGACY_CLIENTS.has(client.toLowerCase()) || errorCodeOf(raw) !== 0) return false;
    const user = userKeyOf(raw);
    if (user === null) return false;
    return { key: `${user}|${client.toLowerCase()}`, fields: { user: userLabelOf(raw), protocol: client, ip: str(raw.ipAddress) } };
  },
});
