// What Graph answers a tenant without a licence or an app without a permission, per tenant profile, over HTTPS:
// 403 Authorization_RequestDenied for a missing permission, and the licence errors that differ per endpoint
// (Authentication_RequestFromNonPremiumTenantOrB2CTenant, "not licensed", "not provisioned"); and how grants made
// at run time take effect (licences at once, permissions only in tokens issued after consent).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PERMISSIONS } from '../../src/simulator/profiles.ts';
import type { Simulator, SimEndpoint } from '../../src/simulator/types.ts';
import { accessToken, graphError, graphGet, jwtClaims, startTestSimulator } from './sim-fixture.ts';

const PATHS: Record<SimEndpoint, string> = {
  'security.incidents': '/v1.0/security/incidents',
  'security.alerts_v2': '/v1.0/security/alerts_v2',
  'auditLogs.signIns': '/v1.0/auditLogs/signIns',
  'auditLogs.directoryAudits': '/v1.0/auditLogs/directoryAudits',
  'identityProtection.riskDetections': '/v1.0/identityProtection/riskDetections',
  'identityProtection.riskyUsers': '/v1.0/identityProtection/riskyUsers',
  'security.secureScores': '/v1.0/security/secureScores',
  users: '/v1.0/users',
};
const ENDPOINTS = Object.keys(PATHS) as SimEndpoint[];

const OK = { status: 200 } as const;
const NO_PERMISSION = { status: 403, code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } as const;
const NOT_PREMIUM = {
  status: 403,
  code: 'Authentication_RequestFromNonPremiumTenantOrB2CTenant',
  message: "Neither tenant is B2C or tenant doesn't have premium license",
} as const;
const NOT_LICENSED = { status: 403, code: 'Forbidden', message: 'Your tenant is not licensed for this feature.' } as const;
const NOT_PROVISIONED = { status: 403, code: 'Unauthorized', message: 'Unauthorized request - Account is not provisioned.' } as const;

type Expected = { status: 200 } | { status: 403; code: string; message: string };

/** Per profile, what each endpoint answers (GRAPH-FACTS §1a and §4). */
const MATRIX: Record<string, Record<SimEndpoint, Expected>> = {
  full: Object.fromEntries(ENDPOINTS.map((e) => [e, OK])) as Record<SimEndpoint, Expected>,
  p1: {
    'security.incidents': OK,
    'security.alerts_v2': OK,
    'auditLogs.signIns': OK,
    'auditLogs.directoryAudits': OK,
    'identityProtection.riskDetections': OK,
    'identityProtection.riskyUsers': NOT_LICENSED,
    'security.secureScores': OK,
    users: OK,
  },
  free: {
    'security.incidents': NOT_PROVISIONED,
    'security.alerts_v2': NOT_PROVISIONED,
    'auditLogs.signIns': NOT_PREMIUM,
    'auditLogs.directoryAudits': OK,
    'identityProtection.riskDetections': NOT_LICENSED,
    'identityProtection.riskyUsers': NOT_LICENSED,
    'security.secureScores': OK,
    users: OK,
  },
  'no-defender': {
    'security.incidents': NOT_PROVISIONED,
    'security.alerts_v2': NOT_PROVISIONED,
    'auditLogs.signIns': OK,
    'auditLogs.directoryAudits': OK,
    'identityProtection.riskDetections': OK,
    'identityProtection.riskyUsers': OK,
    'security.secureScores': OK,
    users: OK,
  },
  'minimal-permissions': {
    'security.incidents': NO_PERMISSION,
    'security.alerts_v2': NO_PERMISSION,
    'auditLogs.signIns': OK,
    'auditLogs.directoryAudits': OK,
    'identityProtection.riskDetections': NO_PERMISSION,
    'identityProtection.riskyUsers': NO_PERMISSION,
    'security.secureScores': NO_PERMISSION,
    users: OK,
  },
};

let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator({
    tenants: [
      ...Object.keys(MATRIX).map((profile) => ({ name: profile, profile })),
      // Tenants changed at run time by the tests below.
      { name: 'upgrade', profile: 'free' },
      { name: 'consent', profile: 'minimal-permissions' },
      { name: 'quirk', profile: 'full' },
      // A licence the profile lacks and permissions it has, both overridden in the spec.
      { name: 'override', profile: 'full', licences: ['entra_p1'], permissions: ['User.Read.All', 'AuditLog.Read.All'] },
    ],
  });
});

afterAll(async () => {
  await sim?.close();
});

async function expectAnswer(token: string, endpoint: SimEndpoint, expected: Expected): Promise<void> {
  const res = await graphGet(sim, token, `${PATHS[endpoint]}?$top=1`);
  expect({ endpoint, status: res.status }).toEqual({ endpoint, status: expected.status });
  if (expected.status === 403) {
    expect(graphError(res)).toEqual({ code: expected.code, message: expected.message });
    const inner = (res.body.error as { innerError: Record<string, string> }).innerError;
    expect(inner['request-id']).toBe(res.headers.get('request-id'));
    expect(typeof inner.date).toBe('string');
  } else {
    expect(Array.isArray(res.body.value)).toBe(true);
  }
}

describe('answers per tenant profile', () => {
  it.each(Object.keys(MATRIX))('profile %s: every endpoint answers as Graph does for its licences and permissions', async (profile) => {
    const token = await accessToken(sim, profile);
    for (const endpoint of ENDPOINTS) await expectAnswer(token, endpoint, (MATRIX[profile] as Record<SimEndpoint, Expected>)[endpoint]);
  });

  it('puts the consented permissions, and nothing else, in the roles claim', async () => {
    expect(jwtClaims(await accessToken(sim, 'minimal-permissions')).roles).toEqual(['AuditLog.Read.All', 'Directory.Read.All', 'User.Read.All']);
    expect(jwtClaims(await accessToken(sim, 'full')).roles).toEqual([...ALL_PERMISSIONS].sort());
  });

  it('applies the licences and permissions of the tenant spec over its profile', async () => {
    const token = await accessToken(sim, 'override');
    await expectAnswer(token, 'auditLogs.signIns', NOT_PREMIUM); // AuditLog.Read.All without Directory.Read.All
    await expectAnswer(token, 'identityProtection.riskDetections', NO_PERMISSION);
    await expectAnswer(token, 'users', OK);
  });

  it('checks the permission before the licence: a free tenant without AuditLog.Read.All gets Authorization_RequestDenied', async () => {
    const tenant = sim.tenant('upgrade');
    tenant.setPermissions(['User.Read.All']);
    await expectAnswer(await accessToken(sim, 'upgrade'), 'auditLogs.signIns', NO_PERMISSION);
    tenant.setPermissions([...ALL_PERMISSIONS]);
  });
});

describe('grants at run time', () => {
  it('serves a licence bought at run time to the token already held', async () => {
    const token = await accessToken(sim, 'upgrade');
    await expectAnswer(token, 'auditLogs.signIns', NOT_PREMIUM);
    await expectAnswer(token, 'security.alerts_v2', NOT_PROVISIONED);
    sim.tenant('upgrade').setLicences(['entra_p2', 'defender_xdr']);
    for (const endpoint of ENDPOINTS) await expectAnswer(token, endpoint, OK);
    sim.tenant('upgrade').setLicences(['entra_p1']);
    await expectAnswer(token, 'identityProtection.riskyUsers', NOT_LICENSED);
    await expectAnswer(token, 'security.incidents', NOT_PROVISIONED);
    await expectAnswer(token, 'identityProtection.riskDetections', OK);
  });

  it('serves a newly consented permission only to tokens issued after the consent', async () => {
    const before = await accessToken(sim, 'consent');
    sim.tenant('consent').setPermissions([...ALL_PERMISSIONS]);
    // The token obtained before consent still lacks the role.
    await expectAnswer(before, 'security.alerts_v2', NO_PERMISSION);
    const after = await accessToken(sim, 'consent');
    expect(jwtClaims(after).roles).toContain('SecurityAlert.Read.All');
    for (const endpoint of ENDPOINTS) await expectAnswer(after, endpoint, OK);
  });

  it('issues a token without a roles claim when consent is withdrawn, and Graph refuses it everywhere', async () => {
    sim.tenant('consent').setPermissions([]);
    const token = await accessToken(sim, 'consent');
    expect(jwtClaims(token)).not.toHaveProperty('roles');
    for (const endpoint of ENDPOINTS) await expectAnswer(token, endpoint, NO_PERMISSION);
  });

  it('answers sign-ins and directory audits without Directory.Read.All with the premium-licence code (Graph known issue)', async () => {
    sim.tenant('quirk').setPermissions(ALL_PERMISSIONS.filter((p) => p !== 'Directory.Read.All'));
    const token = await accessToken(sim, 'quirk');
    await expectAnswer(token, 'auditLogs.signIns', NOT_PREMIUM);
    await expectAnswer(token, 'auditLogs.directoryAudits', NOT_PREMIUM);
    // Users accepts User.Read.All alone.
    await expectAnswer(token, 'users', OK);
    sim.tenant('quirk').setPermissions([...ALL_PERMISSIONS]);
    await expectAnswer(await accessToken(sim, 'quirk'), 'auditLogs.signIns', OK);
  });
});
