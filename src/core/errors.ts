// One catalogue of coded errors. Every code is explained to operators in docs/errors.md;
// add a code there whenever you add one here.
export const ERROR_CODES = {
  ERR_CONFIG_INVALID: 'A configuration value or command-line option is invalid.',
  ERR_INTEGRATION_EXISTS: 'An integration with that name already exists.',
  ERR_INTEGRATION_NOT_FOUND: 'No integration has that name.',
  ERR_SECRET_KEY: 'The secret-encryption key is missing, malformed or does not decrypt the stored secrets.',
  ERR_SECRET_SOURCE: 'The client secret or certificate could not be read from the given environment variable or file.',
  ERR_AUTH_INVALID_SECRET: 'Entra ID rejected the client secret (AADSTS7000215).',
  ERR_AUTH_EXPIRED_SECRET: 'The client secret has expired (AADSTS7000222).',
  ERR_AUTH_UNKNOWN_APP: 'The application was not found in the tenant (AADSTS700016).',
  ERR_AUTH_UNKNOWN_TENANT: 'The tenant was not found (AADSTS90002).',
  ERR_AUTH_INVALID_SCOPE: 'The requested scope is invalid for this cloud (AADSTS70011 / AADSTS500011).',
  ERR_AUTH_BAD_CERTIFICATE: 'The client assertion signed with the certificate was refused (AADSTS700027).',
  ERR_AUTH_FAILED: 'Entra ID refused to issue a token for another reason.',
  ERR_GRAPH_THROTTLED: 'Graph answered 429 Too Many Requests and kept doing so after the allowed retries.',
  ERR_GRAPH_FORBIDDEN_PERMISSION: 'The application lacks the Graph application permission this check needs.',
  ERR_GRAPH_FORBIDDEN_LICENSE: 'The tenant lacks the licence (or Defender XDR onboarding) this check needs.',
  ERR_GRAPH_UNAUTHORIZED: 'Graph refused the access token twice in a row.',
  ERR_GRAPH_BAD_REQUEST: 'Graph rejected the query (400): a query-shape problem, not retried.',
  ERR_GRAPH_NOT_FOUND: 'Graph answered 404: wrong host, version, or an endpoint absent in this cloud.',
  ERR_GRAPH_SERVER: 'Graph kept answering 5xx after the allowed retries.',
  ERR_GRAPH_TRANSPORT: 'The connection failed, timed out, or returned a truncated or non-JSON body after the allowed retries.',
  ERR_GRAPH_DELTA_EXPIRED: 'The users delta link expired (410 Gone); a full resync follows.',
  ERR_GRAPH_PAGING_LOOP: 'Graph returned the same @odata.nextLink twice; paging stopped to avoid a loop.',
  ERR_STORE: 'The store could not be read or written.',
  ERR_LEASE_LOST: 'This worker no longer holds the lease (an integration\'s, or the signal stage\'s: expired or taken over); its commit was refused and nothing was written.',
  ERR_SEARCH_TIMEOUT: 'A signal search ran past its time limit on PostgreSQL and was stopped.',
  ERR_SQL: 'The analyst SQL query was refused (a write, several statements, bad SQL) or exceeded its time limit.',
  ERR_SIMULATOR: 'The Graph simulator could not start or was given invalid options.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AzsecError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AzsecError';
    this.code = code;
    this.details = details;
  }
}

export function isAzsecError(value: unknown, code?: ErrorCode): value is AzsecError {
  return value instanceof AzsecError && (code === undefined || value.code === code);
}
