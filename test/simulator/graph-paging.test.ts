// Graph paging as the simulator serves it over HTTPS: $top default and maximum per endpoint (400 beyond it), opaque
// nextLinks followed verbatim that cover every record exactly once (also across equal timestamps and while records
// keep arriving), newest-first default order, $orderby and $skip only where Graph allows them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator, SimEndpoint } from '../../src/simulator/types.ts';
import { accessToken, graphError, graphGet, ms, pageAll, startTestSimulator } from './sim-fixture.ts';
import type { GraphRecord } from './sim-fixture.ts';

interface EndpointCase {
  endpoint: SimEndpoint;
  path: string;
  pageDefault: number;
  pageMax: number;
  /** Property and direction of the default order. */
  order: { property: string; descending: boolean };
}

const CASES: EndpointCase[] = [
  { endpoint: 'security.incidents', path: '/v1.0/security/incidents', pageDefault: 50, pageMax: 50, order: { property: 'createdDateTime', descending: true } },
  { endpoint: 'security.alerts_v2', path: '/v1.0/security/alerts_v2', pageDefault: 100, pageMax: 1000, order: { property: 'createdDateTime', descending: true } },
  { endpoint: 'auditLogs.signIns', path: '/v1.0/auditLogs/signIns', pageDefault: 1000, pageMax: 1000, order: { property: 'createdDateTime', descending: true } },
  { endpoint: 'auditLogs.directoryAudits', path: '/v1.0/auditLogs/directoryAudits', pageDefault: 1000, pageMax: 1000, order: { property: 'activityDateTime', descending: true } },
  { endpoint: 'identityProtection.riskDetections', path: '/v1.0/identityProtection/riskDetections', pageDefault: 20, pageMax: 500, order: { property: 'lastUpdatedDateTime', descending: true } },
  // riskyUsers is not ordered by recency (GRAPH-FACTS §2.6): the simulator lists it by id.
  { endpoint: 'identityProtection.riskyUsers', path: '/v1.0/identityProtection/riskyUsers', pageDefault: 20, pageMax: 500, order: { property: 'id', descending: false } },
  { endpoint: 'security.secureScores', path: '/v1.0/security/secureScores', pageDefault: 90, pageMax: 90, order: { property: 'createdDateTime', descending: true } },
  { endpoint: 'users', path: '/v1.0/users', pageDefault: 100, pageMax: 999, order: { property: 'id', descending: false } },
];

const VOLUME = {
  'security.incidents': 120,
  'security.alerts_v2': 250,
  'auditLogs.signIns': 2500,
  'auditLogs.directoryAudits': 1200,
  'identityProtection.riskDetections': 45,
  'identityProtection.riskyUsers': 45,
  users: 250,
} as const;

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startTestSimulator({
    tenants: [
      { name: 'paging', profile: 'full', volume: VOLUME, historyMs: 20 * 86_400_000 },
      { name: 'arrivals', profile: 'full', volume: { 'auditLogs.signIns': 2500 } },
      { name: 'ties', profile: 'full', volume: { 'auditLogs.signIns': 0 } },
    ],
  });
  token = await accessToken(sim, 'paging');
});

afterAll(async () => {
  await sim?.close();
});

function sortValue(r: GraphRecord, property: string): number | string {
  const v = r[property];
  return property === 'id' ? String(v) : ms(v);
}

/** Throws at the first pair out of the expected order (ties broken by id in the same direction). */
function expectOrdered(records: GraphRecord[], order: { property: string; descending: boolean }): void {
  for (let i = 1; i < records.length; i++) {
    const a = records[i - 1] as GraphRecord;
    const b = records[i] as GraphRecord;
    const ka = [sortValue(a, order.property), String(a.id)] as const;
    const kb = [sortValue(b, order.property), String(b.id)] as const;
    const cmp = ka[0] < kb[0] ? -1 : ka[0] > kb[0] ? 1 : ka[1] < kb[1] ? -1 : ka[1] > kb[1] ? 1 : 0;
    if (order.descending ? cmp <= 0 : cmp >= 0) {
      throw new Error(`out of ${order.descending ? 'descending' : 'ascending'} ${order.property} order at ${i}: ${String(a[order.property])} ${String(a.id)} then ${String(b[order.property])} ${String(b.id)}`);
    }
  }
}

function ids(records: GraphRecord[]): string[] {
  return records.map((r) => String(r.id));
}

describe('page sizes', () => {
  it.each(CASES)('$endpoint: a first page without $top holds min(default, total) records', async (c) => {
    const total = sim.tenant('paging').records(c.endpoint).length;
    const res = await graphGet(sim, token, c.path);
    expect(res.status).toBe(200);
    const value = res.body.value as GraphRecord[];
    expect(value.length).toBe(Math.min(c.pageDefault, total));
    expect('@odata.nextLink' in res.body).toBe(total > c.pageDefault);
    expect(res.body['@odata.context']).toBe(`${sim.url}/v1.0/$metadata#${c.path.slice('/v1.0/'.length)}`);
  });

  it.each(CASES)('$endpoint: $top at the maximum is served and one more is refused with 400', async (c) => {
    const total = sim.tenant('paging').records(c.endpoint).length;
    const atMax = await graphGet(sim, token, `${c.path}?$top=${c.pageMax}`);
    expect(atMax.status).toBe(200);
    expect((atMax.body.value as unknown[]).length).toBe(Math.min(c.pageMax, total));

    const over = await graphGet(sim, token, `${c.path}?$top=${c.pageMax + 1}`);
    expect(over.status).toBe(400);
    expect(graphError(over)).toEqual({
      code: 'BadRequest',
      message: `The limit of '${c.pageMax}' for Top query has been exceeded. The value from the incoming request is '${c.pageMax + 1}'.`,
    });
  });

  it('refuses a $top that is not a number', async () => {
    const res = await graphGet(sim, token, '/v1.0/users?$top=many');
    expect(res.status).toBe(400);
    expect(graphError(res).message).toBe("Invalid value 'many' for $top query option found.");
  });
});

describe('nextLink paging', () => {
  // Secure scores are left out: $top there is the number of days wanted (GRAPH-FACTS §2.7), not a page size.
  it.each(CASES.filter((c) => c.endpoint !== 'security.secureScores'))('$endpoint: following nextLink verbatim returns every record exactly once, in the default order', async (c) => {
    const expected = sim.tenant('paging').records(c.endpoint);
    const top = Math.max(2, Math.ceil(expected.length / 6));
    const walk = await pageAll(sim, token, `${c.path}?$top=${top}`);
    expect(walk.pages).toBeGreaterThanOrEqual(3);
    expect(walk.pageSizes.slice(0, -1).every((n) => n === top)).toBe(true);
    expect(new Set(ids(walk.records)).size).toBe(walk.records.length);
    expect(ids(walk.records).sort()).toEqual(ids(expected).sort());
    expectOrdered(walk.records, c.order);
  });

  it('returns every secure score, newest day first, on one page, and the n newest days for $top=n', async () => {
    const expected = sim.tenant('paging').records('security.secureScores');
    const all = await graphGet(sim, token, '/v1.0/security/secureScores');
    const days = (all.body.value as GraphRecord[]).map((r) => String(r.createdDateTime).slice(0, 10));
    expect(days).toEqual(expected.map((r) => String(r.createdDateTime).slice(0, 10)).sort().reverse());
    expect(all.body['@odata.nextLink']).toBeUndefined();
    const three = await graphGet(sim, token, '/v1.0/security/secureScores?$top=3');
    expect((three.body.value as GraphRecord[]).map((r) => String(r.createdDateTime).slice(0, 10))).toEqual(days.slice(0, 3));
    // $top is how many days, not a page size: no nextLink to the older days.
    expect(three.body['@odata.nextLink']).toBeUndefined();
  });

  it('keeps the original query in the nextLink and hides the position in an opaque $skiptoken', async () => {
    const filter = `createdDateTime ge ${new Date(sim.now() - 3 * 86_400_000).toISOString()}`;
    const res = await graphGet(sim, token, `/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(filter)}&$top=50&$select=id,createdDateTime`);
    const next = new URL(res.body['@odata.nextLink'] as string);
    expect(`${next.origin}${next.pathname}`).toBe(`${sim.url}/v1.0/auditLogs/signIns`);
    expect(next.searchParams.get('$filter')).toBe(filter);
    expect(next.searchParams.get('$top')).toBe('50');
    expect(next.searchParams.get('$select')).toBe('id,createdDateTime');
    const skiptoken = next.searchParams.get('$skiptoken') ?? '';
    expect(skiptoken).not.toBe('');
    // Opaque: no record id or timestamp in plain sight.
    const last = (res.body.value as GraphRecord[]).at(-1) as GraphRecord;
    expect(skiptoken).not.toContain(String(last.id));
    expect(skiptoken).not.toContain(String(last.createdDateTime));
  });

  it('refuses a tampered skip token and one replayed with a different query', async () => {
    const first = await graphGet(sim, token, '/v1.0/auditLogs/signIns?$top=10');
    const next = new URL(first.body['@odata.nextLink'] as string);
    const skiptoken = next.searchParams.get('$skiptoken') ?? '';

    const tampered = await graphGet(sim, token, `/v1.0/auditLogs/signIns?$top=10&$skiptoken=${skiptoken.slice(0, -4)}zzzz`);
    expect(tampered.status).toBe(400);
    expect(graphError(tampered).message).toBe('Invalid Skip Token, skip token is null or invalid for this request.');

    const otherQuery = await graphGet(sim, token, `/v1.0/auditLogs/signIns?$top=20&$skiptoken=${skiptoken}`);
    expect(otherQuery.status).toBe(400);
    expect(graphError(otherQuery).message).toMatch(/^Invalid Skip Token/);
  });

  it('covers each of 2,300 sign-ins sharing one timestamp exactly once across pages', async () => {
    const at = sim.now() - 3_600_000;
    sim.tenant('ties').addAtSameTime('auditLogs.signIns', 2300, at);
    const tiesToken = await accessToken(sim, 'ties');
    const iso = new Date(at).toISOString();
    for (const query of ['$top=1000', `$filter=createdDateTime eq ${iso}&$top=1000`, '$orderby=createdDateTime asc&$top=1000']) {
      const walk = await pageAll(sim, tiesToken, `/v1.0/auditLogs/signIns?${query}`);
      expect(walk.pageSizes).toEqual([1000, 1000, 300]);
      expect(new Set(ids(walk.records)).size).toBe(2300);
    }
  });

  it('neither skips nor repeats a record when new and late sign-ins arrive between pages', async () => {
    const tenant = sim.tenant('arrivals');
    const tok = await accessToken(sim, 'arrivals');
    const before = new Set(ids(tenant.records('auditLogs.signIns')));

    // Newest first: records that arrive after the first page are newer than the walk's position, so the walk
    // finishes with exactly the records that existed when it started.
    const first = await graphGet(sim, tok, '/v1.0/auditLogs/signIns?$top=400');
    const seen = ids(first.body.value as GraphRecord[]);
    tenant.add('auditLogs.signIns', 30);
    tenant.add('auditLogs.signIns', 5, { lateByMs: 10 * 60_000 });
    const rest = await pageAll(sim, tok, first.body['@odata.nextLink'] as string);
    seen.push(...ids(rest.records));
    expect(seen.length).toBe(before.size);
    expect(new Set(seen)).toEqual(before);

    // Oldest first: the walk reaches the end after the arrivals, so it sees them too, once each.
    const all = new Set(ids(tenant.records('auditLogs.signIns')));
    const asc = await graphGet(sim, tok, '/v1.0/auditLogs/signIns?$orderby=createdDateTime asc&$top=400');
    const seenAsc = ids(asc.body.value as GraphRecord[]);
    const added = tenant.add('auditLogs.signIns', 12, { lateByMs: 2 * 60_000 });
    const restAsc = await pageAll(sim, tok, asc.body['@odata.nextLink'] as string);
    seenAsc.push(...ids(restAsc.records));
    expect(seenAsc.length).toBe(all.size + added.length);
    expect(new Set(seenAsc)).toEqual(new Set([...all, ...ids(added)]));
  });
});

describe('$orderby', () => {
  it('returns sign-ins oldest first with $orderby=createdDateTime asc, across pages', async () => {
    const walk = await pageAll(sim, token, '/v1.0/auditLogs/signIns?$orderby=createdDateTime asc&$top=1000');
    expect(walk.records.length).toBe(VOLUME['auditLogs.signIns']);
    expectOrdered(walk.records, { property: 'createdDateTime', descending: false });
  });

  it('returns directory audits oldest first with $orderby=activityDateTime asc and newest first with desc', async () => {
    const asc = await pageAll(sim, token, '/v1.0/auditLogs/directoryAudits?$orderby=activityDateTime asc&$top=500');
    expectOrdered(asc.records, { property: 'activityDateTime', descending: false });
    const desc = await pageAll(sim, token, '/v1.0/auditLogs/directoryAudits?$orderby=activityDateTime desc&$top=500');
    expectOrdered(desc.records, { property: 'activityDateTime', descending: true });
    expect(asc.records.length).toBe(VOLUME['auditLogs.directoryAudits']);
  });

  it('orders alerts by lastUpdateDateTime ascending across pages', async () => {
    const walk = await pageAll(sim, token, '/v1.0/security/alerts_v2?$orderby=lastUpdateDateTime asc&$top=60');
    expect(walk.records.length).toBe(VOLUME['security.alerts_v2']);
    expectOrdered(walk.records, { property: 'lastUpdateDateTime', descending: false });
  });

  it.each(['/v1.0/identityProtection/riskyUsers', '/v1.0/security/secureScores'])('refuses $orderby on %s', async (path) => {
    const res = await graphGet(sim, token, `${path}?$orderby=id`);
    expect(res.status).toBe(400);
    expect(graphError(res).message).toMatch(/^Query option 'OrderBy' is not allowed\./);
  });

  it('refuses $orderby on a property the endpoint cannot sort by', async () => {
    const res = await graphGet(sim, token, '/v1.0/auditLogs/signIns?$orderby=userPrincipalName');
    expect(res.status).toBe(400);
    expect(graphError(res).code).toBe('BadRequest');
  });
});

describe('$skip', () => {
  it.each([
    '/v1.0/auditLogs/signIns',
    '/v1.0/auditLogs/directoryAudits',
    '/v1.0/identityProtection/riskDetections',
    '/v1.0/identityProtection/riskyUsers',
    '/v1.0/users',
  ])('is refused on %s', async (path) => {
    const res = await graphGet(sim, token, `${path}?$skip=10`);
    expect(res.status).toBe(400);
    expect(graphError(res)).toEqual({
      code: 'BadRequest',
      message: "Query option 'Skip' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.",
    });
  });

  it.each(['/v1.0/security/alerts_v2', '/v1.0/security/incidents', '/v1.0/security/secureScores'])('skips records in the default order on %s', async (path) => {
    const all = (await pageAll(sim, token, `${path}?$top=5`)).records;
    const res = await graphGet(sim, token, `${path}?$skip=3&$top=2`);
    expect(res.status).toBe(200);
    expect(ids(res.body.value as GraphRecord[])).toEqual(ids(all.slice(3, 5)));
  });

  it('continues after $skip with a skip token rather than a larger $skip', async () => {
    const all = (await pageAll(sim, token, '/v1.0/security/alerts_v2?$top=100')).records;
    const walk = await pageAll(sim, token, '/v1.0/security/alerts_v2?$skip=200&$top=20');
    expect(ids(walk.records)).toEqual(ids(all.slice(200)));
  });
});

describe('other query options and routes', () => {
  it('returns only the selected properties and the id with $select', async () => {
    const res = await graphGet(sim, token, '/v1.0/auditLogs/signIns?$select=createdDateTime,userPrincipalName&$top=3');
    for (const r of res.body.value as GraphRecord[]) expect(Object.keys(r).sort()).toEqual(['createdDateTime', 'id', 'userPrincipalName']);
  });

  it('refuses a query option Graph does not know', async () => {
    const res = await graphGet(sim, token, '/v1.0/users?$frobnicate=1');
    expect(res.status).toBe(400);
    expect(graphError(res).message).toBe("Query option 'Frobnicate' is not supported.");
  });

  it('refuses $expand except on incidents', async () => {
    expect((await graphGet(sim, token, '/v1.0/security/incidents?$expand=alerts&$top=2')).status).toBe(200);
    const res = await graphGet(sim, token, '/v1.0/auditLogs/signIns?$expand=foo');
    expect(res.status).toBe(400);
  });

  it('treats Graph paths case-insensitively', async () => {
    const res = await graphGet(sim, token, '/v1.0/AuditLogs/SignIns?$top=1');
    expect(res.status).toBe(200);
    expect((res.body.value as unknown[]).length).toBe(1);
  });

  it('answers an unknown segment with 400 and a non-GET method with 405', async () => {
    const unknown = await graphGet(sim, token, '/v1.0/security/nothingHere');
    expect(unknown.status).toBe(400);
    expect(graphError(unknown).message).toBe("Resource not found for the segment 'nothingHere'.");
    const post = await fetch(`${sim.url}/v1.0/users`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{}' });
    expect(post.status).toBe(405);
  });
});
