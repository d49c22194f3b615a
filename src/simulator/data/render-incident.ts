// incidents (security/incidents): shaped like shared/graph-samples/security_incidents.json with the CSDL's
// camelCase enum members. The id is numeric (base + key); the scenario drawn here decides what its alerts look like.
import { ALL_SCENARIOS } from './alert-scenarios.ts';
import type { Scenario } from './alert-scenarios.ts';
import { graphTime } from './graph-time.ts';
import { hashParts, rngFor } from './random.ts';
import type { GraphObject } from './dataset.ts';
import type { RecordState, TenantContext, UserBasics } from './tenant-context.ts';
import { asNew, triageAt } from './triage.ts';

export function incidentId(ctx: TenantContext, key: number): string {
  return String(ctx.incidentIdBase + key);
}

/** Scenarios rotate through the incident keys so that every kind of alert and evidence shows up in a small tenant. */
export function incidentScenario(ctx: TenantContext, key: number): Scenario {
  return ALL_SCENARIOS[(key + ctx.seed) % ALL_SCENARIOS.length]!;
}

/** The user an incident is about; its alerts mostly share it. */
export function incidentUser(ctx: TenantContext, key: number): UserBasics {
  return ctx.userBasics(hashParts(ctx.seed, 'incidentUser', key) % ctx.populationSize);
}

export function incidentWebUrl(ctx: TenantContext, id: string): string {
  return `https://security.microsoft.com/incidents/${id}?tid=${ctx.tenantId}`;
}

/** `staged`: the attack stories' incident (attack-scenarios.ts): high severity and new when the tenant is first read. */
export function renderIncident(ctx: TenantContext, key: number, timeMs: number, state: RecordState | undefined, staged = false): GraphObject {
  const r = rngFor(ctx.seed, 'incident', key);
  const id = incidentId(ctx, key);
  const scenario = incidentScenario(ctx, key);
  const t = triageAt(ctx, 'incident', key, timeMs, staged ? asNew(state, timeMs) : state);
  const drawn = r.weighted([['low', 3], ['medium', 4], ['high', 3], ['informational', 1]] as const);
  const severity = staged ? 'high' : drawn;
  const n = r.chance(0.7) ? 'one' : 'multiple';
  const displayName = scenario.incidentName
    .replace('{n} users', n === 'one' ? 'one user' : 'multiple users')
    .replace('{n} endpoints', n === 'one' ? 'one endpoint' : 'multiple endpoints');
  const tags = r.chance(0.3) ? [r.pick(['VIP', 'Finance', 'Demo', 'Ransomware', 'Pentest'])] : [];
  const user = incidentUser(ctx, key);
  return {
    '@odata.type': '#microsoft.graph.security.incident',
    id,
    tenantId: ctx.tenantId,
    displayName,
    createdDateTime: graphTime(timeMs),
    lastUpdateDateTime: graphTime(t.lastUpdateMs),
    status: t.status,
    severity,
    classification: t.classification,
    determination: t.determination,
    assignedTo: t.assignedTo,
    redirectIncidentId: t.redirected ? incidentId(ctx, key - 1) : null,
    incidentWebUrl: incidentWebUrl(ctx, id),
    lastModifiedBy: t.assignedTo ?? 'Microsoft 365 Defender-AlertCorrelation',
    priorityScore: severity === 'high' ? r.int(60, 100) : severity === 'medium' ? r.int(30, 70) : r.int(0, 40),
    customTags: tags,
    systemTags: r.chance(0.15) ? ['Defender Experts'] : [],
    comments: t.comments,
    description: `${displayName} for ${user.displayName}. Review the alerts and evidence in this incident.`,
    summary: r.chance(0.5) ? `Activity related to ${user.userPrincipalName} was correlated into this incident.` : null,
    resolvingComment: t.status === 'resolved' ? (t.comments[t.comments.length - 1]?.comment ?? null) : null,
  };
}
