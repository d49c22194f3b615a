// Each endpoint's $filter grammar as the simulator serves it over HTTPS: the properties and operators Graph refuses
// answer 400 "Invalid filter clause", and the ones it accepts return exactly the matching records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator, SimEndpoint } from '../../src/simulator/types.ts';
import { accessToken, graphError, graphGet, ms, pageAll, startTestSimulator } from './sim-fixture.ts';
import type { GraphRecord } from './sim-fixture.ts';

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

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startTestSimulator({
    tenants: [{ name: 'filters', profile: 'full', volume: { 'security.alerts_v2': 120, 'security.incidents': 40, users: 120 } }],
  });
  token = await accessToken(sim, 'filters');
});

afterAll(async () => {
  await sim?.close();
});

function records(endpoint: SimEndpoint): GraphRecord[] {
  return sim.tenant('filters').records(endpoint);
}

function at(r: GraphRecord, path: string): unknown {
  return path.split('/').reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as GraphRecord)[k] : undefined), r);
}

function sortedIds(list: GraphRecord[]): string[] {
  return list.map((r) => String(r.id)).sort();
}

/** Pages through `filter` and expects exactly the records `predicate` selects: a proper, non-empty subset. */
async function expectFilter(endpoint: SimEndpoint, filter: string, predicate: (r: GraphRecord) => boolean): Promise<GraphRecord[]> {
  const all = records(endpoint);
  const expected = all.filter(predicate);
  expect(expected.length, `test data: ${filter} should select some records`).toBeGreaterThan(0);
  expect(expected.length, `test data: ${filter} should not select every record`).toBeLessThan(all.length);
  const walk = await pageAll(sim, token, `${PATHS[endpoint]}?$filter=${encodeURIComponent(filter)}`);
  expect(sortedIds(walk.records)).toEqual(sortedIds(expected));
  return walk.records;
}

async function expectRefused(endpoint: SimEndpoint, filter: string): Promise<string> {
  const res = await graphGet(sim, token, `${PATHS[endpoint]}?$filter=${encodeURIComponent(filter)}`);
  expect(res.status).toBe(400);
  const error = graphError(res);
  expect(error.code).toBe('BadRequest');
  expect(error.message).toMatch(/^Invalid filter clause/);
  return error.message;
}

/** The time of the record at `fraction` of the endpoint's records sorted by `property` (a real boundary value). */
function boundary(endpoint: SimEndpoint, property: string, fraction: number): string {
  const times = records(endpoint)
    .map((r) => String(r[property]))
    .sort((a, b) => ms(a) - ms(b));
  return times[Math.floor(times.length * fraction)] as string;
}

describe('refused filters', () => {
  it("refuses createdDateTime on directory audits with Graph's exact message", async () => {
    const message = await expectRefused('auditLogs.directoryAudits', `createdDateTime ge ${new Date(sim.now() - 86_400_000).toISOString()}`);
    expect(message).toBe("Invalid filter clause: Could not find a property named 'createdDateTime' on type 'microsoft.graph.directoryAudit'.");
  });

  it.each(['gt', 'lt'])('refuses createdDateTime %s on sign-ins (only eq, ge, le)', async (op) => {
    const message = await expectRefused('auditLogs.signIns', `createdDateTime ${op} ${new Date(sim.now() - 86_400_000).toISOString()}`);
    expect(message).toBe(`Invalid filter clause: The operator '${op}' is not supported for the property 'createdDateTime'.`);
  });

  it("refuses v1.0 sign-ins filtered on signInEventTypes (a beta property) with Graph's message", async () => {
    const message = await expectRefused('auditLogs.signIns', "signInEventTypes/any(t: t eq 'nonInteractiveUser')");
    expect(message).toBe("Invalid filter clause: Could not find a property named 'signInEventTypes' on type 'microsoft.graph.signIn'.");
  });

  it('refuses activityDateTime gt on directory audits', async () => {
    await expectRefused('auditLogs.directoryAudits', `activityDateTime gt ${new Date(sim.now() - 86_400_000).toISOString()}`);
  });

  it('refuses isInteractive on sign-ins (not filterable)', async () => {
    const message = await expectRefused('auditLogs.signIns', 'isInteractive eq true');
    expect(message).toBe("Invalid filter clause: Could not find a property named 'isInteractive' on type 'microsoft.graph.signIn'.");
  });

  it('refuses investigationState on alerts_v2', async () => {
    await expectRefused('security.alerts_v2', "investigationState eq 'running'");
  });

  it('refuses startswith on a property that only takes eq', async () => {
    await expectRefused('auditLogs.signIns', "startswith(clientAppUsed,'Brow')");
  });

  it('refuses createdDateTime gt on users and createdDateTime on secure scores', async () => {
    await expectRefused('users', `createdDateTime gt ${new Date(sim.now() - 86_400_000).toISOString()}`);
    await expectRefused('security.secureScores', `createdDateTime ge ${new Date(sim.now() - 86_400_000).toISOString()}`);
  });

  it('refuses a refused term even when it hides inside or / not', async () => {
    await expectRefused('auditLogs.signIns', `userPrincipalName eq 'a@b.c' or not (createdDateTime gt ${new Date(sim.now()).toISOString()})`);
  });

  it('refuses malformed expressions', async () => {
    await expectRefused('auditLogs.signIns', "userPrincipalName eq 'unterminated");
    await expectRefused('auditLogs.signIns', 'createdDateTime ge');
    await expectRefused('auditLogs.signIns', "contains(userPrincipalName,'a')");
    await expectRefused('auditLogs.signIns', 'createdDateTime ge yesterday');
  });
});

describe('accepted filters return exactly the matching records', () => {
  it('sign-ins: a createdDateTime window with ge and le, both bounds inclusive', async () => {
    const from = boundary('auditLogs.signIns', 'createdDateTime', 0.3);
    const to = boundary('auditLogs.signIns', 'createdDateTime', 0.6);
    // The boundary values are real record times written with Graph's 7-digit fractions.
    const got = await expectFilter('auditLogs.signIns', `createdDateTime ge ${from} and createdDateTime le ${to}`, (r) => {
      const t = ms(r.createdDateTime);
      return t >= ms(from) && t <= ms(to);
    });
    expect(got.some((r) => r.createdDateTime === from)).toBe(true);
    expect(got.some((r) => r.createdDateTime === to)).toBe(true);
  });

  it('sign-ins: eq on status/errorCode, clientAppUsed and location/countryOrRegion', async () => {
    await expectFilter('auditLogs.signIns', 'status/errorCode eq 50126', (r) => at(r, 'status/errorCode') === 50126);
    await expectFilter('auditLogs.signIns', "clientAppUsed eq 'Browser'", (r) => r.clientAppUsed === 'Browser');
    await expectFilter('auditLogs.signIns', "location/countryOrRegion eq 'US'", (r) => at(r, 'location/countryOrRegion') === 'US');
  });

  it('sign-ins: startswith on userPrincipalName and appDisplayName, case-insensitively', async () => {
    const upn = String(records('auditLogs.signIns')[0]?.userPrincipalName);
    const prefix = upn.slice(0, 3);
    await expectFilter('auditLogs.signIns', `startswith(userPrincipalName,'${prefix.toUpperCase()}')`, (r) =>
      String(r.userPrincipalName).toLowerCase().startsWith(prefix.toLowerCase()),
    );
    await expectFilter('auditLogs.signIns', "startswith(appDisplayName,'Microsoft')", (r) => String(r.appDisplayName).startsWith('Microsoft'));
  });

  it('sign-ins: a time window combined with a user, as a per-user query does', async () => {
    const user = String(records('auditLogs.signIns')[5]?.userId);
    const from = boundary('auditLogs.signIns', 'createdDateTime', 0.2);
    await expectFilter('auditLogs.signIns', `createdDateTime ge ${from} and userId eq '${user}'`, (r) => r.userId === user && ms(r.createdDateTime) >= ms(from));
  });

  it('sign-ins: or, not and parentheses', async () => {
    await expectFilter('auditLogs.signIns', "(clientAppUsed eq 'IMAP4' or clientAppUsed eq 'Browser') and not (status/errorCode eq 0)", (r) =>
      ['IMAP4', 'Browser'].includes(String(r.clientAppUsed)) && at(r, 'status/errorCode') !== 0,
    );
    await expectFilter('auditLogs.signIns', "clientAppUsed eq 'IMAP4' or clientAppUsed eq 'POP3'", (r) => ['IMAP4', 'POP3'].includes(String(r.clientAppUsed)));
  });

  it('sign-ins: id eq finds exactly one record', async () => {
    const id = String(records('auditLogs.signIns')[17]?.id);
    const res = await graphGet(sim, token, `${PATHS['auditLogs.signIns']}?$filter=${encodeURIComponent(`id eq '${id}'`)}`);
    expect((res.body.value as GraphRecord[]).map((r) => r.id)).toEqual([id]);
  });

  it('directory audits: activityDateTime ge, category eq and startswith(activityDisplayName)', async () => {
    const from = boundary('auditLogs.directoryAudits', 'activityDateTime', 0.5);
    await expectFilter('auditLogs.directoryAudits', `activityDateTime ge ${from}`, (r) => ms(r.activityDateTime) >= ms(from));
    await expectFilter('auditLogs.directoryAudits', "category eq 'UserManagement'", (r) => r.category === 'UserManagement');
    await expectFilter('auditLogs.directoryAudits', "startswith(activityDisplayName,'Add')", (r) => String(r.activityDisplayName).startsWith('Add'));
  });

  it('alerts_v2: lastUpdateDateTime gt excludes the boundary record and ge includes it', async () => {
    const t = boundary('security.alerts_v2', 'lastUpdateDateTime', 0.5);
    const gt = await expectFilter('security.alerts_v2', `lastUpdateDateTime gt ${t}`, (r) => ms(r.lastUpdateDateTime) > ms(t));
    expect(gt.some((r) => r.lastUpdateDateTime === t)).toBe(false);
    const ge = await expectFilter('security.alerts_v2', `lastUpdateDateTime ge ${t}`, (r) => ms(r.lastUpdateDateTime) >= ms(t));
    expect(ge.some((r) => r.lastUpdateDateTime === t)).toBe(true);
  });

  it('alerts_v2: serviceSource eq, severity eq and status ne together', async () => {
    await expectFilter('security.alerts_v2', "serviceSource eq 'microsoftDefenderForEndpoint'", (r) => r.serviceSource === 'microsoftDefenderForEndpoint');
    await expectFilter('security.alerts_v2', "severity eq 'high' and status ne 'resolved'", (r) => r.severity === 'high' && r.status !== 'resolved');
  });

  it('incidents: status eq and createdDateTime lt', async () => {
    await expectFilter('security.incidents', "status eq 'active'", (r) => r.status === 'active');
    const t = boundary('security.incidents', 'createdDateTime', 0.5);
    await expectFilter('security.incidents', `createdDateTime lt ${t}`, (r) => ms(r.createdDateTime) < ms(t));
  });

  it('risk detections: lastUpdatedDateTime gt and riskLevel eq', async () => {
    const t = boundary('identityProtection.riskDetections', 'lastUpdatedDateTime', 0.5);
    await expectFilter('identityProtection.riskDetections', `lastUpdatedDateTime gt ${t}`, (r) => ms(r.lastUpdatedDateTime) > ms(t));
    await expectFilter('identityProtection.riskDetections', "riskLevel eq 'high'", (r) => r.riskLevel === 'high');
  });

  it('risky users: riskLastUpdatedDateTime gt and riskState eq', async () => {
    const t = boundary('identityProtection.riskyUsers', 'riskLastUpdatedDateTime', 0.4);
    await expectFilter('identityProtection.riskyUsers', `riskLastUpdatedDateTime gt ${t}`, (r) => ms(r.riskLastUpdatedDateTime) > ms(t));
    await expectFilter('identityProtection.riskyUsers', "riskState eq 'atRisk'", (r) => r.riskState === 'atRisk');
  });

  it('users: startswith(displayName), accountEnabled eq false and createdDateTime ge', async () => {
    const first = String(records('users')[0]?.displayName).slice(0, 1);
    await expectFilter('users', `startswith(displayName,'${first}')`, (r) => String(r.displayName).toLowerCase().startsWith(first.toLowerCase()));
    await expectFilter('users', 'accountEnabled eq false', (r) => r.accountEnabled === false);
    const t = boundary('users', 'createdDateTime', 0.5);
    await expectFilter('users', `createdDateTime ge ${t}`, (r) => ms(r.createdDateTime) >= ms(t));
  });

  it('secure scores: azureTenantId eq returns the tenant\'s scores', async () => {
    const tid = sim.tenant('filters').info.tenantId;
    const res = await graphGet(sim, token, `${PATHS['security.secureScores']}?$filter=${encodeURIComponent(`azureTenantId eq '${tid}'`)}`);
    expect(res.status).toBe(200);
    expect(sortedIds(res.body.value as GraphRecord[])).toEqual(sortedIds(records('security.secureScores')));
  });

  it('keeps the newest-first order and pages within a filtered listing', async () => {
    const walk = await pageAll(sim, token, `${PATHS['auditLogs.signIns']}?$filter=${encodeURIComponent('status/errorCode eq 0')}&$top=100`);
    expect(walk.pages).toBeGreaterThan(2);
    const times = walk.records.map((r) => ms(r.createdDateTime));
    expect(times.every((t, i) => i === 0 || t <= (times[i - 1] as number))).toBe(true);
  });
});
