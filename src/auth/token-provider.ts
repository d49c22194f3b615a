// Access tokens for one integration through @azure/msal-node: one confidential client (and its token cache) per
// integration, renewal before expiry (msal refreshes tokens close to expiry itself), concurrent requests coalesced,
// and Entra's AADSTS errors turned into coded errors an operator can act on (GRAPH-FACTS §3.3).
import { X509Certificate } from 'node:crypto';
import { ConfidentialClientApplication } from '@azure/msal-node';
import type { Configuration } from '@azure/msal-node';
import { AzsecError } from '../core/errors.ts';
import type { ErrorCode } from '../core/errors.ts';

export interface AccessToken {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
  /** Application permissions the token carries (its `roles` claim). */
  roles: string[];
}

export interface TokenProvider {
  getToken(opts?: { forceRefresh?: boolean }): Promise<AccessToken>;
}

export type Credential = { kind: 'secret'; secret: string } | { kind: 'certificate'; privateKeyPem: string; certificatePem: string };

export interface MsalTokenProviderOptions {
  loginUrl: string;
  /** Tenant id or domain. */
  tenantId: string;
  clientId: string;
  scope: string;
  credential: Credential;
}

/** Decodes the payload of a JWT access token (no verification: Graph verifies; we read roles and expiry). */
export function tokenClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (payload === undefined) return {};
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return claims !== null && typeof claims === 'object' ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function rolesOf(token: string): string[] {
  const roles = tokenClaims(token).roles;
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
}

const AADSTS_CODES: Array<[RegExp, ErrorCode, string]> = [
  [/AADSTS7000215\b/, 'ERR_AUTH_INVALID_SECRET', 'the client secret is wrong (AADSTS7000215): paste the secret VALUE, not its ID'],
  [/AADSTS7000222\b/, 'ERR_AUTH_EXPIRED_SECRET', 'the client secret has expired (AADSTS7000222): create a new secret and update the integration'],
  [/AADSTS700016\b/, 'ERR_AUTH_UNKNOWN_APP', 'the application was not found in the tenant (AADSTS700016): check the client id, the tenant, the cloud, and that an administrator consented'],
  [/AADSTS90002\b/, 'ERR_AUTH_UNKNOWN_TENANT', 'the tenant was not found (AADSTS90002): check the tenant id and the cloud'],
  [/AADSTS90038\b/, 'ERR_AUTH_UNKNOWN_TENANT', 'the tenant lives in another national cloud (AADSTS90038): change the cloud setting'],
  [/AADSTS(70011|700022|500011)\b/, 'ERR_AUTH_INVALID_SCOPE', 'the scope was refused (AADSTS70011/700022/500011): the Graph URL does not belong to this cloud'],
  [/AADSTS(700027|700023|700024|50027)\b/, 'ERR_AUTH_BAD_CERTIFICATE', 'the certificate assertion was refused: upload this certificate to the app registration'],
  [/AADSTS7000218\b/, 'ERR_AUTH_FAILED', 'no client secret or assertion was sent (AADSTS7000218)'],
];

/** Turns an msal-node error into a coded error with the AADSTS code explained. */
export function authError(error: unknown): AzsecError {
  const e = error as { errorCode?: string; errorMessage?: string; message?: string };
  const text = `${e.errorMessage ?? ''} ${e.message ?? ''}`;
  const aadsts = /AADSTS\d+/.exec(text)?.[0];
  for (const [pattern, code, words] of AADSTS_CODES) {
    if (pattern.test(text)) return new AzsecError(code, `Entra ID refused the token request: ${words}`, { aadsts });
  }
  const firstLine = (e.errorMessage ?? e.message ?? String(error)).split(/\r?\n|Trace ID:/)[0]?.trim() ?? '';
  return new AzsecError('ERR_AUTH_FAILED', `Entra ID refused the token request: ${e.errorCode ?? 'error'}: ${firstLine}`, { aadsts });
}

function certificateThumbprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
}

export class MsalTokenProvider implements TokenProvider {
  private readonly client: ConfidentialClientApplication;
  private readonly scope: string;
  private pending: Promise<AccessToken> | undefined;

  constructor(opts: MsalTokenProviderOptions) {
    const loginUrl = opts.loginUrl.replace(/\/+$/, '');
    const authority = `${loginUrl}/${opts.tenantId}`;
    const host = new URL(loginUrl).host;
    // Metadata given up front: msal makes no discovery round trips, works for any cloud (including custom hosts that
    // Microsoft's instance discovery does not know), and the token endpoint answers with its own AADSTS errors.
    const authorityMetadata = JSON.stringify({
      token_endpoint: `${authority}/oauth2/v2.0/token`,
      authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
      issuer: `${authority}/v2.0`,
      jwks_uri: `${authority}/discovery/v2.0/keys`,
    });
    const cloudDiscoveryMetadata = JSON.stringify({
      tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
    const auth: Configuration['auth'] = {
      clientId: opts.clientId,
      authority,
      knownAuthorities: [host],
      authorityMetadata,
      cloudDiscoveryMetadata,
    };
    if (opts.credential.kind === 'secret') {
      auth.clientSecret = opts.credential.secret;
    } else {
      auth.clientCertificate = {
        thumbprintSha256: certificateThumbprint(opts.credential.certificatePem),
        privateKey: opts.credential.privateKeyPem,
      };
    }
    this.client = new ConfidentialClientApplication({ auth, system: { loggerOptions: { piiLoggingEnabled: false, logLevel: 0 } } });
    this.scope = opts.scope;
  }

  getToken(opts: { forceRefresh?: boolean } = {}): Promise<AccessToken> {
    // Concurrent callers share one request (checks of one tenant run in parallel).
    if (this.pending !== undefined && opts.forceRefresh !== true) return this.pending;
    const request = this.acquire(opts.forceRefresh === true).finally(() => {
      if (this.pending === request) this.pending = undefined;
    });
    this.pending = request;
    return request;
  }

  private async acquire(forceRefresh: boolean): Promise<AccessToken> {
    let result;
    try {
      result = await this.client.acquireTokenByClientCredential({ scopes: [this.scope], skipCache: forceRefresh });
    } catch (error) {
      throw authError(error);
    }
    if (result === null || result.accessToken === '') throw new AzsecError('ERR_AUTH_FAILED', 'Entra ID returned no access token');
    return {
      token: result.accessToken,
      expiresAt: result.expiresOn?.getTime() ?? Date.now() + 3_000_000,
      roles: rolesOf(result.accessToken),
    };
  }
}
