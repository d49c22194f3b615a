// A live simulated tenant over HTTPS: with a live rate and the simulated clock advanced, new records appear (some
// late, with a createdDateTime before a window a collector already read), incidents and alerts get updated, users
// change, a secure score arrives each day; a rate of 0 freezes everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/types.ts';
import { accessToken, graphGet, ms, pageAll, SIM_START, startTestSimulator } from './sim-fixture.ts';
import type { GraphRecord } from './sim-fixture.ts';

const MINUTE = 60_000;

let sim: Simulator;
let token: string;

beforeAll(async () => {
  // Starts frozen (live rate 0); tests turn the rate on. A start at 21:00 UTC lets the last test cross midnight.
  sim = await startTestSimulator({ startTime: SIM_START + 9 * 3_600_000, tenants: [{ name: 'live', profile: 'full' }] });
  token = await accessToken(sim, 'live');
});

afterAll(async () => {
  await sim?.close();
});

function ids(records: GraphRecord[]): Set<string> {
  return new Set(records.map((r) => String(r.id)));
}

async function signInsUpTo(t: number): Promise<GraphRecord[]> {
  return (await pageAll(sim, token, `/v1.0/auditLogs/signIns?$filter=${encodeURIComponent(`createdDateTime le ${new Date(t).toISOString()}`)}`)).records;
}

describe('live tenant', () => {
  it('stays frozen at a live rate of 0', async () => {
    const before = await pageAll(sim, token, '/v1.0/auditLogs/signIns');
    sim.advance(30 * MINUTE);
    token = await accessToken(sim, 'live');
    const after = await pageAll(sim, token, '/v1.0/auditLogs/signIns');
    expect(ids(after.records)).toEqual(ids(before.records));
  });

  it('adds new sign-ins as time passes, some of them late: dated before a window that was already read', async () => {
    const windowEnd = sim.now();
    const readBefore = await signInsUpTo(windowEnd);
    const total = sim.tenant('live').records('auditLogs.signIns').length;
    sim.setLiveRate(600);
    sim.advance(5 * MINUTE);
    token = await accessToken(sim, 'live');

    const all = await pageAll(sim, token, '/v1.0/auditLogs/signIns');
    expect(all.records.length).toBeGreaterThan(total + 1_000);
    const newest = all.records[0] as GraphRecord;
    expect(ms(newest.createdDateTime)).toBeGreaterThan(windowEnd);

    // The same window read again holds records it did not hold before: Entra's ingestion delay.
    const readAfter = await signInsUpTo(windowEnd);
    const before = ids(readBefore);
    const late = readAfter.filter((r) => !before.has(String(r.id)));
    expect(late.length).toBeGreaterThan(0);
    for (const r of late) {
      expect(ms(r.createdDateTime)).toBeLessThanOrEqual(windowEnd);
      // Late by minutes, not days (GRAPH-FACTS §7).
      expect(ms(r.createdDateTime)).toBeGreaterThan(windowEnd - 10 * MINUTE);
    }
    for (const id of before) expect(readAfter.some((r) => r.id === id)).toBe(true);
    sim.setLiveRate(0);
  });

  it('updates alerts and incidents (lastUpdateDateTime moves) and adds directory audits and risk detections', async () => {
    const t0 = sim.now();
    const audits = sim.tenant('live').records('auditLogs.directoryAudits').length;
    const detections = sim.tenant('live').records('identityProtection.riskDetections').length;
    sim.setLiveRate(600);
    sim.advance(10 * MINUTE);
    token = await accessToken(sim, 'live');
    const since = encodeURIComponent(`lastUpdateDateTime gt ${new Date(t0).toISOString()}`);
    const alerts = await pageAll(sim, token, `/v1.0/security/alerts_v2?$filter=${since}`);
    const incidents = await pageAll(sim, token, `/v1.0/security/incidents?$filter=${since}`);
    expect(alerts.records.length).toBeGreaterThan(0);
    expect(incidents.records.length).toBeGreaterThan(0);
    // Some of the updated alerts existed before t0: an update, not only new alerts.
    expect(alerts.records.some((a) => ms(a.createdDateTime) < t0)).toBe(true);
    expect((await pageAll(sim, token, '/v1.0/auditLogs/directoryAudits')).records.length).toBeGreaterThan(audits);
    expect((await pageAll(sim, token, '/v1.0/identityProtection/riskDetections?$top=500')).records.length).toBeGreaterThan(detections);
    sim.setLiveRate(0);
  });

  it('adds, changes and deletes users, visible through users delta', async () => {
    const start = await graphGet(sim, token, '/v1.0/users/delta?$deltatoken=latest');
    sim.setLiveRate(600);
    sim.advance(10 * MINUTE);
    sim.setLiveRate(0);
    token = await accessToken(sim, 'live');
    const changes = await pageAll(sim, token, start.body['@odata.deltaLink'] as string);
    expect(changes.records.length).toBeGreaterThan(0);
    expect(changes.records.some((r) => !('@removed' in r))).toBe(true);
  });

  it('adds a secure score for each new UTC day', async () => {
    const before = (await pageAll(sim, token, '/v1.0/security/secureScores')).records;
    const newestDay = String(before[0]?.createdDateTime).slice(0, 10);
    sim.setLiveRate(1);
    sim.advance(6 * 3_600_000);
    sim.setLiveRate(0);
    token = await accessToken(sim, 'live');
    const after = (await pageAll(sim, token, '/v1.0/security/secureScores')).records;
    expect(after.length).toBe(before.length + 1);
    const added = after[0] as GraphRecord;
    expect(String(added.createdDateTime).slice(0, 10) > newestDay).toBe(true);
    expect(added.id).toBe(`${sim.tenant('live').info.tenantId}_${String(added.createdDateTime).slice(0, 10)}`);
  });
});
