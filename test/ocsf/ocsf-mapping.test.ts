// Every check's records from the simulator's dataset (fixed seed), mapped to OCSF 1.8 and validated against the
// fixture schema (test/fixtures/ocsf-1.8/): required attributes present and typed, enum ids allowed, type_uid and
// category_uid right, referenced objects complete. Signals come from the normalizers (src/normalize/), and also from
// a small local stand-in so the mappings are tested on sparse signals too.
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECK_IDS, type CheckId } from '../../src/core/check-ids.ts';
import { OCSF_CLASS_OF_CHECK, toOcsf } from '../../src/ocsf/to-ocsf.ts';
import { normalize } from '../../src/normalize/normalizers.ts';
import { directoryAuditClassification } from '../../src/ocsf/directory-audit.ts';
import type { NormalizeContext, Signal } from '../../src/signals/signal.ts';
import { createTenantDataset } from '../../src/simulator/data/create-tenant-dataset.ts';
import type { GraphObject } from '../../src/simulator/data/dataset.ts';
import { localSignal } from './local-signal.ts';
import { loadOcsfSchema, validateOcsf, type Issue, type OcsfSchema } from './ocsf-validator.ts';

const TENANT = '7d3c0e2a-1b4f-4c55-9d7e-2f1a3b4c5d6e';
const DAY = 86_400_000;
const START = Date.UTC(2025, 5, 10, 10, 0, 0);

/** Every record of every check: the backfill, new versions of mutable objects, and users deleted in the delta. */
function datasetRecords(): Array<{ check: CheckId; raw: GraphObject; version: string }> {
  const ds = createTenantDataset({ seed: 'ocsf-mapping', tenantId: TENANT, domain: 'contoso.example.com', startTime: START, historyMs: 7 * DAY, volume: {} });
  const out: Array<{ check: CheckId; raw: GraphObject; version: string }> = [];
  for (const check of CHECK_IDS) {
    const data = ds.endpoint(check);
    for (let i = 0; i < data.size(); i++) out.push({ check, raw: data.render(i), version: 'v1' });
  }
  const later = START + DAY;
  for (const check of ['security.incidents', 'security.alerts_v2', 'identityProtection.riskDetections', 'identityProtection.riskyUsers', 'users'] as const) {
    for (const raw of ds.update(check, 10, later)) out.push({ check, raw, version: 'v2' });
  }
  for (const id of ds.deleteUsers(2, later)) out.push({ check: 'users', raw: { id, '@removed': { reason: 'deleted' } }, version: 'removed' });
  return out;
}

function ctxOf(check: CheckId, raw: GraphObject, version: string): NormalizeContext {
  return { integration: 'contoso', check, recordId: typeof raw['id'] === 'string' ? raw['id'] : 'unknown', version, tenantId: TENANT, time: new Date(START).toISOString() };
}

/** Issues other than those OCSF's data model cannot let us meet honestly (an incident nobody is assigned to). */
function unexpected(event: Record<string, unknown>, issues: Issue[]): Issue[] {
  return issues.filter((i) => !(event['class_uid'] === 2005 && i.kind === 'at_least_one' && i.message.includes('assignee')));
}

const records = datasetRecords();
let schema: OcsfSchema;

beforeAll(() => {
  schema = loadOcsfSchema();
});

describe('the OCSF fixture validator', () => {
  it('reports missing required attributes, wrong types, unknown attributes, bad enums, type_uid and category', () => {
    const issues = validateOcsf(schema, { class_uid: 3002, category_uid: 2, activity_id: 1, type_uid: 1, time: 'x', severity_id: 7, metadata: { version: '1.8.0' }, bogus: 1 });
    expect(issues.map((i) => [i.kind, i.path]).sort()).toEqual(
      [
        ['at_least_one', '(event)'],
        ['category', 'category_uid'],
        ['enum', 'severity_id'],
        ['required', 'metadata.product'],
        ['required', 'user'],
        ['type', 'time'],
        ['type_uid', 'type_uid'],
        ['unknown', 'bogus'],
      ].sort(),
    );
  });

  it('checks objects inside arrays against their own definitions', () => {
    const event = { class_uid: 2005, category_uid: 2, activity_id: 1, type_uid: 200501, time: 1, severity_id: 1, status_id: 1, metadata: { version: '1.8.0', product: { name: 'azsec' } }, finding_info_list: [{ title: 'no uid' }], assignee: { name: 'a' }, observables: [{ type_id: 1000, value: 'x' }] };
    expect(validateOcsf(schema, event).map((i) => [i.kind, i.path])).toEqual([
      ['required', 'finding_info_list[0].uid'],
      ['enum', 'observables[0].type_id'],
    ]);
  });
});

describe('OCSF 1.8 mapping of every check', () => {
  it('has records of every check in the dataset', () => {
    for (const check of CHECK_IDS) expect(records.some((r) => r.check === check), check).toBe(true);
  });

  for (const source of ['local stand-in', 'normalizers'] as const) {
    it(`maps every record to a valid event of its check's class (signals from the ${source})`, () => {
      const failures: string[] = [];
      for (const r of records) {
        const signal = source === 'normalizers' ? normalize(r.raw, ctxOf(r.check, r.raw, r.version)) : localSignal(r.check, r.raw, TENANT, r.version);
        const event = toOcsf(signal, r.raw);
        expect(OCSF_CLASS_OF_CHECK[r.check]).toContain(event['class_uid']);
        for (const issue of unexpected(event, validateOcsf(schema, event))) failures.push(`${r.check} ${String(r.raw['id'])}: ${issue.path}: ${issue.message}`);
      }
      expect(failures.slice(0, 20)).toEqual([]);
    });
  }

  it('stamps every event with the product, OCSF version, tenant and record identity', () => {
    const r = records.find((x) => x.check === 'auditLogs.signIns');
    if (!r) throw new Error('no sign-in');
    const event = toOcsf(localSignal(r.check, r.raw, TENANT, r.version), r.raw);
    expect(event['metadata']).toMatchObject({
      product: { name: 'azsec', vendor_name: 'azsec' },
      version: '1.8.0',
      tenant_uid: TENANT,
      log_name: 'auditLogs.signIns',
      uid: `contoso/auditLogs.signIns/${String(r.raw['id'])}/v1`,
    });
    expect(event['time']).toBe(Date.parse(String(r.raw['createdDateTime'])));
    expect(event['type_uid']).toBe(300201);
  });

  it('maps our severities to OCSF severity_id 1..5', () => {
    const r = records.find((x) => x.check === 'security.alerts_v2');
    if (!r) throw new Error('no alert');
    const ids = (['informational', 'low', 'medium', 'high', 'critical'] as const).map((severity) => toOcsf({ ...localSignal(r.check, r.raw, TENANT, 'v1'), severity }, r.raw)['severity_id']);
    expect(ids).toEqual([1, 2, 3, 4, 5]);
  });

  it('gives a failed sign-in status Failure with Graph error code and reason', () => {
    const r = records.find((x) => x.check === 'auditLogs.signIns' && (x.raw['status'] as { errorCode?: number }).errorCode !== 0);
    if (!r) throw new Error('no failed sign-in');
    const event = toOcsf(localSignal(r.check, r.raw, TENANT, r.version), r.raw);
    const status = r.raw['status'] as { errorCode: number; failureReason: string };
    expect(event).toMatchObject({ status_id: 2, status: 'Failure', status_code: String(status.errorCode), status_detail: status.failureReason });
  });

  it('chooses the IAM class of a directory audit by its activity', () => {
    const cases: Array<[string, string, string, number, number]> = [
      ['Add user', 'UserManagement', 'Add', 3001, 1],
      ['Reset user password', 'UserManagement', 'Update', 3001, 4],
      ['Delete user', 'UserManagement', 'Delete', 3001, 6],
      ['Update user', 'UserManagement', 'Update', 3001, 99],
      ['Add member to role', 'RoleManagement', 'Assign', 3005, 1],
      ['Remove member from role', 'RoleManagement', 'Unassign', 3005, 2],
      ['Consent to application', 'ApplicationManagement', 'Assign', 3005, 1],
      ['Add member to group', 'GroupManagement', 'Assign', 3006, 3],
      ['Remove member from group', 'GroupManagement', 'Unassign', 3006, 4],
      ['Add service principal credentials', 'ApplicationManagement', 'Update', 3004, 3],
      ['Add conditional access policy', 'Policy', 'Add', 3004, 1],
    ];
    for (const [activityDisplayName, category, operationType, classUid, activityId] of cases) {
      const c = directoryAuditClassification({ activityDisplayName, category, operationType });
      expect([activityDisplayName, c.classUid, c.activityId]).toEqual([activityDisplayName, classUid, activityId]);
    }
  });

  it('names the role granted as the privilege of a role assignment', () => {
    const r = records.find((x) => x.check === 'auditLogs.directoryAudits' && x.raw['activityDisplayName'] === 'Add member to role');
    if (!r) throw new Error('no role assignment');
    const event = toOcsf(localSignal(r.check, r.raw, TENANT, r.version), r.raw);
    const target = (r.raw['targetResources'] as Array<{ id: string; modifiedProperties: Array<{ displayName: string; newValue: string }> }>)[0];
    const role = JSON.parse(target?.modifiedProperties.find((p) => p.displayName === 'Role.DisplayName')?.newValue ?? '""') as string;
    expect(event).toMatchObject({ class_uid: 3005, activity_id: 1, privileges: [role], user: { uid: target?.id } });
  });

  it('emits one observable per indicator value, with OCSF type ids and 99 Other for our own types', () => {
    const r = records.find((x) => x.check === 'auditLogs.signIns');
    if (!r) throw new Error('no sign-in');
    const signal: Signal = {
      ...localSignal(r.check, r.raw, TENANT, r.version),
      indicators: { ip: ['203.0.113.7'], upn: ['a@contoso.example.com'], email: ['a@contoso.example.com'], sha256: ['ab'], correlation_id: ['c1'], domain: ['contoso.example.com'] },
    };
    const observables = toOcsf(signal, r.raw)['observables'] as Array<{ type_id: number; value: string }>;
    expect(observables.map((o) => [o.type_id, o.value])).toEqual([
      [2, '203.0.113.7'],
      [1, 'contoso.example.com'],
      [5, 'a@contoso.example.com'],
      [4, 'a@contoso.example.com'],
      [8, 'ab'],
      [99, 'c1'],
    ]);
  });

  it('closes a resolved alert and lists its evidence', () => {
    const r = records.find((x) => x.check === 'security.alerts_v2' && x.raw['status'] === 'resolved');
    if (!r) throw new Error('no resolved alert');
    const event = toOcsf(localSignal(r.check, r.raw, TENANT, r.version), r.raw);
    expect(event).toMatchObject({ class_uid: 2004, activity_id: 3, type_uid: 200403, status_id: 4, finding_info: { uid: r.raw['id'], title: r.raw['title'] } });
    expect((event['evidences'] as unknown[]).length).toBe((r.raw['evidence'] as unknown[]).length);
  });

  it('keeps the raw record out of the OCSF event', () => {
    for (const r of records.filter((_, i) => i % 25 === 0)) {
      const event = toOcsf(localSignal(r.check, r.raw, TENANT, r.version), r.raw);
      expect(event['unmapped']).toBeUndefined();
      expect(event['raw_data']).toBeUndefined();
    }
  });
});
