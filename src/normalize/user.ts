// users (delta) → signal (kind user, or user_deleted for "@removed" entries).
// Time: the stored time (when the change was received): a user has no change timestamp of its own.
// Title: "User <upn> (created|changed|deleted)": deleted when the delta says @removed; created when its
// createdDateTime lies within a day before the change was received; changed otherwise (delta reports every change
// as the object's new state, so "changed" also covers the first full listing of older users).
// Severity: informational. Target: the user. Outcome, actor: none.
import type { NormalizeContext, Signal } from '../signals/signal.ts';
import { buildSignal } from './build-signal.ts';
import { entity, labelOf } from './entities.ts';
import { IndicatorSet } from './indicators.ts';
import { asObj, isoTime, str, strings } from './record-fields.ts';
import type { Obj } from './record-fields.ts';

const DAY_MS = 86_400_000;

export function normalizeUser(r: Obj, ctx: NormalizeContext): Signal {
  const removed = r['@removed'] !== undefined;
  const ind = new IndicatorSet();
  ind.add('user_id', r.id);
  ind.add('upn', r.userPrincipalName);
  ind.add('email', r.mail);
  ind.add('user_name', r.displayName);
  ind.add('user_name', r.onPremisesSamAccountName);
  for (const m of strings(r.otherMails)) ind.add('email', m);
  // proxyAddresses are "SMTP:alice@contoso.com" (primary) or "smtp:…" (aliases).
  for (const p of strings(r.proxyAddresses)) ind.add('email', p.replace(/^smtp:/i, ''));
  ind.add('country', r.usageLocation);

  const user = entity('user', r.id, r.displayName, r.userPrincipalName ?? r.mail);
  const seenAt = isoTime(ctx.time);
  const created = isoTime(r.createdDateTime);
  let change = 'changed';
  if (removed) change = 'deleted';
  else if (created !== null && seenAt !== null) {
    const age = Date.parse(seenAt) - Date.parse(created);
    if (age >= 0 && age <= DAY_MS) change = 'created';
  }
  const reason = removed ? str(asObj(r['@removed'])?.reason) : null;
  return buildSignal(ctx, {
    time: seenAt,
    kind: removed ? 'user_deleted' : 'user',
    title: `User ${labelOf(user) ?? ctx.recordId} (${change})`,
    severity: 'informational',
    targets: user === null ? [] : [user],
    indicators: ind,
    text: [
      str(r.displayName),
      str(r.jobTitle),
      str(r.department),
      str(r.officeLocation),
      str(r.userType),
      reason === null ? null : `removed: ${reason}`,
      r.accountEnabled === false ? 'account disabled' : null,
    ],
  });
}
