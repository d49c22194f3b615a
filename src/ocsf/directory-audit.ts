// auditLogs.directoryAudits → one of four OCSF Identity & Access Management classes, chosen by the activity:
//
//   activity (activityDisplayName, category)                  class                        activity_id
//   Add user                                                  3001 Account Change          1 Create
//   Enable account                                            3001 Account Change          2 Enable
//   Change user password / Change password (self-service)     3001 Account Change          3 Password Change
//   Reset user password / Reset password (by admin)           3001 Account Change          4 Password Reset
//   Disable account                                           3001 Account Change          5 Disable
//   Delete user / Hard delete user                            3001 Account Change          6 Delete
//   other UserManagement (Update user, ...)                   3001 Account Change          99 Other
//   Add (eligible) member to role, Add app role assignment…,  3005 User Access Management  1 Assign Privileges
//     Consent to application
//   Remove (eligible) member from role, Remove app role…,     3005 User Access Management  2 Revoke Privileges
//     Revoke consent
//   Add member to group / Add owner to group                  3006 Group Management        3 Add User
//   Remove member from group / Remove owner from group        3006 Group Management        4 Remove User
//   Add group                                                 3006 Group Management        6 Create
//   Delete group / Hard delete group                          3006 Group Management        5 Delete
//   other GroupManagement                                     3006 Group Management        99 Other
//   anything else (applications, service principals,          3004 Entity Management       by operationType:
//     policies, devices, directory settings, ...)                                          Add 1 Create, Update 3
//                                                                                          Update, Delete 4 Delete,
//                                                                                          else 99 Other
//
// status_id 1 Success / 2 Failure from `result` (0 Unknown otherwise); status_detail = resultReason. actor is the
// initiating user (with src_endpoint from its ipAddress) or app. The required objects (user, privileges, group,
// entity) come from targetResources and their modifiedProperties; when a record lacks them the class still gets a
// valid object naming what is known (the activity), so no record is dropped.
import type { Signal } from '../signals/signal.ts';
import { ocsfBase, type OcsfClassification, type OcsfObject } from './ocsf-base.ts';
import { actorOf, endpointOf, requiredUser } from './ocsf-objects.ts';
import { observablesOf } from './observables.ts';
import { compact, objects, str, type Raw } from './raw-fields.ts';

const IAM = { categoryUid: 3, categoryName: 'Identity & Access Management' } as const;

function cls(classUid: number, className: string, activityId: number, activityName: string): OcsfClassification {
  return { ...IAM, classUid, className, activityId, activityName };
}

const ACCOUNT_CHANGE: ReadonlyArray<[RegExp, number, string]> = [
  [/^add user$/i, 1, 'Create'],
  [/^enable account$/i, 2, 'Enable'],
  [/^change (user )?password/i, 3, 'Password Change'],
  [/^reset (user )?password/i, 4, 'Password Reset'],
  [/^disable account$/i, 5, 'Disable'],
  [/^(hard )?delete user$/i, 6, 'Delete'],
];

const GROUP_MANAGEMENT: ReadonlyArray<[RegExp, number, string]> = [
  [/^add (member|owner) to group$/i, 3, 'Add User'],
  [/^remove (member|owner) from group$/i, 4, 'Remove User'],
  [/^add group$/i, 6, 'Create'],
  [/^(hard )?delete group$/i, 5, 'Delete'],
];

const ASSIGN_PRIVILEGES = /^(add (eligible )?member to role|add app role assignment|consent to application)/i;
const REVOKE_PRIVILEGES = /^(remove (eligible )?member from role|remove app role assignment|revoke consent)/i;

/** The OCSF class and activity of a directory audit record (see the table above). */
export function directoryAuditClassification(raw: Raw): OcsfClassification {
  const activity = str(raw, 'activityDisplayName') ?? '';
  const category = str(raw, 'category') ?? '';
  if (ASSIGN_PRIVILEGES.test(activity)) return cls(3005, 'User Access Management', 1, 'Assign Privileges');
  if (REVOKE_PRIVILEGES.test(activity)) return cls(3005, 'User Access Management', 2, 'Revoke Privileges');
  for (const [re, id, name] of ACCOUNT_CHANGE) if (re.test(activity)) return cls(3001, 'Account Change', id, name);
  for (const [re, id, name] of GROUP_MANAGEMENT) if (re.test(activity)) return cls(3006, 'Group Management', id, name);
  if (category === 'UserManagement') return cls(3001, 'Account Change', 99, 'Other');
  if (category === 'GroupManagement') return cls(3006, 'Group Management', 99, 'Other');
  switch (str(raw, 'operationType')) {
    case 'Add':
      return cls(3004, 'Entity Management', 1, 'Create');
    case 'Update':
      return cls(3004, 'Entity Management', 3, 'Update');
    case 'Delete':
      return cls(3004, 'Entity Management', 4, 'Delete');
    default:
      return cls(3004, 'Entity Management', 99, 'Other');
  }
}

/** modifiedProperties values are JSON texts ("\"Global Administrator\"", "[\"x\"]"); this reads them as text. */
function propertyText(value: string | null): string | null {
  if (value === null || value === '') return null;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'string') return parsed || null;
    if (Array.isArray(parsed)) return parsed.filter((x) => typeof x === 'string').join(', ') || null;
  } catch {
    // Not JSON: the value is the text itself.
  }
  return value;
}

function modifiedProperty(targets: Raw[], name: string, which: 'newValue' | 'oldValue'): string | null {
  for (const t of targets) {
    for (const p of objects(t, 'modifiedProperties')) {
      if (str(p, 'displayName') === name) {
        const v = propertyText(str(p, which));
        if (v !== null) return v;
      }
    }
  }
  return null;
}

function targetOfType(targets: Raw[], type: string): Raw | null {
  return targets.find((t) => str(t, 'type')?.toLowerCase() === type.toLowerCase()) ?? null;
}

function targetUser(targets: Raw[]): OcsfObject | null {
  const t = targetOfType(targets, 'User');
  if (!t) return null;
  const uid = str(t, 'id');
  const name = str(t, 'userPrincipalName') ?? str(t, 'displayName');
  if (uid === null && name === null) return null;
  return compact({ uid, name, type_id: 1 });
}

/** Privileges granted or revoked: the role name, the app role, or the consented scopes. */
function privilegesOf(targets: Raw[], revoke: boolean, activity: string): string[] {
  const which = revoke ? 'oldValue' : 'newValue';
  const role = modifiedProperty(targets, 'Role.DisplayName', which) ?? modifiedProperty(targets, 'AppRole.Value', which) ?? modifiedProperty(targets, 'AppRole.DisplayName', which);
  if (role !== null) return [role];
  const permissions = modifiedProperty(targets, 'ConsentAction.Permissions', which);
  if (permissions !== null) {
    const scopes = [...permissions.matchAll(/Scope:\s*([^\]\r\n,]+)/g)].flatMap((m) => (m[1] ?? '').trim().split(/\s+/)).filter((s) => s.length > 0);
    if (scopes.length > 0) return [...new Set(scopes)];
  }
  return [activity || 'unknown'];
}

function resourcesOf(targets: Raw[]): OcsfObject[] {
  return targets
    .filter((t) => str(t, 'type')?.toLowerCase() !== 'user')
    .map((t) => compact({ uid: str(t, 'id'), name: str(t, 'displayName'), type: str(t, 'type') }))
    .filter((r) => r['uid'] !== undefined || r['name'] !== undefined);
}

export function directoryAuditToOcsf(signal: Signal, raw: Raw): OcsfObject {
  const c = directoryAuditClassification(raw);
  const targets = objects(raw, 'targetResources');
  const activity = str(raw, 'activityDisplayName') ?? '';
  const result = str(raw, 'result');
  const statusId = result === 'success' ? 1 : result === 'failure' ? 2 : 0;
  const initiatorIp = str(raw, 'initiatedBy', 'user', 'ipAddress');
  const base = ocsfBase(signal, c);
  const common = {
    ...base,
    metadata: { ...(base['metadata'] as OcsfObject), ...compact({ correlation_uid: str(raw, 'correlationId'), event_code: activity || null }) },
    status_id: statusId,
    status: statusId === 1 ? 'Success' : statusId === 2 ? 'Failure' : 'Unknown',
    status_detail: str(raw, 'resultReason'),
    actor: actorOf(signal.actor),
    src_endpoint: endpointOf(initiatorIp),
    observables: observablesOf(signal.indicators),
  };
  const user = targetUser(targets);
  switch (c.classUid) {
    case 3001:
      return compact({ ...common, user: user ?? requiredUser(signal.targets[0]) });
    case 3005: {
      // Consent has no target user: the privileges go to the app on behalf of the consenting user (the initiator).
      const resources = resourcesOf(targets);
      return compact({
        ...common,
        user: user ?? requiredUser(signal.actor),
        privileges: privilegesOf(targets, c.activityId === 2, activity),
        resources: resources.length > 0 ? resources : null,
      });
    }
    case 3006: {
      const g = targetOfType(targets, 'Group');
      const group = compact({
        uid: (g ? str(g, 'id') : null) ?? modifiedProperty(targets, 'Group.ObjectID', c.activityId === 4 ? 'oldValue' : 'newValue'),
        name: (g ? str(g, 'displayName') : null) ?? modifiedProperty(targets, 'Group.DisplayName', c.activityId === 4 ? 'oldValue' : 'newValue'),
      });
      return compact({ ...common, group: group['uid'] !== undefined || group['name'] !== undefined ? group : { name: activity || 'unknown' }, user });
    }
    default: {
      const t = targets[0];
      const entity = compact({ uid: t ? str(t, 'id') : null, name: t ? str(t, 'displayName') : null, type: t ? str(t, 'type') : null });
      return compact({ ...common, entity: entity['uid'] !== undefined || entity['name'] !== undefined ? entity : { ...entity, name: activity || 'unknown' } });
    }
  }
}
