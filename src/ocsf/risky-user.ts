// identityProtection.riskyUsers → OCSF User Inventory Info (5003, Discovery), activity 2 Collect: the user with
// Identity Protection's risk level (user.risk_level); the risk state and detail are in the message (signal title).
import type { Signal } from '../signals/signal.ts';
import { ocsfBase, type OcsfObject } from './ocsf-base.ts';
import { observablesOf } from './observables.ts';
import { compact, str, type Raw } from './raw-fields.ts';

function caption(s: string | null): string | null {
  return s === null ? null : s.charAt(0).toUpperCase() + s.slice(1);
}

export function riskyUserToOcsf(signal: Signal, raw: Raw): OcsfObject {
  const user = compact({
    uid: str(raw, 'id') ?? signal.recordId,
    name: str(raw, 'userPrincipalName'),
    display_name: str(raw, 'userDisplayName'),
    risk_level: caption(str(raw, 'riskLevel')),
    type_id: 1,
  });
  return compact({
    ...ocsfBase(signal, { classUid: 5003, className: 'User Inventory Info', categoryUid: 5, categoryName: 'Discovery', activityId: 2, activityName: 'Collect' }),
    user,
    observables: observablesOf(signal.indicators),
  });
}
