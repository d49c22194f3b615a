// What Graph v1.0 accepts and requires at each of the eight endpoints the simulator serves: filterable properties
// and operators, $orderby and $skip support, page sizes, permissions, licences and throttling service. Values follow
// ../shared/docs/GRAPH-FACTS.md §1–§5; where Graph's behaviour is unconfirmed the stricter reading is used.
import type { CompareOp } from './odata/filter.ts';
import type { SimEndpoint, SimLicence } from './types.ts';

export type ThrottleService = 'reports' | 'identityProtection' | 'security' | 'directory';
type Op = CompareOp | 'startswith';

export interface GraphErrorSpec {
  status: number;
  code: string;
  message: string;
}

export interface SimEndpointSpec {
  endpoint: SimEndpoint;
  /** Path under /v1.0, as Graph spells it. */
  path: string;
  /** OData type named in "Could not find a property named ..." errors. */
  entityType: string;
  filters: Record<string, readonly Op[]>;
  /** Properties $orderby accepts; empty: $orderby is refused. */
  orderBy: readonly string[];
  skip: boolean;
  pageDefault: number;
  pageMax: number;
  /** $top is the number of results, not a page size: one page, no nextLink (secure scores: $top=n returns n days). */
  topIsTotal?: boolean;
  /** The order of results without $orderby: newest first for the logs, by id for riskyUsers (not by recency). */
  defaultOrder: { property: string; descending: boolean };
  /** Alternatives: any one inner list whose roles are all granted is enough. */
  permissions: ReadonlyArray<readonly string[]>;
  /** A permission Graph needs on top of `permissions`, and the error it answers without it (a Graph known issue). */
  quirkPermission?: { role: string; error: GraphErrorSpec };
  licence?: { anyOf: readonly SimLicence[]; error: GraphErrorSpec };
  service: ThrottleService;
  /** Enum properties whose members after unknownFutureValue are masked without Prefer: include-unknown-enum-members. */
  evolvableEnums?: Record<string, readonly string[]>;
}

const CMP: readonly Op[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
const EQ: readonly Op[] = ['eq'];
const EQ_START: readonly Op[] = ['eq', 'startswith'];
const SIGNIN_TIME: readonly Op[] = ['eq', 'ge', 'le'];

const NOT_PREMIUM: GraphErrorSpec = {
  status: 403,
  code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
  message: "Neither tenant is B2C or tenant doesn't have premium license",
};
const NOT_LICENSED: GraphErrorSpec = { status: 403, code: 'Forbidden', message: 'Your tenant is not licensed for this feature.' };
const NOT_PROVISIONED: GraphErrorSpec = {
  status: 403,
  code: 'Unauthorized',
  message: 'Unauthorized request - Account is not provisioned.',
};

const SECURITY_TRIAGE_FILTERS = {
  assignedTo: EQ,
  classification: ['eq', 'ne'],
  createdDateTime: CMP,
  determination: ['eq', 'ne'],
  lastUpdateDateTime: CMP,
  severity: ['eq', 'ne'],
  status: ['eq', 'ne'],
} as const satisfies Record<string, readonly Op[]>;

export const ENDPOINT_SPECS: Record<SimEndpoint, SimEndpointSpec> = {
  'security.incidents': {
    endpoint: 'security.incidents',
    path: '/security/incidents',
    entityType: 'microsoft.graph.security.incident',
    filters: SECURITY_TRIAGE_FILTERS,
    orderBy: ['lastUpdateDateTime', 'createdDateTime'],
    skip: true,
    pageDefault: 50,
    pageMax: 50,
    defaultOrder: { property: 'createdDateTime', descending: true },
    permissions: [['SecurityIncident.Read.All'], ['SecurityIncident.ReadWrite.All']],
    licence: { anyOf: ['defender_xdr'], error: NOT_PROVISIONED },
    service: 'security',
    evolvableEnums: { status: ['awaitingAction'] },
  },
  'security.alerts_v2': {
    endpoint: 'security.alerts_v2',
    path: '/security/alerts_v2',
    entityType: 'microsoft.graph.security.alert',
    filters: { ...SECURITY_TRIAGE_FILTERS, serviceSource: ['eq', 'ne'] },
    orderBy: ['lastUpdateDateTime', 'createdDateTime'],
    skip: true,
    pageDefault: 100,
    pageMax: 1000,
    defaultOrder: { property: 'createdDateTime', descending: true },
    permissions: [['SecurityAlert.Read.All'], ['SecurityAlert.ReadWrite.All']],
    licence: { anyOf: ['defender_xdr'], error: NOT_PROVISIONED },
    service: 'security',
    evolvableEnums: {
      serviceSource: ['microsoftDefenderForCloud', 'microsoftSentinel', 'microsoftInsiderRiskManagement', 'microsoftThreatIntelligence', 'microsoftSecurityForAI'],
      detectionSource: ['microsoftDefenderForCloud', 'microsoftDefenderForIoT', 'microsoftDefenderForServers', 'microsoftSentinel', 'builtInMl', 'securityCopilot'],
    },
  },
  'auditLogs.signIns': {
    endpoint: 'auditLogs.signIns',
    path: '/auditLogs/signIns',
    entityType: 'microsoft.graph.signIn',
    filters: {
      createdDateTime: SIGNIN_TIME,
      appDisplayName: EQ_START,
      userDisplayName: EQ_START,
      userPrincipalName: EQ_START,
      ipAddress: EQ_START,
      'location/city': EQ_START,
      'location/state': EQ_START,
      'location/countryOrRegion': EQ_START,
      'deviceDetail/browser': EQ_START,
      'deviceDetail/operatingSystem': EQ_START,
      appId: EQ,
      clientAppUsed: EQ,
      conditionalAccessStatus: EQ,
      correlationId: EQ,
      id: EQ,
      resourceDisplayName: EQ,
      resourceId: EQ,
      riskDetail: EQ,
      riskLevelAggregated: EQ,
      riskLevelDuringSignIn: EQ,
      riskState: EQ,
      'status/errorCode': EQ,
      userId: EQ,
    },
    orderBy: ['createdDateTime'],
    skip: false,
    pageDefault: 1000,
    pageMax: 1000,
    defaultOrder: { property: 'createdDateTime', descending: true },
    permissions: [['AuditLog.Read.All']],
    quirkPermission: { role: 'Directory.Read.All', error: NOT_PREMIUM },
    licence: { anyOf: ['entra_p1', 'entra_p2'], error: NOT_PREMIUM },
    service: 'reports',
  },
  'auditLogs.directoryAudits': {
    endpoint: 'auditLogs.directoryAudits',
    path: '/auditLogs/directoryAudits',
    entityType: 'microsoft.graph.directoryAudit',
    filters: {
      activityDateTime: SIGNIN_TIME,
      activityDisplayName: EQ_START,
      category: EQ,
      correlationId: EQ,
      id: EQ,
      loggedByService: EQ,
      result: EQ,
      'initiatedBy/user/id': EQ,
      'initiatedBy/user/displayName': EQ,
      'initiatedBy/user/userPrincipalName': EQ_START,
      'initiatedBy/app/appId': EQ,
      'initiatedBy/app/displayName': EQ,
    },
    orderBy: ['activityDateTime'],
    skip: false,
    pageDefault: 1000,
    pageMax: 1000,
    defaultOrder: { property: 'activityDateTime', descending: true },
    permissions: [['AuditLog.Read.All']],
    quirkPermission: { role: 'Directory.Read.All', error: NOT_PREMIUM },
    service: 'reports',
  },
  'identityProtection.riskDetections': {
    endpoint: 'identityProtection.riskDetections',
    path: '/identityProtection/riskDetections',
    entityType: 'microsoft.graph.riskDetection',
    filters: {
      lastUpdatedDateTime: CMP,
      detectedDateTime: CMP,
      activityDateTime: CMP,
      id: EQ,
      riskEventType: EQ,
      riskLevel: EQ,
      riskState: EQ,
      userId: EQ,
      userPrincipalName: EQ,
      ipAddress: EQ,
    },
    orderBy: ['detectedDateTime', 'lastUpdatedDateTime'],
    skip: false,
    pageDefault: 20,
    pageMax: 500,
    defaultOrder: { property: 'lastUpdatedDateTime', descending: true },
    permissions: [['IdentityRiskEvent.Read.All'], ['IdentityRiskEvent.ReadWrite.All']],
    licence: { anyOf: ['entra_p1', 'entra_p2'], error: NOT_LICENSED },
    service: 'identityProtection',
  },
  'identityProtection.riskyUsers': {
    endpoint: 'identityProtection.riskyUsers',
    path: '/identityProtection/riskyUsers',
    entityType: 'microsoft.graph.riskyUser',
    filters: {
      riskLastUpdatedDateTime: CMP,
      id: EQ,
      riskLevel: EQ,
      riskState: EQ,
      userPrincipalName: EQ_START,
      userDisplayName: EQ_START,
    },
    orderBy: [],
    skip: false,
    pageDefault: 20,
    pageMax: 500,
    defaultOrder: { property: 'id', descending: false },
    permissions: [['IdentityRiskyUser.Read.All'], ['IdentityRiskyUser.ReadWrite.All']],
    licence: { anyOf: ['entra_p2'], error: NOT_LICENSED },
    service: 'identityProtection',
  },
  'security.secureScores': {
    endpoint: 'security.secureScores',
    path: '/security/secureScores',
    entityType: 'microsoft.graph.secureScore',
    topIsTotal: true,
    filters: { azureTenantId: EQ },
    orderBy: [],
    skip: true,
    pageDefault: 90,
    pageMax: 90,
    defaultOrder: { property: 'createdDateTime', descending: true },
    permissions: [['SecurityEvents.Read.All'], ['SecurityEvents.ReadWrite.All']],
    service: 'security',
  },
  users: {
    endpoint: 'users',
    path: '/users',
    entityType: 'microsoft.graph.user',
    filters: {
      createdDateTime: ['eq', 'ne', 'ge', 'le'],
      id: EQ,
      userPrincipalName: EQ_START,
      displayName: EQ_START,
      mail: EQ_START,
      accountEnabled: EQ,
      jobTitle: EQ_START,
    },
    orderBy: ['displayName', 'userPrincipalName'],
    skip: false,
    pageDefault: 100,
    pageMax: 999,
    defaultOrder: { property: 'id', descending: false },
    permissions: [['User.Read.All'], ['User.ReadWrite.All'], ['Directory.Read.All'], ['Directory.ReadWrite.All']],
    service: 'directory',
  },
};

const BY_PATH = new Map(Object.values(ENDPOINT_SPECS).map((s) => [s.path.toLowerCase(), s]));

/** The endpoint a /v1.0 path names (Graph paths are case-insensitive), if any. */
export function endpointForPath(path: string): SimEndpointSpec | undefined {
  return BY_PATH.get(path.toLowerCase().replace(/\/+$/, ''));
}

/** The permission alternatives the token lacks, or undefined when one alternative is fully granted. */
export function missingPermission(spec: SimEndpointSpec, roles: readonly string[]): string | undefined {
  const granted = new Set(roles);
  if (spec.permissions.some((set) => set.every((r) => granted.has(r)))) return undefined;
  return spec.permissions[0]?.join(', ');
}
