// alerts_v2 (security/alerts_v2): shaped like shared/graph-samples/security_alerts_v2*.json. Each alert belongs to
// an existing incident (incidentId), takes a template of that incident's scenario, and carries evidence of the
// template's types. The id embeds .NET ticks of its creation like real ids ("da637551227677560813_-961444813").
import { ALERT_ID_PREFIX, ALL_SCENARIOS } from './alert-scenarios.ts';
import type { AlertTemplate } from './alert-scenarios.ts';
import { dotNetTicks, graphTime, MINUTE_MS } from './graph-time.ts';
import { guidFor, hashParts, rngFor } from './random.ts';
import type { GraphObject } from './dataset.ts';
import { incidentId, incidentScenario, incidentUser, incidentWebUrl } from './render-incident.ts';
import { createCast, renderEvidence } from './render-evidence.ts';
import type { RecordState, TenantContext } from './tenant-context.ts';
import { asNew, triageAt } from './triage.ts';

/** Which incident an alert belongs to: an incident key, or -1 when the tenant has none. */
export type IncidentOfAlert = (alertKey: number) => number;

export function alertTemplate(ctx: TenantContext, key: number, incidentKey: number): AlertTemplate {
  const scenario = incidentKey >= 0 ? incidentScenario(ctx, incidentKey) : ALL_SCENARIOS[hashParts(ctx.seed, 'alertScenario', key) % ALL_SCENARIOS.length]!;
  return scenario.templates[hashParts(ctx.seed, 'alertTemplate', key) % scenario.templates.length]!;
}

export function alertId(ctx: TenantContext, key: number, timeMs: number, incidentKey: number): string {
  const prefix = ALERT_ID_PREFIX[alertTemplate(ctx, key, incidentKey).serviceSource] ?? 'da';
  const h = hashParts(ctx.seed, 'alertId', key);
  return `${prefix}${dotNetTicks(timeMs, h % 10_000)}_${h | 0}`;
}

/** `staged`: the first alert of the attack stories' incident: high severity and new when the tenant is first read. */
export function renderAlert(ctx: TenantContext, key: number, timeMs: number, state: RecordState | undefined, incidentKey: number, staged = false): GraphObject {
  const r = rngFor(ctx.seed, 'alert', key);
  const tpl = alertTemplate(ctx, key, incidentKey);
  const id = alertId(ctx, key, timeMs, incidentKey);
  const t = triageAt(ctx, 'alert', key, timeMs, staged ? asNew(state, timeMs) : state);
  const user = incidentKey >= 0 && r.chance(0.8) ? incidentUser(ctx, incidentKey) : ctx.userBasics(r.int(0, ctx.populationSize));
  const incId = incidentKey >= 0 ? incidentId(ctx, incidentKey) : null;
  const firstActivity = timeMs - r.int(1, 90) * MINUTE_MS;
  const cast = createCast(ctx, r, user, timeMs);
  const severityShift = r.next();
  const severity = staged ? 'high' : severityShift < 0.15 ? 'low' : severityShift > 0.9 ? 'high' : tpl.severity;
  return {
    '@odata.type': '#microsoft.graph.security.alert',
    id,
    providerAlertId: id,
    incidentId: incId,
    status: t.status,
    severity,
    classification: t.classification,
    determination: t.determination,
    serviceSource: tpl.serviceSource,
    detectionSource: tpl.detectionSource,
    productName: PRODUCT_NAMES[tpl.serviceSource] ?? null,
    detectorId: guidFor('detector', tpl.title),
    tenantId: ctx.tenantId,
    title: tpl.title,
    description: tpl.description,
    recommendedActions: tpl.recommendedActions,
    category: tpl.category,
    assignedTo: t.assignedTo,
    alertWebUrl: `https://security.microsoft.com/alerts/${id}?tid=${ctx.tenantId}`,
    incidentWebUrl: incId ? incidentWebUrl(ctx, incId) : null,
    actorDisplayName: tpl.category === 'InitialAccess' && r.chance(0.2) ? r.pick(['Storm-0501', 'Midnight Blizzard', 'Octo Tempest']) : null,
    threatDisplayName: tpl.threatDisplayName ?? null,
    threatFamilyName: tpl.threatFamilyName ?? null,
    // Copied: callers may mutate what render() returns, never the shared template.
    mitreTechniques: [...tpl.mitreTechniques],
    createdDateTime: graphTime(timeMs),
    lastUpdateDateTime: graphTime(t.lastUpdateMs),
    resolvedDateTime: t.resolvedMs === null ? null : graphTime(t.resolvedMs),
    firstActivityDateTime: graphTime(firstActivity),
    lastActivityDateTime: graphTime(firstActivity + r.int(0, Math.max(1, timeMs - firstActivity))),
    comments: t.comments,
    evidence: tpl.evidence.map((kind) => renderEvidence(ctx, kind, cast, r)),
    systemTags: r.chance(0.1) ? ['Defender Experts'] : [],
  };
}

const PRODUCT_NAMES: Record<string, string> = {
  microsoftDefenderForEndpoint: 'Microsoft Defender for Endpoint',
  microsoftDefenderForOffice365: 'Microsoft Defender for Office 365',
  microsoftDefenderForIdentity: 'Microsoft Defender for Identity',
  microsoftDefenderForCloudApps: 'Microsoft Defender for Cloud Apps',
  azureAdIdentityProtection: 'Microsoft Entra ID Protection',
  microsoftDefenderForCloud: 'Microsoft Defender for Cloud',
};
