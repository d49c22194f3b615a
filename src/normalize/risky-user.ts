// identityProtection.riskyUsers → signal (kind risky_user).
// Time: riskLastUpdatedDateTime (as the stored record). Title: "Risky user <upn> (<riskLevel>, <riskState>)".
// Severity: riskState confirmedCompromised → critical (an admin confirmed it); remediated, dismissed and
// confirmedSafe → informational (the risk is closed); otherwise riskLevel (severity.ts riskSeverity).
// Target: the user (id = the user's object id). Outcome, actor: none.
import type { NormalizeContext, Severity, Signal } from '../signals/signal.ts';
import { buildSignal } from './build-signal.ts';
import { entity, labelOf } from './entities.ts';
import { IndicatorSet } from './indicators.ts';
import { firstTime, lower, str } from './record-fields.ts';
import type { Obj } from './record-fields.ts';
import { riskSeverity } from './severity.ts';

const CLOSED = new Set(['remediated', 'dismissed', 'confirmedsafe']);

export function normalizeRiskyUser(r: Obj, ctx: NormalizeContext): Signal {
  const ind = new IndicatorSet();
  ind.add('user_id', r.id);
  ind.add('upn', r.userPrincipalName);
  ind.add('user_name', r.userDisplayName);
  const user = entity('user', r.id, r.userDisplayName, r.userPrincipalName);
  const state = lower(r.riskState);
  const severity: Severity = state === 'confirmedcompromised' ? 'critical' : CLOSED.has(state) ? 'informational' : riskSeverity(r.riskLevel);
  const facts = [str(r.riskLevel), str(r.riskState)].filter((x): x is string => x !== null);
  let title = `Risky user ${labelOf(user) ?? ctx.recordId}`;
  if (facts.length > 0) title += ` (${facts.join(', ')})`;
  if (r.isDeleted === true) title += ' [user deleted]';
  return buildSignal(ctx, {
    time: firstTime(r, 'riskLastUpdatedDateTime'),
    kind: 'risky_user',
    title,
    severity,
    targets: user === null ? [] : [user],
    indicators: ind,
    text: [str(r.riskLevel), str(r.riskState), str(r.riskDetail), str(r.userDisplayName)],
  });
}
