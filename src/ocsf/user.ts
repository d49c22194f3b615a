// users → OCSF User Inventory Info (5003, Discovery), activity 2 Collect: the directory user as collected from
// Graph (uid = object id, name = UPN, display/full name, mail). A deletion from the users delta (kind user_deleted)
// is the same class with the user's id and a message saying it was deleted.
import type { Signal } from '../signals/signal.ts';
import { ocsfBase, type OcsfObject } from './ocsf-base.ts';
import { observablesOf } from './observables.ts';
import { compact, str, type Raw } from './raw-fields.ts';

export function userToOcsf(signal: Signal, raw: Raw): OcsfObject {
  const uid = str(raw, 'id') ?? signal.recordId;
  const display = str(raw, 'displayName');
  const user = compact({
    uid,
    name: str(raw, 'userPrincipalName'),
    display_name: display,
    full_name: display,
    email_addr: str(raw, 'mail'),
    type_id: 1,
  });
  return compact({
    ...ocsfBase(signal, { classUid: 5003, className: 'User Inventory Info', categoryUid: 5, categoryName: 'Discovery', activityId: 2, activityName: 'Collect' }),
    user,
    observables: observablesOf(signal.indicators),
  });
}
