// A minimal stand-in for the normalizers (src/normalize/): a sparse Signal with the fields the mappings read, taken
// plainly from the raw Graph record, so the OCSF mappings are tested on their own and on thin signals (no targets,
// no typed evidence fields) as well as on the real normalizers' output.
import type { CheckId } from '../../src/core/check-ids.ts';
import type { Artifact, Entity, Indicators, Severity, Signal, SignalKind } from '../../src/signals/signal.ts';

type Raw = Record<string, unknown>;

const KIND: Record<CheckId, SignalKind> = {
  'auditLogs.signIns': 'sign_in',
  'auditLogs.directoryAudits': 'directory_audit',
  'security.alerts_v2': 'alert',
  'security.incidents': 'incident',
  'identityProtection.riskDetections': 'risk_detection',
  'identityProtection.riskyUsers': 'risky_user',
  'security.secureScores': 'secure_score',
  users: 'user',
};

function s(raw: unknown, ...keys: string[]): string | null {
  let cur: unknown = raw;
  for (const k of keys) cur = cur !== null && typeof cur === 'object' ? (cur as Raw)[k] : undefined;
  return typeof cur === 'string' && cur !== '' ? cur : null;
}

function severityOf(raw: Raw): Severity {
  const v = s(raw, 'severity') ?? s(raw, 'riskLevel');
  return v === 'low' || v === 'medium' || v === 'high' ? v : 'informational';
}

function actorOf(raw: Raw): Entity | null {
  const userId = s(raw, 'userId') ?? s(raw, 'initiatedBy', 'user', 'id');
  const upn = s(raw, 'userPrincipalName') ?? s(raw, 'initiatedBy', 'user', 'userPrincipalName');
  if (userId !== null || upn !== null) return { type: 'user', id: userId, name: s(raw, 'userDisplayName'), upn };
  const appId = s(raw, 'initiatedBy', 'app', 'servicePrincipalId');
  const appName = s(raw, 'initiatedBy', 'app', 'displayName');
  if (appId !== null || appName !== null) return { type: 'service_principal', id: appId, name: appName, upn: null };
  return null;
}

function artifactsOf(raw: Raw): Artifact[] {
  const evidence = raw['evidence'];
  if (!Array.isArray(evidence)) return [];
  return evidence.map((e: Raw) => {
    const type = (s(e, '@odata.type') ?? 'unknown').replace('#microsoft.graph.security.', '');
    const indicators: Indicators = {};
    const upn = s(e, 'userAccount', 'userPrincipalName');
    if (upn !== null) indicators.upn = [upn.toLowerCase()];
    const ip = s(e, 'ipAddress');
    if (ip !== null) indicators.ip = [ip];
    const host = s(e, 'hostName');
    if (host !== null) indicators.host = [host.toLowerCase()];
    return { type, fields: {}, verdict: s(e, 'verdict'), roles: [], indicators };
  });
}

export function localSignal(check: CheckId, raw: Raw, tenantId: string, version: string): Signal {
  const actor = actorOf(raw);
  const ip = s(raw, 'ipAddress');
  const indicators: Indicators = {};
  if (ip !== null) indicators.ip = [ip];
  if (actor?.upn) indicators.upn = [actor.upn.toLowerCase()];
  if (actor?.id) indicators.user_id = [actor.id.toLowerCase()];
  const location = raw['location'];
  const time = s(raw, 'createdDateTime') ?? s(raw, 'activityDateTime') ?? s(raw, 'lastUpdatedDateTime') ?? s(raw, 'riskLastUpdatedDateTime') ?? '2025-06-10T00:00:00.000Z';
  const result = s(raw, 'result');
  const removed = check === 'users' && raw['@removed'] !== undefined;
  return {
    integration: 'contoso',
    check,
    recordId: s(raw, 'id') ?? 'unknown',
    version,
    tenantId,
    time: new Date(time).toISOString(),
    kind: removed ? 'user_deleted' : KIND[check],
    title: s(raw, 'title') ?? s(raw, 'displayName') ?? s(raw, 'activityDisplayName') ?? `${check} record`,
    severity: severityOf(raw),
    outcome: result === 'success' ? 'success' : result === 'failure' ? 'failure' : null,
    actor,
    targets: [],
    location:
      location !== null && typeof location === 'object'
        ? { city: s(location, 'city'), state: s(location, 'state'), country: s(location, 'countryOrRegion'), latitude: null, longitude: null }
        : null,
    indicators,
    artifacts: artifactsOf(raw),
    text: '',
  };
}
