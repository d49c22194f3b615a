// Entra ID's token endpoint as the simulator plays it, over real HTTPS: client-secret and certificate (client
// assertion through @azure/msal-node) tokens with the claims Graph callers read, the AADSTS errors a collector must
// tell apart, and the metadata documents msal-node reads.
import { ConfidentialClientApplication } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS } from '../../src/simulator/profiles.ts';
import type { Simulator } from '../../src/simulator/types.ts';
import { makeCertificate } from '../helpers/test-certificate.ts';
import type { TestCertificate } from '../helpers/test-certificate.ts';
import { graphGet, jwtClaims, postToken, secretForm, startTestSimulator } from './sim-fixture.ts';

const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

function msalApp(sim: Simulator, tenant: string, credential: { clientSecret: string } | { clientCertificate: { thumbprintSha256: string; privateKey: string } }) {
  const info = sim.tenant(tenant).info;
  return new ConfidentialClientApplication({
    auth: { clientId: info.clientId, authority: `${sim.url}/${info.tenantId}`, knownAuthorities: [new URL(sim.url).host], ...credential },
  });
}

function aadCode(body: Record<string, unknown>): number | undefined {
  return (body.error_codes as number[] | undefined)?.[0];
}

let sim: Simulator;
let cert: TestCertificate;
let otherCert: TestCertificate;

beforeAll(async () => {
  cert = await makeCertificate('azsec-test-app');
  otherCert = await makeCertificate('someone-else');
  sim = await startTestSimulator({
    tenants: [
      { name: 'contoso', profile: 'full' },
      { name: 'stale', profile: 'full', secretExpired: true },
      { name: 'certco', profile: 'minimal-permissions', certificatePem: cert.certificatePem },
    ],
  });
});

afterAll(async () => {
  await sim?.close();
});

describe('token endpoint: successful client credentials', () => {
  it('issues a bearer JWT with tid, appid, roles and iat/nbf/exp for a client secret', async () => {
    const info = sim.tenant('contoso').info;
    const res = await postToken(sim, info.tenantId, secretForm(sim, 'contoso'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 });
    expect(res.body).not.toHaveProperty('refresh_token');
    const claims = jwtClaims(res.body.access_token as string);
    expect(claims.tid).toBe(info.tenantId);
    expect(claims.appid).toBe(info.clientId);
    expect(claims.aud).toBe('https://graph.microsoft.com');
    expect(claims.appidacr).toBe('1');
    expect(claims.roles).toEqual([...ALL_PERMISSIONS].sort());
    const iat = claims.iat as number;
    expect(claims.nbf).toBe(iat);
    expect(claims.exp).toBe(iat + 3599);
    // Stamped with the simulated clock, not the wall clock.
    expect(Math.abs(iat * 1000 - sim.now())).toBeLessThan(60_000);
  });

  it('accepts the tenant by its primary domain and the secret by HTTP Basic authentication', async () => {
    const info = sim.tenant('contoso').info;
    const res = await fetch(`${sim.url}/contoso.onmicrosoft.com/oauth2/v2.0/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${info.clientId}:${encodeURIComponent(info.clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: GRAPH_SCOPE }).toString(),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string };
    expect(jwtClaims(body.access_token).tid).toBe(info.tenantId);
  });

  it('accepts the simulator\'s own URL as the resource of the scope', async () => {
    const res = await postToken(sim, sim.tenant('contoso').info.tenantId, secretForm(sim, 'contoso', { scope: `${sim.url}/.default` }));
    expect(res.status).toBe(200);
    expect(jwtClaims(res.body.access_token as string).aud).toBe(sim.url);
  });

  it('gives msal-node a token for a certificate credential, reading the OpenID configuration from the simulator', async () => {
    sim.clearRequestLog();
    const info = sim.tenant('certco').info;
    const app = msalApp(sim, 'certco', { clientCertificate: { thumbprintSha256: cert.thumbprintSha256, privateKey: cert.privateKeyPem } });
    const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    expect(result?.accessToken).toBeTruthy();
    const claims = jwtClaims(result?.accessToken ?? '');
    expect(claims.tid).toBe(info.tenantId);
    expect(claims.appid).toBe(info.clientId);
    // appidacr 2: the client authenticated with a certificate.
    expect(claims.appidacr).toBe('2');
    expect(claims.roles).toEqual(['AuditLog.Read.All', 'Directory.Read.All', 'User.Read.All']);
    const metadata = sim.requestLog().filter((e) => e.endpoint === 'metadata');
    expect(metadata.some((e) => e.url.includes('/.well-known/openid-configuration') && e.status === 200)).toBe(true);
    expect(sim.requestCount({ tenant: 'certco', endpoint: 'token', status: 200 })).toBe(1);

    // The token works at Graph for what the app was granted.
    const users = await graphGet(sim, result?.accessToken, '/v1.0/users?$top=5');
    expect(users.status).toBe(200);
    expect((users.body.value as unknown[]).length).toBe(5);
  });

  it('gives msal-node a token for a client secret', async () => {
    const app = msalApp(sim, 'contoso', { clientSecret: sim.tenant('contoso').info.clientSecret });
    const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    expect(jwtClaims(result?.accessToken ?? '').tid).toBe(sim.tenant('contoso').info.tenantId);
  });
});

describe('token endpoint: AADSTS errors', () => {
  it('answers a wrong secret with 401 invalid_client AADSTS7000215 and trace and correlation ids', async () => {
    const info = sim.tenant('contoso').info;
    const res = await postToken(sim, info.tenantId, secretForm(sim, 'contoso', { client_secret: 'not-the-secret' }));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(aadCode(res.body)).toBe(7000215);
    expect(res.body.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided\./);
    expect(res.body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof res.body.timestamp).toBe('string');
    // The rejected secret is never echoed back.
    expect(res.text).not.toContain('not-the-secret');
  });

  it('answers an expired secret with AADSTS7000222', async () => {
    const res = await postToken(sim, sim.tenant('stale').info.tenantId, secretForm(sim, 'stale'));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(aadCode(res.body)).toBe(7000222);
  });

  it('answers an application unknown in the tenant with 400 unauthorized_client AADSTS700016', async () => {
    const res = await postToken(sim, sim.tenant('contoso').info.tenantId, secretForm(sim, 'contoso', { client_id: '11111111-2222-4333-8444-555555555555' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
    expect(aadCode(res.body)).toBe(700016);
    expect(res.body.error_description).toContain("Application with identifier '11111111-2222-4333-8444-555555555555' was not found");
  });

  it('answers the app of another tenant with AADSTS700016 (credentials do not cross tenants)', async () => {
    const res = await postToken(sim, sim.tenant('contoso').info.tenantId, secretForm(sim, 'stale'));
    expect(aadCode(res.body)).toBe(700016);
  });

  it('answers an unknown tenant with 400 invalid_request AADSTS90002', async () => {
    const res = await postToken(sim, '99999999-8888-4777-8666-555555555555', secretForm(sim, 'contoso'));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(aadCode(res.body)).toBe(90002);
    expect(res.body.error_description).toContain("Tenant '99999999-8888-4777-8666-555555555555' not found");
  });

  it('answers a scope that is not {resource}/.default with invalid_scope AADSTS70011', async () => {
    const res = await postToken(sim, sim.tenant('contoso').info.tenantId, secretForm(sim, 'contoso', { scope: 'https://graph.microsoft.com/User.Read.All' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
    expect(aadCode(res.body)).toBe(70011);
  });

  it('answers scopes of two resources with AADSTS700022', async () => {
    const scope = `${GRAPH_SCOPE} https://management.azure.com/.default`;
    const res = await postToken(sim, sim.tenant('contoso').info.tenantId, secretForm(sim, 'contoso', { scope }));
    expect(res.status).toBe(400);
    expect(aadCode(res.body)).toBe(700022);
  });

  it("answers another cloud's Graph scope with invalid_resource AADSTS500011", async () => {
    const res = await postToken(sim, sim.tenant('contoso').info.tenantId, secretForm(sim, 'contoso', { scope: 'https://graph.microsoft.us/.default' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_resource');
    expect(aadCode(res.body)).toBe(500011);
  });

  it('answers a request without secret or assertion with AADSTS7000218', async () => {
    const form = secretForm(sim, 'contoso');
    delete form.client_secret;
    const res = await postToken(sim, sim.tenant('contoso').info.tenantId, form);
    expect(res.status).toBe(401);
    expect(aadCode(res.body)).toBe(7000218);
  });

  it('answers a client assertion signed by a key the app does not hold with AADSTS700027', async () => {
    const app = msalApp(sim, 'certco', { clientCertificate: { thumbprintSha256: otherCert.thumbprintSha256, privateKey: otherCert.privateKeyPem } });
    const error = await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] }).then(
      () => undefined,
      (e: unknown) => e as { errorCode?: string; errorMessage?: string },
    );
    expect(error?.errorMessage).toMatch(/AADSTS700027/);
  });

  it('surfaces AADSTS7000215 through msal-node', async () => {
    const app = msalApp(sim, 'contoso', { clientSecret: 'wrong' });
    const error = await app.acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] }).then(
      () => undefined,
      (e: unknown) => e as { errorCode?: string; errorMessage?: string },
    );
    expect(error?.errorCode).toBe('invalid_client');
    expect(error?.errorMessage).toMatch(/AADSTS7000215/);
  });

  it('refuses grants other than client_credentials with AADSTS70003', async () => {
    const res = await postToken(sim, sim.tenant('contoso').info.tenantId, secretForm(sim, 'contoso', { grant_type: 'password' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unsupported_grant_type');
    expect(aadCode(res.body)).toBe(70003);
  });
});

describe('Entra ID metadata documents', () => {
  it('serves the OpenID configuration of a tenant with its token endpoint on the simulator', async () => {
    const info = sim.tenant('contoso').info;
    for (const path of [`/${info.tenantId}/v2.0/.well-known/openid-configuration`, `/${info.tenantId}/.well-known/openid-configuration`]) {
      const res = await fetch(`${sim.url}${path}`);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as Record<string, unknown>;
      expect(doc.token_endpoint).toBe(`${sim.url}/${info.tenantId}/oauth2/v2.0/token`);
      expect(doc.issuer).toBe(`${sim.url}/${info.tenantId}/v2.0`);
      expect(doc.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_post', 'private_key_jwt']));
      expect(doc.jwks_uri).toBe(`${sim.url}/${info.tenantId}/discovery/v2.0/keys`);
    }
  });

  it('serves the OpenID configuration for common and organizations, and AADSTS90002 for an unknown tenant', async () => {
    expect((await fetch(`${sim.url}/common/v2.0/.well-known/openid-configuration`)).status).toBe(200);
    expect((await fetch(`${sim.url}/organizations/v2.0/.well-known/openid-configuration`)).status).toBe(200);
    const unknown = await fetch(`${sim.url}/no-such-tenant.example/v2.0/.well-known/openid-configuration`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
  });

  it('serves instance discovery naming the simulator as its own single-alias cloud', async () => {
    const info = sim.tenant('contoso').info;
    const host = new URL(sim.url).host;
    const authorize = `${sim.url}/${info.tenantId}/oauth2/v2.0/authorize`;
    const res = await fetch(`${sim.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(authorize)}`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { tenant_discovery_endpoint: string; metadata: Array<{ aliases: string[]; preferred_network: string }> };
    expect(doc.tenant_discovery_endpoint).toBe(`${sim.url}/${info.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(doc.metadata).toEqual([{ preferred_network: host, preferred_cache: host, aliases: [host] }]);
  });

  it('answers unknown Entra paths with 404', async () => {
    const res = await fetch(`${sim.url}/${sim.tenant('contoso').info.tenantId}/oauth2/v2.0/authorize`);
    expect(res.status).toBe(404);
  });
});
