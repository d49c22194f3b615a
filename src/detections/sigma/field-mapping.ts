// Sigma rules for Entra ID name Azure Monitor / Log Analytics columns (SigninLogs, AuditLogs,
// AADRiskyUsers/riskdetection); we hold the raw Graph records. This file maps each column onto the Graph record of
// the rule's service. Field names compare case-insensitively (the spec says so, and the public rules spell the
// same column "ResultDescription" and "Resultdescription"). A leading "properties." is dropped first: it is the
// Azure Monitor envelope around the same columns ("properties.message" = "message").
//
// A field "Column.sub.path" resolves Column through the table, then walks sub.path case-insensitively through the
// Graph value (through arrays, collecting every hit; into JSON text when a Graph property holds JSON). A field
// whose first part is not in the table but is a Graph property of the service is read straight from the record
// (so `riskEventType`, `userAgent`, `deviceDetail.trustType` work as Graph names too). Anything else has no
// mapping and the rule is reported "not supported: field X has no mapping for service Y".
//
// | service       | column (case-insensitive)                         | Graph record value                                         |
// |---------------|---------------------------------------------------|------------------------------------------------------------|
// | signinlogs    | ResultType                                        | status.errorCode as text ("50126")                         |
// | signinlogs    | ResultDescription                                 | status.failureReason                                       |
// | signinlogs    | ResultSignature                                   | "SUCCESS" when status.errorCode is 0, else "FAILURE"       |
// | signinlogs    | Status                                            | "Success" (errorCode 0) or "Failure", plus status.failureReason and status.additionalDetails (any may match) |
// | signinlogs    | message (properties.message)                      | authenticationProtocol, plus its display name ("ropc" → "ROPC", "deviceCode" → "Device Code") |
// | signinlogs    | AuthenticationProtocol                            | same as message                                            |
// | signinlogs    | AuthenticationRequirement                         | authenticationRequirement (beta property; absent → no match) |
// | signinlogs    | UserPrincipalName, Username                       | userPrincipalName                                          |
// | signinlogs    | UserDisplayName, Identity                         | userDisplayName                                            |
// | signinlogs    | UserId / AppId / AppDisplayName                   | userId / appId / appDisplayName                            |
// | signinlogs    | IPAddress                                         | ipAddress                                                  |
// | signinlogs    | ClientAppUsed, ClientApp                          | clientAppUsed                                              |
// | signinlogs    | UserAgent                                         | userAgent                                                  |
// | signinlogs    | ConditionalAccessStatus                           | conditionalAccessStatus                                    |
// | signinlogs    | ConditionalAccessPolicies                         | appliedConditionalAccessPolicies                           |
// | signinlogs    | DeviceDetail(.x)                                  | deviceDetail(.x)                                           |
// | signinlogs    | LocationDetails(.x)                               | location(.x)                                               |
// | signinlogs    | Location                                          | location.countryOrRegion                                   |
// | signinlogs    | IsInteractive                                     | isInteractive                                              |
// | signinlogs    | ResourceDisplayName / ResourceId                  | resourceDisplayName / resourceId                           |
// | signinlogs    | RiskDetail / RiskState                            | riskDetail / riskState                                     |
// | signinlogs    | RiskLevelAggregated / RiskLevelDuringSignIn       | riskLevelAggregated / riskLevelDuringSignIn                |
// | signinlogs    | RiskEventTypes / RiskEventTypes_V2                | riskEventTypes / riskEventTypes_v2                         |
// | signinlogs    | NetworkLocationDetails                            | networkLocationDetails (beta)                              |
// | signinlogs    | MfaDetail / AuthenticationDetails                 | mfaDetail / authenticationDetails (beta)                   |
// | signinlogs    | CorrelationId / Id                                | correlationId / id                                         |
// | signinlogs    | TimeGenerated, CreatedDateTime                    | createdDateTime                                            |
// | auditlogs     | OperationName, ActivityDisplayName, message (properties.message), ActivityType | activityDisplayName          |
// | auditlogs     | Category                                          | category                                                   |
// | auditlogs     | LoggedByService                                   | loggedByService                                            |
// | auditlogs     | Result, Status                                    | result ("success", "failure", ...)                         |
// | auditlogs     | ResultReason, ResultDescription, failure_status_reason | resultReason                                          |
// | auditlogs     | OperationType, AADOperationType                   | operationType                                              |
// | auditlogs     | TargetResources(.x)                               | targetResources(.x) (e.g. .modifiedProperties.newValue)     |
// | auditlogs     | InitiatedBy(.x)                                   | initiatedBy(.x); bare InitiatedBy also offers the user's UPN and the app's display name |
// | auditlogs     | Identity                                          | initiatedBy.user.userPrincipalName or initiatedBy.app.displayName |
// | auditlogs     | AdditionalDetails(.key)                           | additionalDetails; .key = the value of the entry with that key |
// | auditlogs     | ConsentContext.x                                  | targetResources[].modifiedProperties[displayName "ConsentContext.x"].newValue, unquoted |
// | auditlogs     | CorrelationId / Id                                | correlationId / id                                         |
// | auditlogs     | TimeGenerated, ActivityDateTime                   | activityDateTime                                           |
// | riskdetection | RiskEventType / RiskLevel / RiskState / RiskDetail | riskEventType / riskLevel / riskState / riskDetail        |
// | riskdetection | Source / DetectionTimingType / Activity / TokenIssuerType | source / detectionTimingType / activity / tokenIssuerType |
// | riskdetection | IPAddress, IpAddress                              | ipAddress                                                  |
// | riskdetection | Location / LocationDetails(.x)                    | location.countryOrRegion / location(.x)                    |
// | riskdetection | UserPrincipalName / UserDisplayName / UserId      | userPrincipalName / userDisplayName / userId               |
// | riskdetection | AdditionalInfo(.x)                                | additionalInfo (JSON text, walked when .x is given)         |
// | riskdetection | CorrelationId / RequestId / Id                    | correlationId / requestId / id                             |
// | riskdetection | TimeGenerated, DetectedDateTime / ActivityDateTime / LastUpdatedDateTime | detectedDateTime / activityDateTime / lastUpdatedDateTime |
//
// docs/sigma.md carries the same table; a test keeps the two in step.

export const SIGMA_SERVICES = ['signinlogs', 'auditlogs', 'riskdetection'] as const;
export type SigmaService = (typeof SIGMA_SERVICES)[number];

/** Reads one column from a raw Graph record; `rest` is the sub-path after the column. undefined = absent. */
export type FieldGetter = (record: Record<string, unknown>) => unknown;
type ColumnGetter = (record: Record<string, unknown>, rest: readonly string[]) => unknown;

export interface FieldMapping {
  /** Azure Monitor column names that resolve here (first one is the canonical name). */
  columns: readonly string[];
  /** What it reads, for docs and reports. */
  graph: string;
  get: ColumnGetter;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function keyCI(obj: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(obj, key)) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

/** JSON text that a Graph property carries (additionalInfo, modifiedProperties values) can be walked into. */
function maybeJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return v;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return v;
  }
}

/**
 * Walks `path` case-insensitively. Arrays are walked element by element; when one was crossed the result is the
 * list of every hit (a field matches when any hit matches). undefined when nothing is found.
 */
export function getPath(root: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return root;
  let current: unknown[] = [root];
  let crossedArray = false;
  for (const seg of path) {
    const next: unknown[] = [];
    const visit = (v: unknown): void => {
      const value = maybeJson(v);
      if (Array.isArray(value)) {
        crossedArray = true;
        for (const e of value) visit(e);
      } else if (isObject(value)) {
        const hit = keyCI(value, seg);
        if (hit !== undefined) next.push(hit);
      }
    };
    for (const v of current) visit(v);
    current = next;
    if (current.length === 0) return undefined;
  }
  return crossedArray ? current : current[0];
}

const path =
  (...base: string[]): ColumnGetter =>
  (record, rest) =>
    getPath(record, [...base, ...rest]);

/** A derived value: it has no sub-paths, so a field like "ResultType.x" finds nothing. */
const derived =
  (fn: FieldGetter): ColumnGetter =>
  (record, rest) =>
    rest.length === 0 ? fn(record) : undefined;

const nonNull = (...values: unknown[]): unknown[] => values.filter((v) => v !== undefined && v !== null);

const statusObject = (record: Record<string, unknown>): Record<string, unknown> | undefined => {
  const s = keyCI(record, 'status');
  return isObject(s) ? s : undefined;
};

const errorCode = (record: Record<string, unknown>): unknown => statusObject(record)?.['errorCode'];

const PROTOCOL_NAMES: Record<string, string> = {
  ropc: 'ROPC',
  devicecode: 'Device Code',
  oauth2: 'OAuth2',
  saml20: 'SAML 2.0',
  wsfederation: 'WS-Federation',
};

const authenticationProtocol = derived((record) => {
  const p = record['authenticationProtocol'];
  if (typeof p !== 'string') return undefined;
  return nonNull(p, PROTOCOL_NAMES[p.toLowerCase()]);
});

const SIGN_IN: FieldMapping[] = [
  {
    columns: ['ResultType'],
    graph: 'status.errorCode as text',
    get: derived((r) => {
      const c = errorCode(r);
      return c === undefined || c === null ? undefined : String(c);
    }),
  },
  { columns: ['ResultDescription'], graph: 'status.failureReason', get: path('status', 'failureReason') },
  {
    columns: ['ResultSignature'],
    graph: '"SUCCESS" when status.errorCode is 0, else "FAILURE"',
    get: derived((r) => {
      const c = errorCode(r);
      return c === undefined || c === null ? undefined : Number(c) === 0 ? 'SUCCESS' : 'FAILURE';
    }),
  },
  {
    columns: ['Status'],
    graph: '"Success" (errorCode 0) or "Failure", plus status.failureReason and status.additionalDetails',
    get: (r, rest) => {
      if (rest.length > 0) return getPath(r, ['status', ...rest]);
      const s = statusObject(r);
      if (!s) return undefined;
      return nonNull(Number(s['errorCode']) === 0 ? 'Success' : 'Failure', s['failureReason'], s['additionalDetails']);
    },
  },
  { columns: ['message', 'AuthenticationProtocol'], graph: 'authenticationProtocol and its display name', get: authenticationProtocol },
  { columns: ['AuthenticationRequirement'], graph: 'authenticationRequirement', get: path('authenticationRequirement') },
  { columns: ['UserPrincipalName', 'Username'], graph: 'userPrincipalName', get: path('userPrincipalName') },
  { columns: ['UserDisplayName', 'Identity'], graph: 'userDisplayName', get: path('userDisplayName') },
  { columns: ['UserId'], graph: 'userId', get: path('userId') },
  { columns: ['AppId'], graph: 'appId', get: path('appId') },
  { columns: ['AppDisplayName'], graph: 'appDisplayName', get: path('appDisplayName') },
  { columns: ['IPAddress'], graph: 'ipAddress', get: path('ipAddress') },
  { columns: ['ClientAppUsed', 'ClientApp'], graph: 'clientAppUsed', get: path('clientAppUsed') },
  { columns: ['UserAgent'], graph: 'userAgent', get: path('userAgent') },
  { columns: ['ConditionalAccessStatus'], graph: 'conditionalAccessStatus', get: path('conditionalAccessStatus') },
  { columns: ['ConditionalAccessPolicies'], graph: 'appliedConditionalAccessPolicies', get: path('appliedConditionalAccessPolicies') },
  { columns: ['DeviceDetail'], graph: 'deviceDetail', get: path('deviceDetail') },
  { columns: ['LocationDetails'], graph: 'location', get: path('location') },
  { columns: ['Location'], graph: 'location.countryOrRegion', get: derived((r) => getPath(r, ['location', 'countryOrRegion'])) },
  { columns: ['IsInteractive'], graph: 'isInteractive', get: path('isInteractive') },
  { columns: ['ResourceDisplayName'], graph: 'resourceDisplayName', get: path('resourceDisplayName') },
  { columns: ['ResourceId'], graph: 'resourceId', get: path('resourceId') },
  { columns: ['RiskDetail'], graph: 'riskDetail', get: path('riskDetail') },
  { columns: ['RiskState'], graph: 'riskState', get: path('riskState') },
  { columns: ['RiskLevelAggregated'], graph: 'riskLevelAggregated', get: path('riskLevelAggregated') },
  { columns: ['RiskLevelDuringSignIn'], graph: 'riskLevelDuringSignIn', get: path('riskLevelDuringSignIn') },
  { columns: ['RiskEventTypes'], graph: 'riskEventTypes', get: path('riskEventTypes') },
  { columns: ['RiskEventTypes_V2'], graph: 'riskEventTypes_v2', get: path('riskEventTypes_v2') },
  { columns: ['NetworkLocationDetails'], graph: 'networkLocationDetails', get: path('networkLocationDetails') },
  { columns: ['MfaDetail'], graph: 'mfaDetail', get: path('mfaDetail') },
  { columns: ['AuthenticationDetails'], graph: 'authenticationDetails', get: path('authenticationDetails') },
  { columns: ['CorrelationId'], graph: 'correlationId', get: path('correlationId') },
  { columns: ['Id'], graph: 'id', get: path('id') },
  { columns: ['TimeGenerated', 'CreatedDateTime'], graph: 'createdDateTime', get: path('createdDateTime') },
];

const initiatorName = (r: Record<string, unknown>): unknown =>
  getPath(r, ['initiatedBy', 'user', 'userPrincipalName']) ?? getPath(r, ['initiatedBy', 'app', 'displayName']) ?? undefined;

/** The unquoted newValue(s) of the modified properties whose displayName is `name` (Graph quotes them: "\"False\""). */
function modifiedProperty(r: Record<string, unknown>, name: string): unknown {
  const props = getPath(r, ['targetResources', 'modifiedProperties']);
  const list = Array.isArray(props) ? props.flat() : [];
  const hits = list
    .filter((p): p is Record<string, unknown> => isObject(p) && String(p['displayName']).toLowerCase() === name.toLowerCase())
    .map((p) => {
      const v = p['newValue'];
      if (typeof v !== 'string') return v;
      const parsed = maybeJson(v.startsWith('"') ? `[${v}]` : v);
      return Array.isArray(parsed) && parsed.length === 1 ? parsed[0] : parsed;
    });
  return hits.length === 0 ? undefined : hits;
}

const AUDIT: FieldMapping[] = [
  {
    columns: ['OperationName', 'ActivityDisplayName', 'message', 'ActivityType'],
    graph: 'activityDisplayName',
    get: path('activityDisplayName'),
  },
  { columns: ['Category'], graph: 'category', get: path('category') },
  { columns: ['LoggedByService'], graph: 'loggedByService', get: path('loggedByService') },
  { columns: ['Result', 'Status'], graph: 'result', get: path('result') },
  { columns: ['ResultReason', 'ResultDescription', 'failure_status_reason'], graph: 'resultReason', get: path('resultReason') },
  { columns: ['OperationType', 'AADOperationType'], graph: 'operationType', get: path('operationType') },
  { columns: ['TargetResources'], graph: 'targetResources', get: path('targetResources') },
  {
    columns: ['InitiatedBy'],
    graph: "initiatedBy; bare, also the user's UPN and the app's display name",
    get: (r, rest) => {
      if (rest.length > 0) return getPath(r, ['initiatedBy', ...rest]);
      const by = keyCI(r, 'initiatedBy');
      if (by === undefined) return undefined;
      return nonNull(by, initiatorName(r));
    },
  },
  { columns: ['Identity'], graph: 'initiatedBy.user.userPrincipalName or initiatedBy.app.displayName', get: derived(initiatorName) },
  {
    columns: ['AdditionalDetails'],
    graph: 'additionalDetails; .key = the value of the entry with that key',
    get: (r, rest) => {
      const details = keyCI(r, 'additionalDetails');
      if (rest.length === 0) return details;
      if (!Array.isArray(details)) return undefined;
      const [key, ...deeper] = rest as [string, ...string[]];
      const values = details
        .filter((d): d is Record<string, unknown> => isObject(d) && String(d['key']).toLowerCase() === key.toLowerCase())
        .map((d) => getPath(d['value'], deeper))
        .filter((v) => v !== undefined);
      return values.length === 0 ? undefined : values;
    },
  },
  {
    columns: ['ConsentContext'],
    graph: 'targetResources[].modifiedProperties[displayName "ConsentContext.x"].newValue, unquoted',
    get: (r, rest) => (rest.length === 0 ? undefined : modifiedProperty(r, ['ConsentContext', ...rest].join('.'))),
  },
  { columns: ['CorrelationId'], graph: 'correlationId', get: path('correlationId') },
  { columns: ['Id'], graph: 'id', get: path('id') },
  { columns: ['TimeGenerated', 'ActivityDateTime'], graph: 'activityDateTime', get: path('activityDateTime') },
];

const RISK: FieldMapping[] = [
  { columns: ['RiskEventType'], graph: 'riskEventType', get: path('riskEventType') },
  { columns: ['RiskLevel'], graph: 'riskLevel', get: path('riskLevel') },
  { columns: ['RiskState'], graph: 'riskState', get: path('riskState') },
  { columns: ['RiskDetail'], graph: 'riskDetail', get: path('riskDetail') },
  { columns: ['Source'], graph: 'source', get: path('source') },
  { columns: ['DetectionTimingType'], graph: 'detectionTimingType', get: path('detectionTimingType') },
  { columns: ['Activity'], graph: 'activity', get: path('activity') },
  { columns: ['TokenIssuerType'], graph: 'tokenIssuerType', get: path('tokenIssuerType') },
  { columns: ['IPAddress', 'IpAddress'], graph: 'ipAddress', get: path('ipAddress') },
  { columns: ['Location'], graph: 'location.countryOrRegion', get: derived((r) => getPath(r, ['location', 'countryOrRegion'])) },
  { columns: ['LocationDetails'], graph: 'location', get: path('location') },
  { columns: ['UserPrincipalName'], graph: 'userPrincipalName', get: path('userPrincipalName') },
  { columns: ['UserDisplayName'], graph: 'userDisplayName', get: path('userDisplayName') },
  { columns: ['UserId'], graph: 'userId', get: path('userId') },
  { columns: ['AdditionalInfo'], graph: 'additionalInfo (JSON text)', get: path('additionalInfo') },
  { columns: ['CorrelationId'], graph: 'correlationId', get: path('correlationId') },
  { columns: ['RequestId'], graph: 'requestId', get: path('requestId') },
  { columns: ['Id'], graph: 'id', get: path('id') },
  { columns: ['TimeGenerated', 'DetectedDateTime'], graph: 'detectedDateTime', get: path('detectedDateTime') },
  { columns: ['ActivityDateTime'], graph: 'activityDateTime', get: path('activityDateTime') },
  { columns: ['LastUpdatedDateTime'], graph: 'lastUpdatedDateTime', get: path('lastUpdatedDateTime') },
];

export const FIELD_MAPPINGS: Readonly<Record<SigmaService, readonly FieldMapping[]>> = {
  signinlogs: SIGN_IN,
  auditlogs: AUDIT,
  riskdetection: RISK,
};

/**
 * Top-level Graph properties of each record type (v1.0 plus the beta ones the simulator and tenants send), read
 * directly when a rule uses a Graph name that is not an Azure Monitor column.
 */
const GRAPH_PROPERTIES: Readonly<Record<SigmaService, readonly string[]>> = {
  signinlogs: [
    'id', 'createdDateTime', 'userDisplayName', 'userPrincipalName', 'userId', 'appId', 'appDisplayName',
    'ipAddress', 'clientAppUsed', 'userAgent', 'correlationId', 'conditionalAccessStatus', 'isInteractive',
    'riskDetail', 'riskLevelAggregated', 'riskLevelDuringSignIn', 'riskState', 'riskEventTypes', 'riskEventTypes_v2',
    'resourceDisplayName', 'resourceId', 'resourceTenantId', 'homeTenantId', 'status', 'deviceDetail', 'location',
    'appliedConditionalAccessPolicies', 'authenticationRequirement', 'authenticationProtocol',
    'authenticationDetails', 'mfaDetail', 'networkLocationDetails', 'tokenIssuerType', 'userType',
    'crossTenantAccessType', 'incomingTokenType', 'signInEventTypes', 'autonomousSystemNumber',
  ],
  auditlogs: [
    'id', 'category', 'correlationId', 'result', 'resultReason', 'activityDisplayName', 'activityDateTime',
    'loggedByService', 'operationType', 'initiatedBy', 'targetResources', 'additionalDetails',
  ],
  riskdetection: [
    'id', 'requestId', 'correlationId', 'riskEventType', 'riskState', 'riskLevel', 'riskDetail', 'source',
    'detectionTimingType', 'activity', 'tokenIssuerType', 'ipAddress', 'location', 'activityDateTime',
    'detectedDateTime', 'lastUpdatedDateTime', 'userId', 'userDisplayName', 'userPrincipalName', 'additionalInfo',
  ],
};

/** The getter for a rule's field on a service, or null when the field has no mapping. */
export function resolveSigmaField(service: SigmaService, field: string): FieldGetter | null {
  let parts = field.split('.');
  if (parts.length > 1 && parts[0]!.toLowerCase() === 'properties') parts = parts.slice(1);
  if (parts.some((p) => p === '')) return null;
  // The longest column prefix wins, so a column with a dot in its name would still resolve (none today).
  for (let n = parts.length; n >= 1; n--) {
    const column = parts.slice(0, n).join('.').toLowerCase();
    const mapping = FIELD_MAPPINGS[service].find((m) => m.columns.some((c) => c.toLowerCase() === column));
    if (mapping) {
      const rest = parts.slice(n);
      return (record) => mapping.get(record, rest);
    }
  }
  const first = parts[0]!.toLowerCase();
  if (GRAPH_PROPERTIES[service].some((p) => p.toLowerCase() === first)) return (record) => getPath(record, parts);
  return null;
}
