import { describe, expect, it } from 'vitest';
import { userCreatedAndDeleted } from '../../src/detections/rules/user-created-and-deleted.ts';
import { DAY, HOUR, START, graphTime, records, run } from './detection-fixtures.ts';
import type { Item } from './detection-fixtures.ts';

type R = Record<string, unknown>;
const audits = records('auditLogs.directoryAudits');
const addUser = audits.find((r) => r.activityDisplayName === 'Add user' && r.result === 'success')!;
const deleteUser = audits.find((r) => r.activityDisplayName === 'Delete user' && r.result === 'success')!;

/** A simulator audit re-targeted at one user id at a set time. */
function audit(base: R, userId: string, at: number): Item {
  const r = JSON.parse(JSON.stringify(base)) as R;
  r.id = `${r.id as string}-${userId}-${at}`;
  r.activityDateTime = graphTime(at);
  (r.targetResources as R[])[0]!.id = userId;
  return { check: 'auditLogs.directoryAudits', record: r };
}

const U = '0f0e0d0c-0b0a-4909-8807-060504030201';

describe('user-created-and-deleted', () => {
  it('fires when the directory audits show a user added and deleted within 24 hours', () => {
    const alerts = run([userCreatedAndDeleted], [audit(addUser, U, START), audit(deleteUser, U, START + 5 * HOUR)]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ groupKey: U, fields: { hours: 5 } });
    expect(alerts[0]!.title).toMatch(/^User .+ created and deleted within 5 h$/);
  });

  it('fires at exactly 24 hours and is silent a millisecond later', () => {
    expect(run([userCreatedAndDeleted], [audit(addUser, U, START), audit(deleteUser, U, START + DAY)])).toHaveLength(1);
    expect(run([userCreatedAndDeleted], [audit(addUser, U, START), audit(deleteUser, U, START + DAY + 1)])).toHaveLength(0);
  });

  it('pairs a deletion that arrives before its late creation record', () => {
    expect(run([userCreatedAndDeleted], [audit(deleteUser, U, START + 2 * HOUR), audit(addUser, U, START)])).toHaveLength(1);
  });

  it('is silent for different users and for failed audits', () => {
    expect(run([userCreatedAndDeleted], [audit(addUser, U, START), audit(deleteUser, 'another-user', START + HOUR)])).toHaveLength(0);
    const failed = audit(deleteUser, U, START + HOUR);
    failed.record.result = 'failure';
    expect(run([userCreatedAndDeleted], [audit(addUser, U, START), failed])).toHaveLength(0);
  });

  it('on the simulator\'s audit log, fires exactly for users with an Add user and a later Delete user within 24 hours', () => {
    const ok = audits.filter((r) => r.result === 'success');
    const target = (r: R): string => String((r.targetResources as R[])[0]!.id).toLowerCase();
    const timeOf = (r: R): number => Date.parse(r.activityDateTime as string);
    const expected = new Set<string>();
    for (const add of ok.filter((r) => r.activityDisplayName === 'Add user')) {
      const paired = ok.some((d) => d.activityDisplayName === 'Delete user' && target(d) === target(add) && timeOf(d) >= timeOf(add) && timeOf(d) - timeOf(add) <= DAY);
      if (paired) expected.add(target(add));
    }
    const alerts = run([userCreatedAndDeleted], audits.map((record) => ({ check: 'auditLogs.directoryAudits' as const, record })));
    expect(new Set(alerts.map((a) => a.groupKey))).toEqual(expected);
    for (const a of alerts) expect(a.fields.hours as number).toBeLessThanOrEqual(24);
  });

  it('fires from the users delta: a new user, then its @removed entry', () => {
    const user: R = { ...records('users')[0]!, createdDateTime: graphTime(START + DAY - 2 * HOUR) };
    const removed = { '@odata.type': '#microsoft.graph.user', id: user.id, '@removed': { reason: 'deleted' } };
    // The users check stamps delta entries with the time they were received.
    const alerts = run([userCreatedAndDeleted], [
      { check: 'users', record: user },
      { check: 'users', record: removed },
    ]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.fields.userId).toBe(String(user.id).toLowerCase());
  });

  it('is silent when the delta deletes a user created long ago', () => {
    const user = records('users')[1]!;
    const removed = { '@odata.type': '#microsoft.graph.user', id: user.id, '@removed': { reason: 'deleted' } };
    expect(run([userCreatedAndDeleted], [{ check: 'users', record: user }, { check: 'users', record: removed }])).toHaveLength(0);
  });
});
