// GET /users/delta over HTTPS: a full round ending in a deltaLink, then only the changes (latest state per user,
// deletions as @removed), $deltatoken=latest, 410 Gone with a Location header for expired tokens, and the query
// options delta refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/types.ts';
import { accessToken, graphError, graphGet, startTestSimulator } from './sim-fixture.ts';
import type { GraphRecord, JsonResponse } from './sim-fixture.ts';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startTestSimulator({
    tenants: [
      { name: 'contoso', profile: 'full', volume: { users: 450 } },
      { name: 'fabrikam', profile: 'full', volume: { users: 30 } },
    ],
  });
  token = await accessToken(sim, 'contoso');
});

afterAll(async () => {
  await sim?.close();
});

interface DeltaRound {
  records: GraphRecord[];
  pageSizes: number[];
  deltaLink: string;
}

/** Follows nextLinks from `start` until a page carries the deltaLink. */
async function deltaRound(start: string, headers: Record<string, string> = {}): Promise<DeltaRound> {
  const records: GraphRecord[] = [];
  const pageSizes: number[] = [];
  let url = start;
  for (;;) {
    const res = await graphGet(sim, token, url, headers);
    if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${res.text.slice(0, 300)}`);
    const value = res.body.value as GraphRecord[];
    records.push(...value);
    pageSizes.push(value.length);
    const next = res.body['@odata.nextLink'];
    const delta = res.body['@odata.deltaLink'];
    if (typeof delta === 'string') {
      expect(next).toBeUndefined();
      return { records, pageSizes, deltaLink: delta };
    }
    expect(typeof next).toBe('string');
    url = next as string;
  }
}

function ids(records: GraphRecord[]): string[] {
  return records.map((r) => String(r.id)).sort();
}

function expectGone(res: JsonResponse): void {
  expect(res.status).toBe(410);
  expect(res.headers.get('location')).toBe(`${sim.url}/v1.0/users/delta`);
  expect(graphError(res).code).toBe('syncStateNotFound');
}

describe('users delta', () => {
  it('lists every user once in a full round, in pages linked by $skiptoken, and ends with a $deltatoken link', async () => {
    const round = await deltaRound('/v1.0/users/delta');
    expect(round.pageSizes).toEqual([200, 200, 50]);
    expect(ids(round.records)).toEqual(ids(sim.tenant('contoso').records('users')));
    expect(new Set(ids(round.records)).size).toBe(450);
    const link = new URL(round.deltaLink);
    expect(`${link.origin}${link.pathname}`).toBe(`${sim.url}/v1.0/users/delta`);
    expect(link.searchParams.get('$deltatoken')).toBeTruthy();

    // Nothing changed: the deltaLink answers an empty page and a fresh deltaLink.
    const empty = await deltaRound(round.deltaLink);
    expect(empty.records).toEqual([]);
  });

  it('honours Prefer: odata.maxpagesize and $select in every page of the round', async () => {
    const round = await deltaRound('/v1.0/users/delta?$select=displayName,accountEnabled', { prefer: 'odata.maxpagesize=100' });
    expect(round.pageSizes).toEqual([100, 100, 100, 100, 50]);
    for (const r of round.records) expect(Object.keys(r).sort()).toEqual(['accountEnabled', 'displayName', 'id']);
  });

  it('returns only the changes since the deltaLink: updated and added users in their latest state, deleted ones as @removed', async () => {
    const tenant = sim.tenant('contoso');
    const start = await deltaRound('/v1.0/users/delta');
    const updated = tenant.update('users', 4);
    const again = tenant.update('users', 2); // may touch users already updated: each appears once, latest state
    const added = tenant.add('users', 3);
    const deleted = tenant.deleteUsers(2);

    const changes = await deltaRound(start.deltaLink);
    const changedIds = new Set([...updated, ...again, ...added].map((u) => String(u.id)));
    for (const id of deleted) changedIds.delete(id);
    const removed = changes.records.filter((r) => '@removed' in r);
    const present = changes.records.filter((r) => !('@removed' in r));

    expect(new Set(ids(changes.records)).size).toBe(changes.records.length);
    expect(ids(removed)).toEqual([...deleted].sort());
    for (const r of removed) expect(r['@removed']).toEqual({ reason: 'deleted' });
    expect(ids(present)).toEqual([...changedIds].sort());
    const latest = new Map(tenant.records('users').map((u) => [String(u.id), u]));
    for (const r of present) expect(r).toEqual(latest.get(String(r.id)));

    // The next round from the new deltaLink is empty again, and deleted users are gone from a full listing.
    expect((await deltaRound(changes.deltaLink)).records).toEqual([]);
    const full = await deltaRound('/v1.0/users/delta');
    for (const id of deleted) expect(ids(full.records)).not.toContain(id);
  });

  it('pages a large change set with nextLinks before its deltaLink', async () => {
    const start = await deltaRound('/v1.0/users/delta');
    const updated = sim.tenant('contoso').update('users', 300);
    const changes = await deltaRound(start.deltaLink, { prefer: 'odata.maxpagesize=120' });
    expect(changes.pageSizes.length).toBeGreaterThan(1);
    expect(ids(changes.records)).toEqual([...new Set(updated.map((u) => String(u.id)))].sort());
  });

  it('starts from now with $deltatoken=latest', async () => {
    const res = await graphGet(sim, token, '/v1.0/users/delta?$deltatoken=latest');
    expect(res.status).toBe(200);
    expect(res.body.value).toEqual([]);
    const deltaLink = res.body['@odata.deltaLink'] as string;
    expect(deltaLink).toContain('$deltatoken=');
    const added = sim.tenant('contoso').add('users', 2);
    const changes = await deltaRound(deltaLink);
    expect(ids(changes.records)).toEqual(ids(added));
  });

  it('filters by id eq, joined with or', async () => {
    const [a, b] = sim.tenant('contoso').records('users') as [GraphRecord, GraphRecord];
    const filter = encodeURIComponent(`id eq '${String(a.id)}' or id eq '${String(b.id)}'`);
    const round = await deltaRound(`/v1.0/users/delta?$filter=${filter}`);
    expect(ids(round.records)).toEqual(ids([a, b]));
  });

  it.each(['$top=10', '$orderby=displayName', '$skip=5', '$expand=manager'])('refuses %s with 400', async (query) => {
    const res = await graphGet(sim, token, `/v1.0/users/delta?${query}`);
    expect(res.status).toBe(400);
    expect(graphError(res).code).toBe('BadRequest');
  });

  it('refuses a $filter on anything but id', async () => {
    const res = await graphGet(sim, token, `/v1.0/users/delta?$filter=${encodeURIComponent("displayName eq 'x'")}`);
    expect(res.status).toBe(400);
    expect(graphError(res).message).toMatch(/^Invalid filter clause/);
  });
});

describe('expired and unknown delta tokens', () => {
  it('answers deltaLinks and nextLinks issued before expireDeltaTokens with 410 Gone and a Location header', async () => {
    const round = await deltaRound('/v1.0/users/delta');
    const firstPage = await graphGet(sim, token, '/v1.0/users/delta');
    const nextLink = firstPage.body['@odata.nextLink'] as string;
    sim.tenant('contoso').expireDeltaTokens();
    expectGone(await graphGet(sim, token, round.deltaLink));
    expectGone(await graphGet(sim, token, nextLink));
    // A full resync works and its deltaLink is valid.
    const resync = await deltaRound('/v1.0/users/delta');
    expect(resync.records.length).toBe(sim.tenant('contoso').records('users').length);
    expect((await graphGet(sim, token, resync.deltaLink)).status).toBe(200);
  });

  it('answers a malformed token and the deltaLink of another tenant with 410', async () => {
    expectGone(await graphGet(sim, token, '/v1.0/users/delta?$deltatoken=not-a-token'));
    const otherToken = await accessToken(sim, 'fabrikam');
    const other = await graphGet(sim, otherToken, '/v1.0/users/delta');
    expectGone(await graphGet(sim, token, other.body['@odata.deltaLink'] as string));
  });

  it('expires delta tokens after 7 days of simulated time', async () => {
    const round = await deltaRound('/v1.0/users/delta');
    sim.advance(6 * 86_400_000);
    token = await accessToken(sim, 'contoso');
    const stillValid = await deltaRound(round.deltaLink);
    sim.advance(86_400_000 + 60_000);
    token = await accessToken(sim, 'contoso');
    expectGone(await graphGet(sim, token, round.deltaLink));
    // The link issued one day ago is still good.
    expect((await graphGet(sim, token, stillValid.deltaLink)).status).toBe(200);
  });
});
