// The simulator's programmatic API: what tests, the demo and the benchmarks rely on.
// `azsec simulate` is a thin CLI over startSimulator().

/** Entra ID / Defender licences a simulated tenant can hold. */
export type SimLicence = 'entra_free' | 'entra_p1' | 'entra_p2' | 'defender_xdr';

/** The endpoints the simulator serves, named like the collector's check ids. */
export type SimEndpoint =
  | 'security.incidents'
  | 'security.alerts_v2'
  | 'auditLogs.signIns'
  | 'auditLogs.directoryAudits'
  | 'identityProtection.riskDetections'
  | 'identityProtection.riskyUsers'
  | 'security.secureScores'
  | 'users';

export interface SimTenantSpec {
  name: string;
  /** A named preset: 'full' (P2 + Defender XDR, every permission), 'p1', 'free', 'no-defender', 'minimal-permissions'. */
  profile?: string;
  /** Overrides of the profile. */
  licences?: SimLicence[];
  /** Application permissions (app roles) consented for the app, e.g. 'AuditLog.Read.All'. */
  permissions?: string[];
  /** Fixed ids/secret; generated deterministically from the seed and name when absent. */
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /** PEM certificate (public part) accepted for client assertions, in addition to the secret. */
  certificatePem?: string;
  /** The secret has expired: token requests with it get AADSTS7000222. */
  secretExpired?: boolean;
  /** Every record's display fields (titles, names, user agents, file names) carry HTML/script/SQL payloads. */
  hostileStrings?: boolean;
  /** How many records of each kind exist at start (backfill volume). Defaults are small and realistic. */
  volume?: Partial<Record<SimEndpoint, number>>;
  /** How far back the initial records reach, in ms (default 7 days). */
  historyMs?: number;
}

export interface SimTenantInfo {
  name: string;
  profile: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export interface SimulatorOptions {
  /** 0 (default in the API) picks a free port. */
  port?: number;
  host?: string;
  seed?: string | number;
  tenants?: SimTenantSpec[];
  /** Where the CA and server certificate are written (and reused on the next start). */
  stateDir?: string;
  /** Graph's throttling limits; on by default. */
  throttling?: boolean;
  /** New records per minute per tenant across the live endpoints; 0 freezes the tenant (tests). Default 20. */
  liveRatePerMinute?: number;
  /** Start time of the simulated clock (ms since epoch); default Date.now(). */
  startTime?: number;
  /** Access token lifetime in seconds (default 3599). */
  tokenLifetimeSeconds?: number;
}

export type SimFault =
  /** The next `count` matching requests answer `status` (default 503) with an optional Retry-After (seconds, may be fractional). */
  | { kind: 'status'; status: number; count?: number; retryAfter?: number; match?: SimFaultMatch; body?: unknown }
  /** The next `count` matching requests answer 429; retryAfter omitted = no Retry-After header. */
  | { kind: 'throttle'; count?: number; retryAfter?: number; match?: SimFaultMatch }
  /** The next `count` matching responses are cut in the middle of the JSON body. */
  | { kind: 'truncate'; count?: number; match?: SimFaultMatch }
  /** The next `count` matching responses are delayed by `delayMs` of real time. */
  | { kind: 'slow'; delayMs: number; count?: number; match?: SimFaultMatch }
  /** The connection is destroyed without a response. */
  | { kind: 'reset'; count?: number; match?: SimFaultMatch }
  /** Every access token issued so far for the tenant is revoked: Graph answers 401 InvalidAuthenticationToken. */
  | { kind: 'revokeTokens'; tenant: string };

export interface SimFaultMatch {
  /** Tenant name or id. */
  tenant?: string;
  endpoint?: SimEndpoint | 'token';
  /** Only requests that carry a $skiptoken / are not the first page. */
  pageAfterFirst?: boolean;
}

export interface SimRequestLogEntry {
  /** Real wall-clock ms when the request arrived, and when it finished. */
  startedAt: number;
  endedAt: number;
  /** Simulated time when the request arrived. */
  simTime: number;
  tenantId: string | undefined;
  clientId: string | undefined;
  method: string;
  /** Path + query as received. */
  url: string;
  endpoint: SimEndpoint | 'token' | 'metadata' | 'other';
  status: number;
  /** Records in the page served, for Graph list responses. */
  records: number;
  clientRequestId: string | undefined;
  userAgent: string | undefined;
}

export interface SimTenantControl {
  info: SimTenantInfo;
  /** Adds `count` new records of an endpoint; `lateByMs` back-dates their own timestamp (Entra ingestion delay). */
  add(endpoint: SimEndpoint, count: number, opts?: { lateByMs?: number; at?: number }): Array<Record<string, unknown>>;
  /** Adds `count` records all sharing one timestamp (page-boundary tests). */
  addAtSameTime(endpoint: SimEndpoint, count: number, at: number): Array<Record<string, unknown>>;
  /** Changes mutable entities (incidents, alerts, risk detections, risky users, users): returns the new versions. */
  update(endpoint: SimEndpoint, count: number): Array<Record<string, unknown>>;
  /** Deletes `count` users (they appear in delta as @removed). */
  deleteUsers(count: number): string[];
  /** Every record currently visible at an endpoint (latest version of each), for assertions. */
  records(endpoint: SimEndpoint): Array<Record<string, unknown>>;
  /** Grant or revoke licences and permissions at run time. */
  setLicences(licences: SimLicence[]): void;
  setPermissions(permissions: string[]): void;
  /** Expires every delta token issued so far (next use answers 410). */
  expireDeltaTokens(): void;
}

export interface Simulator {
  /** https://host:port — the token endpoint and Graph share it: {url}/{tenant}/oauth2/v2.0/token and {url}/v1.0/... */
  url: string;
  caFile: string;
  caPem: string;
  tenants: SimTenantInfo[];
  tenant(nameOrId: string): SimTenantControl;
  /** Simulated time. */
  now(): number;
  advance(ms: number): void;
  setThrottling(on: boolean): void;
  setLiveRate(perMinute: number): void;
  injectFault(fault: SimFault): void;
  clearFaults(): void;
  requestLog(): SimRequestLogEntry[];
  requestCount(filter?: { tenant?: string; endpoint?: SimRequestLogEntry['endpoint']; status?: number }): number;
  clearRequestLog(): void;
  close(): Promise<void>;
}
