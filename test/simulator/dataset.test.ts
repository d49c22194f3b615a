// The simulator's generated tenant data: determinism, order, shapes against Microsoft's samples and CSDL enums,
// cross-endpoint consistency, late additions, versions, deletions, the live tick, and a million sign-ins.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTenantDataset } from '../../src/simulator/data/create-tenant-dataset.ts';
import type { DatasetOptions, EndpointData, GraphObject, TenantDataset } from '../../src/simulator/data/dataset.ts';
import type { SimEndpoint } from '../../src/simulator/types.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const samplesDir = path.resolve(repoRoot, '..', 'shared', 'graph-samples');
const haveSamples = existsSync(samplesDir);
if (!haveSamples) console.warn(`skipping sample-shape tests: ${samplesDir} is missing`);

const DAY = 86_400_000;
const MINUTE = 60_000;
const START = Date.UTC(2025, 5, 10, 10, 0, 0);
const TENANT = '7d3c0e2a-1b4f-4c55-9d7e-2f1a3b4c5d6e';

const ENDPOINTS: SimEndpoint[] = [
  'users',
  'auditLogs.signIns',
  'auditLogs.directoryAudits',
  'security.incidents',
  'security.alerts_v2',
  'identityProtection.riskDetections',
  'identityProtection.riskyUsers',
  'security.secureScores',
];

function options(over: Partial<DatasetOptions> = {}): DatasetOptions {
  return { seed: 'test-seed', tenantId: TENANT, domain: 'contoso-3.example.com', startTime: START, historyMs: 7 * DAY, volume: {}, ...over };
}

function all(d: EndpointData): GraphObject[] {
  return Array.from({ length: d.size() }, (_, i) => d.render(i));
}

function dump(ds: TenantDataset): string {
  return JSON.stringify(ENDPOINTS.map((e) => all(ds.endpoint(e))));
}

function ms(iso: unknown): number {
  return Date.parse(String(iso));
}

function expectSorted(d: EndpointData): void {
  for (let i = 1; i < d.size(); i++) {
    const a = d.timeAt(i - 1);
    const b = d.timeAt(i);
    if (a > b || (a === b && d.idAt(i - 1) >= d.idAt(i))) {
      throw new Error(`${d.endpoint} out of order at ${i}: (${a}, ${d.idAt(i - 1)}) then (${b}, ${d.idAt(i)})`);
    }
  }
}

function readSample(name: string): unknown {
  return JSON.parse(readFileSync(path.join(samplesDir, name), 'utf8'));
}

function firstValue(name: string): Record<string, unknown> {
  const body = readSample(name) as { value?: Array<Record<string, unknown>> } & Record<string, unknown>;
  return body.value?.[0] ?? body;
}

/** Enum members per type from the CSDL extract ("microsoft.graph.riskLevel ['low', ...]"). */
function csdlEnums(): Map<string, Set<string>> {
  const text = readFileSync(path.join(samplesDir, 'csdl_v1.0_extract.txt'), 'utf8');
  const enums = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const m = /^microsoft\.graph\.(\S+) \[(.*)\]$/.exec(line.trim());
    if (m) enums.set(m[1]!, new Set(JSON.parse(`[${m[2]!.replace(/'/g, '"')}]`) as string[]));
  }
  return enums;
}

describe('tenant dataset', () => {
  it('renders byte-identical records for the same options and different ones for another seed', () => {
    const a = dump(createTenantDataset(options()));
    const b = dump(createTenantDataset(options()));
    const c = dump(createTenantDataset(options({ seed: 'another-seed' })));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('returns a fresh object from every render, so callers mutating it change nothing', () => {
    const ds = createTenantDataset(options());
    for (const e of ENDPOINTS) {
      const d = ds.endpoint(e);
      const snapshot = JSON.stringify(d.render(0));
      const mutated = d.render(0);
      for (const v of Object.values(mutated)) {
        if (Array.isArray(v)) v.push('mutated');
        else if (v && typeof v === 'object') (v as Record<string, unknown>).mutated = true;
      }
      mutated.id = 'mutated';
      expect(JSON.stringify(d.render(0))).toBe(snapshot);
    }
  });

  it('holds the default volumes with initial records inside the history window', () => {
    const ds = createTenantDataset(options());
    const sizes = Object.fromEntries(ENDPOINTS.map((e) => [e, ds.endpoint(e).size()]));
    expect(sizes).toEqual({
      users: 60,
      'auditLogs.signIns': 500,
      'auditLogs.directoryAudits': 150,
      'security.incidents': 12,
      'security.alerts_v2': 30,
      'identityProtection.riskDetections': 25,
      'identityProtection.riskyUsers': 8,
      'security.secureScores': 7,
    });
    for (const e of ENDPOINTS) {
      const d = ds.endpoint(e);
      for (let i = 0; i < d.size(); i++) {
        expect(d.timeAt(i)).toBeLessThanOrEqual(START);
        expect(d.timeAt(i)).toBeGreaterThanOrEqual(START - 7 * DAY - DAY);
      }
    }
  });

  it('keeps every endpoint sorted by (time, id) with timeAt/idAt matching the rendered record', () => {
    const ds = createTenantDataset(options());
    for (const e of ENDPOINTS) {
      const d = ds.endpoint(e);
      expectSorted(d);
      for (let i = 0; i < d.size(); i++) {
        const rec = d.render(i);
        expect(rec.id).toBe(d.idAt(i));
        // Secure scores carry whole seconds; every other time property is exact to the millisecond.
        expect(ms(rec[d.timeProperty])).toBe(e === 'security.secureScores' ? Math.floor(d.timeAt(i) / 1000) * 1000 : d.timeAt(i));
      }
    }
  });

  it('answers lowerBound and upperBound like a linear scan, including at exact record times', () => {
    const ds = createTenantDataset(options({ volume: { 'auditLogs.signIns': 3000 } }));
    // Records sharing a millisecond make the bounds interesting.
    ds.add('auditLogs.signIns', 5, START, { at: START - DAY });
    for (const e of ENDPOINTS) {
      const d = ds.endpoint(e);
      const times = Array.from({ length: d.size() }, (_, i) => d.timeAt(i));
      const probes = [START - 30 * DAY, START + DAY, START - DAY, ...times.filter((_, i) => i % 97 === 0), ...times.filter((_, i) => i % 89 === 0).map((t) => t + 1)];
      for (const t of probes) {
        const lower = times.findIndex((x) => x >= t);
        const upper = times.findIndex((x) => x > t);
        expect(d.lowerBound(t)).toBe(lower < 0 ? times.length : lower);
        expect(d.upperBound(t)).toBe(upper < 0 ? times.length : upper);
      }
    }
  });

  it('gives each sign-in a unique GUID id and a realistic mix of outcomes, protocols, risk and places', () => {
    const ds = createTenantDataset(options({ volume: { 'auditLogs.signIns': 4000 } }));
    const recs = all(ds.endpoint('auditLogs.signIns'));
    const ids = new Set(recs.map((r) => r.id));
    expect(ids.size).toBe(recs.length);
    for (const r of recs) expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const status = recs.map((r) => r.status as { errorCode: number });
    const success = status.filter((s) => s.errorCode === 0).length / recs.length;
    expect(success).toBeGreaterThan(0.8);
    expect(success).toBeLessThan(0.9);
    const codes = new Set(status.map((s) => s.errorCode));
    for (const code of [50126, 50074, 500121, 53003, 50076]) expect(codes).toContain(code);
    const clients = new Set(recs.map((r) => r.clientAppUsed));
    for (const c of ['Browser', 'IMAP4', 'POP3', 'Exchange ActiveSync', 'Authenticated SMTP', 'Other clients']) expect(clients).toContain(c);
    expect(recs.some((r) => r.riskLevelDuringSignIn === 'high')).toBe(true);
    expect(recs.some((r) => r.riskLevelDuringSignIn === 'medium')).toBe(true);
    expect(recs.some((r) => (r.riskEventTypes_v2 as string[]).includes('anonymizedIPAddress'))).toBe(true);
    expect(recs.some((r) => String((r.status as { additionalDetails: unknown }).additionalDetails).startsWith('MFA'))).toBe(true);
    expect(new Set(recs.map((r) => (r.location as { countryOrRegion: string }).countryOrRegion)).size).toBeGreaterThan(10);
    expect(new Set(recs.map((r) => r.userAgent)).size).toBeGreaterThan(10);
    for (const r of recs) {
      expect(r.userPrincipalName).toBe(String(r.userPrincipalName).toLowerCase());
      const ip = String(r.ipAddress);
      expect(ip.startsWith('203.0.113.') || ip.startsWith('198.51.100.') || ip.startsWith('192.0.2.') || ip.startsWith('2001:db8:')).toBe(true);
    }
  });

  it.skipIf(!haveSamples)('renders the main properties of the documentation samples for every endpoint', () => {
    const ds = createTenantDataset(options());
    const samples: Array<[SimEndpoint, string]> = [
      ['auditLogs.signIns', 'auditLogs_signIns.normalized.json'],
      ['auditLogs.directoryAudits', 'auditLogs_directoryAudits.json'],
      ['security.incidents', 'security_incidents.json'],
      ['security.alerts_v2', 'security_alerts_v2.json'],
      ['identityProtection.riskDetections', 'identityProtection_riskDetections.json'],
      ['identityProtection.riskyUsers', 'identityProtection_riskyUsers.json'],
      ['security.secureScores', 'security_secureScores.json'],
      ['users', 'users.json'],
    ];
    for (const [endpoint, file] of samples) {
      const sample = firstValue(file);
      const d = ds.endpoint(endpoint);
      expect(d.size()).toBeGreaterThan(0);
      for (let i = 0; i < d.size(); i++) {
        const rec = d.render(i);
        for (const k of Object.keys(sample)) {
          // riskEventTypes (v1) and the alert's evidence are checked separately; everything else must be there.
          expect(rec, `${endpoint} record lacks ${k}`).toHaveProperty([k]);
          const sv = sample[k];
          if (sv !== null && typeof sv === 'object' && !Array.isArray(sv) && rec[k] !== null) {
            for (const sub of Object.keys(sv)) expect(rec[k], `${endpoint}.${k} lacks ${sub}`).toHaveProperty([sub]);
          }
        }
      }
    }
  });

  it.skipIf(!haveSamples)('renders evidence with the properties of the documented evidence types', () => {
    const ds = createTenantDataset(options({ volume: { 'security.alerts_v2': 120, 'security.incidents': 30 } }));
    const evidence = all(ds.endpoint('security.alerts_v2')).flatMap((a) => a.evidence as GraphObject[]);
    const byType = (t: string): GraphObject[] => evidence.filter((e) => e['@odata.type'] === `#microsoft.graph.security.${t}`);
    const templates: Array<Record<string, unknown>> = ['mailboxEvidence', 'analyzedMessageEvidence', 'urlEvidence', 'mailClusterEvidence'].map((t) =>
      firstValue(`evidence_${t}.json`),
    );
    const documented = (readSample('security_alerts_v2_with_evidence.json') as { evidence: Array<Record<string, unknown>> }).evidence;
    for (const sample of [...templates, ...documented]) {
      const type = String(sample['@odata.type']).replace('#microsoft.graph.security.', '');
      const ours = byType(type);
      expect(ours.length, type).toBeGreaterThan(0);
      for (const e of ours) for (const k of Object.keys(sample)) expect(e, `${type} lacks ${k}`).toHaveProperty([k]);
    }
  });

  it.skipIf(!haveSamples)('uses only enum members of the v1.0 CSDL', () => {
    const enums = csdlEnums();
    const ds = createTenantDataset(options({ volume: { 'auditLogs.signIns': 2000, 'security.alerts_v2': 80, 'security.incidents': 20, 'identityProtection.riskDetections': 80, 'identityProtection.riskyUsers': 30 } }));
    ds.update('security.incidents', 15, START + MINUTE);
    ds.update('security.incidents', 15, START + 2 * MINUTE);
    ds.update('security.alerts_v2', 60, START + MINUTE);
    ds.update('security.alerts_v2', 60, START + 2 * MINUTE);
    ds.update('identityProtection.riskDetections', 40, START + MINUTE);
    ds.update('identityProtection.riskyUsers', 20, START + MINUTE);
    const check = (type: string, value: unknown, where: string): void => {
      const members = enums.get(type);
      if (!members) throw new Error(`no enum ${type} in the CSDL extract`);
      expect(members.has(String(value)), `${where}: '${String(value)}' is not a member of ${type}`).toBe(true);
    };
    for (const s of all(ds.endpoint('auditLogs.signIns'))) {
      check('conditionalAccessStatus', s.conditionalAccessStatus, 'signIn.conditionalAccessStatus');
      check('riskDetail', s.riskDetail, 'signIn.riskDetail');
      check('riskLevel', s.riskLevelAggregated, 'signIn.riskLevelAggregated');
      check('riskLevel', s.riskLevelDuringSignIn, 'signIn.riskLevelDuringSignIn');
      check('riskState', s.riskState, 'signIn.riskState');
      for (const p of s.appliedConditionalAccessPolicies as GraphObject[]) check('appliedConditionalAccessPolicyResult', p.result, 'signIn.appliedConditionalAccessPolicies.result');
    }
    for (const a of all(ds.endpoint('auditLogs.directoryAudits'))) check('operationResult', a.result, 'directoryAudit.result');
    for (const i of all(ds.endpoint('security.incidents'))) {
      check('security.incidentStatus', i.status, 'incident.status');
      check('security.alertSeverity', i.severity, 'incident.severity');
      check('security.alertClassification', i.classification, 'incident.classification');
      check('security.alertDetermination', i.determination, 'incident.determination');
    }
    for (const a of all(ds.endpoint('security.alerts_v2'))) {
      check('security.alertStatus', a.status, 'alert.status');
      check('security.alertSeverity', a.severity, 'alert.severity');
      check('security.alertClassification', a.classification, 'alert.classification');
      check('security.alertDetermination', a.determination, 'alert.determination');
      check('security.serviceSource', a.serviceSource, 'alert.serviceSource');
      check('security.detectionSource', a.detectionSource, 'alert.detectionSource');
      for (const e of a.evidence as GraphObject[]) {
        check('security.evidenceVerdict', e.verdict, 'evidence.verdict');
        check('security.evidenceRemediationStatus', e.remediationStatus, 'evidence.remediationStatus');
        for (const role of e.roles as string[]) check('security.evidenceRole', role, 'evidence.roles');
        if ('detectionStatus' in e) check('security.detectionStatus', e.detectionStatus, 'evidence.detectionStatus');
      }
    }
    for (const r of all(ds.endpoint('identityProtection.riskDetections'))) {
      check('riskState', r.riskState, 'riskDetection.riskState');
      check('riskLevel', r.riskLevel, 'riskDetection.riskLevel');
      check('riskDetail', r.riskDetail, 'riskDetection.riskDetail');
      check('activityType', r.activity, 'riskDetection.activity');
      check('riskDetectionTimingType', r.detectionTimingType, 'riskDetection.detectionTimingType');
      check('tokenIssuerType', r.tokenIssuerType, 'riskDetection.tokenIssuerType');
    }
    for (const u of all(ds.endpoint('identityProtection.riskyUsers'))) {
      check('riskState', u.riskState, 'riskyUser.riskState');
      check('riskLevel', u.riskLevel, 'riskyUser.riskLevel');
      check('riskDetail', u.riskDetail, 'riskyUser.riskDetail');
    }
  });

  it('gives alerts evidence of every common type across the dataset and links each to an existing incident', () => {
    const ds = createTenantDataset(options());
    const incidents = new Set(all(ds.endpoint('security.incidents')).map((i) => i.id));
    const alerts = all(ds.endpoint('security.alerts_v2'));
    const types = new Set<string>();
    for (const a of alerts) {
      expect(incidents.has(a.incidentId)).toBe(true);
      expect(a.id).toMatch(/^[a-z]{2}\d{18}_-?\d+$/);
      expect(a.providerAlertId).toBe(a.id);
      for (const e of a.evidence as GraphObject[]) {
        types.add(String(e['@odata.type']));
        expect(e).toHaveProperty('createdDateTime');
        expect(e).toHaveProperty('verdict');
        expect(e).toHaveProperty('remediationStatus');
        expect(e).toHaveProperty('roles');
        expect(e).toHaveProperty('tags');
        expect(e).toHaveProperty('detailedRoles');
        const hashes = [e.fileDetails, e.imageFile].filter((f): f is GraphObject => typeof f === 'object' && f !== null);
        for (const f of hashes) {
          expect(f.md5).toMatch(/^[0-9a-f]{32}$/);
          expect(f.sha1).toMatch(/^[0-9a-f]{40}$/);
          expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
        }
      }
    }
    const expected = [
      'mailboxEvidence', 'analyzedMessageEvidence', 'urlEvidence', 'mailClusterEvidence', 'userEvidence', 'ipEvidence',
      'deviceEvidence', 'fileEvidence', 'processEvidence', 'registryKeyEvidence', 'registryValueEvidence', 'cloudApplicationEvidence',
    ];
    for (const t of expected) expect(types).toContain(`#microsoft.graph.security.${t}`);
    // Office 365 alerts carry mail evidence; Endpoint alerts carry device evidence.
    for (const a of alerts) {
      const kinds = (a.evidence as GraphObject[]).map((e) => String(e['@odata.type']));
      if (a.serviceSource === 'microsoftDefenderForOffice365') expect(kinds.some((k) => /mailbox|analyzedMessage|mailCluster/.test(k))).toBe(true);
      if (a.serviceSource === 'microsoftDefenderForEndpoint') expect(kinds).toContain('#microsoft.graph.security.deviceEvidence');
    }
  });

  it('encodes riskDetection additionalInfo as a JSON string', () => {
    const ds = createTenantDataset(options());
    for (const r of all(ds.endpoint('identityProtection.riskDetections'))) {
      expect(typeof r.additionalInfo).toBe('string');
      expect(Array.isArray(JSON.parse(String(r.additionalInfo)))).toBe(true);
    }
  });

  it('quotes the same users (id, UPN, display name) across endpoints as /users holds', () => {
    const ds = createTenantDataset(options());
    const expectUser = (id: unknown, upn: unknown, displayName?: unknown): void => {
      const u = ds.user(String(id));
      expect(u, `unknown user ${String(id)}`).toBeDefined();
      expect(upn).toBe(u?.userPrincipalName);
      if (displayName !== undefined) expect(displayName).toBe(u?.displayName);
    };
    for (const s of all(ds.endpoint('auditLogs.signIns'))) expectUser(s.userId, s.userPrincipalName, s.userDisplayName);
    for (const r of all(ds.endpoint('identityProtection.riskDetections'))) expectUser(r.userId, r.userPrincipalName, r.userDisplayName);
    const risky = all(ds.endpoint('identityProtection.riskyUsers'));
    for (const r of risky) expectUser(r.id, r.userPrincipalName, r.userDisplayName);
    expect(new Set(risky.map((r) => r.id)).size).toBe(risky.length);
    for (const a of all(ds.endpoint('auditLogs.directoryAudits'))) {
      const by = (a.initiatedBy as { user: GraphObject | null }).user;
      if (by) expectUser(by.id, by.userPrincipalName);
      for (const t of a.targetResources as GraphObject[]) if (t.type === 'User') expectUser(t.id, t.userPrincipalName);
    }
    for (const a of all(ds.endpoint('security.alerts_v2'))) {
      for (const e of a.evidence as GraphObject[]) {
        const acct = e.userAccount as GraphObject | undefined;
        if (acct?.azureAdUserId) expectUser(acct.azureAdUserId, acct.userPrincipalName, acct.displayName);
      }
    }
    const users = all(ds.endpoint('users'));
    expect(new Set(users.map((u) => u.userPrincipalName)).size).toBe(users.length);
    for (const u of users) expect(u.userPrincipalName).toMatch(/^[a-z]+\.[a-z]+\d*@contoso-3\.example\.com$/);
  });

  it('inserts a late sign-in at its sorted position and finds it by its time', () => {
    const ds = createTenantDataset(options({ volume: { 'auditLogs.signIns': 2000 } }));
    const d = ds.endpoint('auditLogs.signIns');
    const lateBy = 2 * DAY + 123;
    const [rec] = ds.add('auditLogs.signIns', 1, START, { lateByMs: lateBy });
    expect(ms(rec?.createdDateTime)).toBe(START - lateBy);
    expect(d.size()).toBe(2001);
    expectSorted(d);
    const i = d.lowerBound(START - lateBy);
    const at = Array.from({ length: d.upperBound(START - lateBy) - i }, (_, j) => d.idAt(i + j));
    expect(at).toContain(rec?.id);
    expect(d.render(i + at.indexOf(String(rec?.id)))).toEqual(rec);
    // Several records at one instant, before existing ones: ordered by id among themselves.
    const same = ds.add('auditLogs.signIns', 4, START, { at: d.timeAt(10) });
    expect(same).toHaveLength(4);
    expectSorted(d);
    expect(d.upperBound(d.timeAt(10)) - d.lowerBound(d.timeAt(10))).toBeGreaterThanOrEqual(5);
  });

  it('keeps sign-ins sorted through thousands of late additions (overflow merges)', () => {
    const ds = createTenantDataset(options({ volume: { 'auditLogs.signIns': 5000 } }));
    const d = ds.endpoint('auditLogs.signIns');
    for (let i = 0; i < 1500; i++) ds.add('auditLogs.signIns', 1, START + i * 1000, { lateByMs: ((i * 7919) % 7000) * MINUTE });
    expect(d.size()).toBe(6500);
    expectSorted(d);
    const ids = new Set(Array.from({ length: d.size() }, (_, i) => d.idAt(i)));
    expect(ids.size).toBe(6500);
  });

  it('makes a new version of an incident stamped with simNow, keeping its id and place', () => {
    const ds = createTenantDataset(options());
    const d = ds.endpoint('security.incidents');
    const before = all(d);
    const now = START + 5 * MINUTE;
    const updated = ds.update('security.incidents', 3, now);
    expect(updated).toHaveLength(3);
    for (const u of updated) {
      expect(u.lastUpdateDateTime).toBe(new Date(now).toISOString().replace('Z', '0000Z'));
      const i = before.findIndex((b) => b.id === u.id);
      expect(i).toBeGreaterThanOrEqual(0);
      expect(d.render(i)).toEqual(u);
      expect(u.createdDateTime).toBe(before[i]?.createdDateTime);
      const old = before[i]!;
      expect([u.status, u.classification, u.assignedTo, JSON.stringify(u.comments)]).not.toEqual([old.status, old.classification, old.assignedTo, JSON.stringify(old.comments)]);
    }
    const alerts = ds.update('security.alerts_v2', 2, now);
    for (const a of alerts) expect(ms(a.lastUpdateDateTime)).toBe(now);
  });

  it('moves updated risk detections and risky users to their new version time', () => {
    const ds = createTenantDataset(options());
    const now = START + 10 * MINUTE;
    for (const e of ['identityProtection.riskDetections', 'identityProtection.riskyUsers'] as const) {
      const d = ds.endpoint(e);
      const size = d.size();
      const updated = ds.update(e, 2, now);
      expect(updated).toHaveLength(2);
      expect(d.size()).toBe(size);
      expectSorted(d);
      const tail = [d.idAt(size - 1), d.idAt(size - 2)];
      for (const u of updated) {
        expect(ms(u[d.timeProperty])).toBe(now);
        expect(tail).toContain(u.id);
      }
    }
    const det = all(ds.endpoint('identityProtection.riskDetections')).filter((r) => ms(r.lastUpdatedDateTime) === now);
    for (const r of det) expect(ms(r.detectedDateTime)).toBeLessThan(now);
  });

  it('numbers user changes for delta: initial users 1..N, then additions, updates and deletions', () => {
    const ds = createTenantDataset(options());
    const initial = ds.userChangesSince(0);
    expect(initial.latestSeq).toBe(60);
    expect(initial.changes.map((c) => c.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const [added] = ds.add('users', 1, START + MINUTE);
    const [changed] = ds.update('users', 1, START + 2 * MINUTE);
    const deleted = ds.deleteUsers(2, START + 3 * MINUTE);
    expect(deleted).toHaveLength(2);
    const delta = ds.userChangesSince(60);
    expect(delta.latestSeq).toBe(60 + 1 + 1 + 2);
    // One entry per user (its latest change), in seq order.
    expect(new Set(delta.changes.map((c) => c.id))).toEqual(new Set([added?.id, changed?.id, ...deleted]));
    expect(delta.changes.length).toBe(new Set([added?.id, changed?.id, ...deleted]).size);
    for (let i = 1; i < delta.changes.length; i++) expect(delta.changes[i]!.seq).toBeGreaterThan(delta.changes[i - 1]!.seq);
    for (const id of deleted) {
      expect(delta.changes.find((c) => c.id === id)?.removed).toBe('deleted');
      expect(ds.user(id)?.id).toBe(id);
      const users = ds.endpoint('users');
      expect(Array.from({ length: users.size() }, (_, i) => users.idAt(i))).not.toContain(id);
    }
    expect(delta.changes.find((c) => c.id === added?.id)?.removed).toBeUndefined();
    expect(ds.endpoint('users').size()).toBe(60 + 1 - 2);
    expect(ds.userChangesSince(delta.latestSeq).changes).toEqual([]);
  });

  it('generates live records at about the requested rate, some of them late, deterministically', () => {
    const run = (): { ds: TenantDataset; late: number; signIns: number; total: number } => {
      const ds = createTenantDataset(options());
      const before = ENDPOINTS.reduce((s, e) => s + ds.endpoint(e).size(), 0);
      const si = ds.endpoint('auditLogs.signIns');
      let now = START;
      ds.tick(now, 200);
      let late = 0;
      let signIns = 0;
      for (let k = 0; k < 60; k++) {
        const prev = now;
        const from = si.size();
        const lateFloor = si.upperBound(prev);
        now += 30_000;
        ds.tick(now, 200);
        signIns += si.size() - from;
        // Records that landed before the previous tick's time arrived late.
        late += si.upperBound(prev) - lateFloor;
      }
      const total = ENDPOINTS.reduce((s, e) => s + ds.endpoint(e).size(), 0) - before;
      return { ds, late, signIns, total };
    };
    const a = run();
    // 30 minutes at 200/min: ~6000 events (users deleted and updates don't add records).
    expect(a.total).toBeGreaterThan(5000);
    expect(a.total).toBeLessThan(7000);
    expect(a.signIns).toBeGreaterThan(4000);
    expect(a.late / a.signIns).toBeGreaterThan(0.03);
    expect(a.late / a.signIns).toBeLessThan(0.2);
    expectSorted(a.ds.endpoint('auditLogs.signIns'));
    expectSorted(a.ds.endpoint('identityProtection.riskDetections'));
    const incidents = new Set(all(a.ds.endpoint('security.incidents')).map((i) => i.id));
    for (const al of all(a.ds.endpoint('security.alerts_v2'))) expect(incidents.has(al.incidentId)).toBe(true);
    expect(dump(run().ds)).toBe(dump(a.ds));
  });

  it('changes nothing while the live rate is 0, even across days', () => {
    const ds = createTenantDataset(options());
    const before = dump(ds);
    ds.tick(START, 0);
    ds.tick(START + 3 * DAY, 0);
    expect(dump(ds)).toBe(before);
  });

  it('adds one secure score per UTC day boundary crossed and caps a big time jump', () => {
    const ds = createTenantDataset(options({ volume: { 'security.secureScores': 90 } }));
    const scores = ds.endpoint('security.secureScores');
    expect(scores.size()).toBe(90);
    ds.tick(START, 20);
    ds.tick(START + 2 * DAY, 20);
    expect(scores.size()).toBe(92);
    const last = scores.render(scores.size() - 1);
    expect(last.id).toBe(`${TENANT}_${new Date(START + 2 * DAY).toISOString().slice(0, 10)}`);
    expect(String(last.createdDateTime)).toMatch(/T00:00:00Z$/);
    const si = ds.endpoint('auditLogs.signIns');
    const before = si.size();
    ds.tick(START + 40 * DAY, 1000);
    expect(si.size() - before).toBeLessThanOrEqual(10_000);
    expectSorted(scores);
    const values = Array.from({ length: 90 }, (_, i) => Number(scores.render(i).currentScore));
    const drops = values.filter((v, i) => i > 0 && v < values[i - 1]! * 0.95);
    expect(drops.length).toBeGreaterThan(0);
    expect(new Set(values).size).toBeGreaterThan(10);
  });

  it('replaces the day\'s secure score when one is added for a day that has it', () => {
    const ds = createTenantDataset(options());
    const d = ds.endpoint('security.secureScores');
    const size = d.size();
    const [rec] = ds.add('security.secureScores', 1, START + MINUTE);
    expect(d.size()).toBe(size);
    expect(rec?.id).toBe(`${TENANT}_${new Date(START).toISOString().slice(0, 10)}`);
    expect(d.render(size - 1)).toEqual(rec);
    expectSorted(d);
  });

  it('refuses indexes outside the records', () => {
    const d = createTenantDataset(options()).endpoint('security.incidents');
    expect(() => d.render(d.size())).toThrow(RangeError);
    expect(() => d.idAt(-1)).toThrow(RangeError);
  });

  it('holds a million sign-ins compactly and renders the newest of them', () => {
    const ds = createTenantDataset(options({ historyMs: 30 * DAY, volume: { 'auditLogs.signIns': 1_000_000 } }));
    const d = ds.endpoint('auditLogs.signIns');
    expect(d.size()).toBe(1_000_000);
    const last = Array.from({ length: 1000 }, (_, j) => d.render(d.size() - 1000 + j));
    expect(new Set(last.map((r) => r.id)).size).toBe(1000);
    for (let j = 1; j < last.length; j++) expect(ms(last[j]?.createdDateTime)).toBeGreaterThanOrEqual(ms(last[j - 1]?.createdDateTime));
    expect(ms(last[999]?.createdDateTime)).toBeLessThanOrEqual(START);
    expect(d.render(d.size() - 1)).toEqual(d.render(d.size() - 1));
    const i = d.lowerBound(START - DAY);
    expect(d.timeAt(i)).toBeGreaterThanOrEqual(START - DAY);
    expect(d.timeAt(i - 1)).toBeLessThan(START - DAY);
    ds.add('auditLogs.signIns', 1, START, { lateByMs: 10 * DAY });
    expect(d.size()).toBe(1_000_001);
  });
});
