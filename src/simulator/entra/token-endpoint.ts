// Entra ID's v2.0 token endpoint for the client-credentials grant (secret or signed client assertion), with the
// AADSTS errors a collector must tell apart (GRAPH-FACTS §3), and the metadata documents msal-node may request.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { SimTenant } from '../sim-tenant.ts';
import { decodeJwt, verifyJwt } from './jwt.ts';
import type { JwtSigner } from './jwt.ts';

export interface TokenContext {
  baseUrl: string;
  /** Resources (scope prefixes) this simulator issues tokens for: its own URL and graph.microsoft.com. */
  resources: string[];
  signer: JwtSigner;
  simNow: number;
  tokenLifetimeSeconds: number;
  nextTokenSeq: () => number;
  findTenant: (idOrDomain: string) => SimTenant | undefined;
}

export interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access']);

function aadError(status: number, error: string, code: number, description: string, simNow: number): TokenResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date(simNow).toISOString().replace('T', ' ').slice(0, 19) + 'Z';
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function basicCredentials(authorization: string | undefined): { id: string; secret: string } | undefined {
  if (authorization === undefined || !/^basic /i.test(authorization)) return undefined;
  const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}

export function tokenRequest(
  tenantSegment: string,
  form: URLSearchParams,
  authorization: string | undefined,
  ctx: TokenContext,
): TokenResponse {
  const now = ctx.simNow;
  const tenant = ctx.findTenant(tenantSegment);
  if (tenant === undefined) {
    return aadError(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenantSegment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      now,
    );
  }
  const grantType = form.get('grant_type');
  if (grantType !== 'client_credentials') {
    return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType ?? ''}'.`, now);
  }
  const basic = basicCredentials(authorization);
  const clientId = form.get('client_id') ?? basic?.id ?? '';
  if (clientId.toLowerCase() !== tenant.info.clientId.toLowerCase()) {
    return aadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantSegment}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      now,
    );
  }

  const secret = form.get('client_secret') ?? basic?.secret;
  const assertion = form.get('client_assertion');
  let viaCertificate = false;
  if (assertion !== null) {
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      return aadError(400, 'invalid_request', 50027, "Invalid client_assertion_type: expected 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.", now);
    }
    const claims = tenant.certificatePem === undefined ? undefined : verifyJwt(assertion, tenant.certificatePem);
    const decoded = decodeJwt(assertion);
    if (claims === undefined) {
      return aadError(
        401,
        'invalid_client',
        decoded === undefined ? 50027 : 700027,
        decoded === undefined
          ? 'JWT token is invalid or malformed.'
          : `Client assertion failed signature validation. (Reason - The key was not found.) Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.`,
        now,
      );
    }
    if (claims.sub !== clientId || claims.iss !== clientId) {
      return aadError(401, 'invalid_client', 700023, 'Client assertion audience or subject claim does not match the client id.', now);
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) {
      return aadError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.', now);
    }
    viaCertificate = true;
  } else if (secret === null || secret === undefined || secret === '') {
    return aadError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      now,
    );
  } else if (!sameSecret(secret, tenant.info.clientSecret)) {
    return aadError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      now,
    );
  } else if (tenant.secretExpired) {
    return aadError(
      401,
      'invalid_client',
      7000222,
      `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
      now,
    );
  }

  const scopes = (form.get('scope') ?? '').split(/\s+/).filter((s) => s !== '' && !OIDC_SCOPES.has(s));
  const scope = scopes[0] ?? '';
  if (scopes.length !== 1 || !scope.endsWith('/.default')) {
    const code = scopes.length > 1 ? 700022 : 70011;
    return aadError(400, 'invalid_scope', code, `The provided value for the input parameter 'scope' is not valid. The scope ${scopes.join(' ')} is not valid.`, now);
  }
  const resource = scope.slice(0, -'/.default'.length).replace(/\/$/, '');
  if (!ctx.resources.includes(resource)) {
    return aadError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant.info.name}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
      now,
    );
  }

  const iat = Math.floor(now / 1000);
  const roles = [...tenant.permissions].sort();
  const claims: Record<string, unknown> = {
    aud: resource,
    iss: `https://sts.windows.net/${tenant.info.tenantId}/`,
    iat,
    nbf: iat,
    exp: iat + ctx.tokenLifetimeSeconds,
    aio: randomUUID(),
    app_displayname: `azsec (${tenant.info.name})`,
    appid: tenant.info.clientId,
    appidacr: viaCertificate ? '2' : '1',
    idp: `https://sts.windows.net/${tenant.info.tenantId}/`,
    idtyp: 'app',
    oid: tenant.info.clientId,
    sub: tenant.info.clientId,
    tid: tenant.info.tenantId,
    uti: randomUUID().replace(/-/g, '').slice(0, 22),
    ver: '1.0',
    xms_sim_seq: ctx.nextTokenSeq(),
  };
  // Entra omits the roles claim entirely when nothing is granted (GRAPH-FACTS §3.1).
  if (roles.length > 0) claims.roles = roles;
  return {
    status: 200,
    body: {
      token_type: 'Bearer',
      expires_in: ctx.tokenLifetimeSeconds,
      ext_expires_in: ctx.tokenLifetimeSeconds,
      access_token: ctx.signer.sign(claims),
    },
  };
}

/** The OpenID configuration document msal-node reads for an authority. */
export function openIdConfiguration(baseUrl: string, tenantSegment: string, tenant: SimTenant | undefined): Record<string, unknown> {
  const tid = tenant?.info.tenantId ?? tenantSegment;
  return {
    token_endpoint: `${baseUrl}/${tenantSegment}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${baseUrl}/${tenantSegment}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${baseUrl}/${tid}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${baseUrl}/oidc/userinfo`,
    authorization_endpoint: `${baseUrl}/${tenantSegment}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${baseUrl}/${tenantSegment}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${baseUrl}/${tenantSegment}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'tid', 'roles'],
    kerberos_endpoint: `${baseUrl}/${tenantSegment}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: new URL(baseUrl).host,
    cloud_graph_host_name: new URL(baseUrl).host,
    msgraph_host: new URL(baseUrl).host,
    rbac_url: baseUrl,
  };
}

/** Instance discovery: the simulator is its own single-alias cloud. */
export function instanceDiscovery(baseUrl: string, authorizationEndpoint: string | null): Record<string, unknown> {
  const host = new URL(baseUrl).host;
  const tenantSegment = authorizationEndpoint === null ? 'common' : (new URL(authorizationEndpoint).pathname.split('/')[1] ?? 'common');
  return {
    tenant_discovery_endpoint: `${baseUrl}/${tenantSegment}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}
