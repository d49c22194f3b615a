// riskyUsers (identityProtection/riskyUsers): one record per risky user, id = the user's object id.
// Record key r maps to a distinct user of the population (a stride coprime to its size walks every user once), so
// risky users are real /users entries. riskLastUpdatedDateTime is the sort time and moves on every state change.
import type { ScenarioRiskyUser } from './attack-scenarios.ts';
import { graphTime } from './graph-time.ts';
import { rngFor } from './random.ts';
import type { GraphObject } from './dataset.ts';
import type { RecordState, TenantContext } from './tenant-context.ts';

const strides = new WeakMap<TenantContext, number>();

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The user key behind risky-user key r (r < populationSize; distinct r give distinct users). */
export function riskyUserToUserKey(ctx: TenantContext, r: number): number {
  let stride = strides.get(ctx);
  if (stride === undefined) {
    stride = 7 + (ctx.seed % 13);
    while (gcd(stride, ctx.populationSize) !== 1) stride++;
    strides.set(ctx, stride);
  }
  // Skip the admins' keys at the start by offsetting: risky admins happen, but rarely.
  return (r * stride + ctx.adminKeys.length) % ctx.populationSize;
}

export function riskyUserId(ctx: TenantContext, key: number): string {
  return ctx.userBasics(riskyUserToUserKey(ctx, key)).id;
}

const CLOSED: ReadonlyArray<readonly [readonly [string, string, string], number]> = [
  [['remediated', 'none', 'userPerformedSecuredPasswordReset'], 4],
  [['remediated', 'none', 'userPassedMFADrivenByRiskBasedPolicy'], 2],
  [['dismissed', 'none', 'adminDismissedAllRiskForUser'], 3],
  [['confirmedCompromised', 'high', 'adminConfirmedUserCompromised'], 1],
];

/** `userDeleted`: the user behind the record was deleted from the directory (riskyUser.isDeleted). */
/** `scenario`: the state an attack story left the user in (attack-scenarios.ts); later versions still apply. */
export function renderRiskyUser(ctx: TenantContext, key: number, timeMs: number, state: RecordState | undefined, userDeleted = false, scenario?: ScenarioRiskyUser): GraphObject {
  const r = rngFor(ctx.seed, 'riskyUser', key);
  const user = ctx.userBasics(riskyUserToUserKey(ctx, key));
  const atRiskLevel = (): string => r.weighted([['low', 3], ['medium', 5], ['high', 2]] as const);
  let [riskState, riskLevel, riskDetail] = ['atRisk', atRiskLevel(), 'none'];
  if (scenario !== undefined) ({ riskState, riskLevel, riskDetail } = scenario);
  else if (!state?.live && r.chance(0.4)) [riskState, riskLevel, riskDetail] = r.weighted(CLOSED);
  for (let v = 1; v <= (state?.version ?? 0); v++) {
    const u = rngFor(ctx.seed, 'riskyUserVersion', key, v);
    if (riskState === 'atRisk' && u.chance(0.75)) [riskState, riskLevel, riskDetail] = u.weighted(CLOSED);
    else [riskState, riskLevel, riskDetail] = ['atRisk', u.weighted([['low', 2], ['medium', 5], ['high', 3]] as const), 'none'];
  }
  return {
    '@odata.type': '#microsoft.graph.riskyUser',
    id: user.id,
    isDeleted: userDeleted,
    isProcessing: false,
    riskLastUpdatedDateTime: graphTime(timeMs),
    riskLevel,
    riskState,
    riskDetail,
    userDisplayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
  };
}
