// directoryAudits: Entra audit log entries shaped like shared/graph-samples/auditLogs_directoryAudits.json.
// The activities are the ones a security team watches: role assignments, app credentials and consent, Conditional
// Access changes, user lifecycle, group membership, password resets. Initiators are the tenant's admins (users
// endpoint) or first-party/tenant apps. The id is opaque, like Entra's ("Directory_<correlationId>_<code>_<n>").
import type { ScenarioAudit } from './attack-scenarios.ts';
import { graphTime } from './graph-time.ts';
import { Rng, guidFor, hashParts, mix } from './random.ts';
import type { GraphObject } from './dataset.ts';
import type { TenantContext } from './tenant-context.ts';
import { ADMIN_ROLES, BROWSER_CLIENTS, BUSINESS_APPS, CA_POLICY_NAMES, GROUP_NAMES } from './vocabulary.ts';

const SALT = 0x2c1b3c6d;
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Role template ids are the same in every tenant (public, documented values). */
const ROLE_TEMPLATE_IDS: Record<string, string> = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Privileged Role Administrator': 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  'Security Administrator': '194ae4cb-b126-40b2-bd5b-6091b380977d',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
  'Application Administrator': '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  'Conditional Access Administrator': 'b1be1c3e-b65d-4f19-8427-f6fa0d97feb9',
  'Helpdesk Administrator': '729827e3-9c14-49f7-bb1b-9608f156bbb8',
};

const SYSTEM_APPS = [
  { appId: '01fc33a7-78ba-4d2f-a4b7-768e336e890e', displayName: 'MS-PIM' },
  { appId: '98db8bd6-0cc0-4e67-9de5-f187f1cd1b41', displayName: 'Microsoft Substrate Management' },
] as const;

type Activity =
  | 'Add member to role'
  | 'Add service principal credentials'
  | 'Update application – Certificates and secrets management'
  | 'Add conditional access policy'
  | 'Update conditional access policy'
  | 'Delete conditional access policy'
  | 'Add user'
  | 'Delete user'
  | 'Update user'
  | 'Add member to group'
  | 'Reset user password'
  | 'Consent to application';

const ACTIVITIES: ReadonlyArray<readonly [Activity, number]> = [
  ['Update user', 30],
  ['Add member to group', 20],
  ['Reset user password', 8],
  ['Add user', 8],
  ['Delete user', 3],
  ['Add member to role', 6],
  ['Consent to application', 5],
  ['Add service principal credentials', 4],
  ['Update application – Certificates and secrets management', 4],
  ['Update conditional access policy', 4],
  ['Add conditional access policy', 2],
  ['Delete conditional access policy', 1],
];

export function directoryAuditId(ctx: TenantContext, key: number): string {
  const h = hashParts(ctx.seed, 'auditId', key);
  let code = '';
  for (let i = 0, v = h; i < 5; i++, v = Math.floor(v / 36)) code += ALNUM[v % 36];
  const n = 10_000_000 + (mix(h, key) % 890_000_000);
  return `Directory_${auditCorrelationId(ctx, key)}_${code}_${n}`;
}

function auditCorrelationId(ctx: TenantContext, key: number): string {
  return guidFor(ctx.seed, 'auditCorrelation', key);
}

interface Target {
  id: string;
  displayName: string | null;
  type: string;
  userPrincipalName: string | null;
  groupType?: string | null;
  modifiedProperties: Array<{ displayName: string; oldValue: string | null; newValue: string | null }>;
}

const q = (v: string): string => JSON.stringify(v);
const arr = (...v: string[]): string => JSON.stringify(v);

/** `scenario`: an attack story's audit (attack-scenarios.ts) instead of a random one; it succeeded, done by a user. */
export function renderDirectoryAudit(ctx: TenantContext, key: number, timeMs: number, scenario?: ScenarioAudit): GraphObject {
  const r = new Rng(mix(ctx.seed ^ SALT, key));
  const activity: Activity = scenario?.activity ?? r.weighted(ACTIVITIES);
  const admin = ctx.userBasics(scenario?.initiatorKey ?? r.pick(ctx.adminKeys));
  const subject = scenario !== undefined && 'subject' in scenario ? scenario.subject : ctx.userBasics(r.int(0, ctx.populationSize));
  const byApp = scenario === undefined && ((activity === 'Update user' && r.chance(0.4)) || (activity === 'Add member to role' && r.chance(0.3)));
  const failed = scenario === undefined && r.chance(0.04);
  const userTarget = (props: Target['modifiedProperties']): Target => ({
    id: subject.id,
    displayName: null,
    type: 'User',
    userPrincipalName: subject.userPrincipalName,
    modifiedProperties: props,
  });

  let category = 'UserManagement';
  let operationType = 'Update';
  let loggedByService = 'Core Directory';
  let targets: Target[];
  let failureReason = 'Microsoft.Online.Workflows.ObjectAlreadyExistsException';
  const extra: Array<{ key: string; value: string }> = [];

  switch (activity) {
    case 'Add member to role': {
      const role = scenario !== undefined && 'role' in scenario ? scenario.role : r.weighted(ADMIN_ROLES.map((name, i) => [name, i < 3 ? 3 : 2] as const));
      category = 'RoleManagement';
      operationType = 'Assign';
      const roleId = guidFor(ctx.seed, 'role', role);
      targets = [
        userTarget([
          { displayName: 'Role.ObjectID', oldValue: null, newValue: q(roleId) },
          { displayName: 'Role.DisplayName', oldValue: null, newValue: q(role) },
          { displayName: 'Role.TemplateId', oldValue: null, newValue: q(ROLE_TEMPLATE_IDS[role] ?? roleId) },
          { displayName: 'Role.WellKnownObjectName', oldValue: null, newValue: q(role.replace(/ /g, '')) },
        ]),
      ];
      failureReason = 'Insufficient privileges to complete the operation.';
      break;
    }
    case 'Add service principal credentials':
    case 'Update application – Certificates and secrets management': {
      const appName = scenario !== undefined && 'appName' in scenario ? scenario.appName : r.pick(BUSINESS_APPS);
      category = 'ApplicationManagement';
      const isSp = activity === 'Add service principal credentials';
      const keyId = r.guid();
      const keyType = scenario !== undefined && 'keyType' in scenario ? scenario.keyType : r.chance(0.6) ? 'Password' : 'AsymmetricX509Cert';
      const keyDescription = `[KeyIdentifier=${keyId},KeyType=${keyType},KeyUsage=Verify,DisplayName=${keyType === 'Password' ? 'client-secret' : `CN=${appName}`}]`;
      targets = [
        {
          id: guidFor(ctx.seed, isSp ? 'servicePrincipal' : 'application', appName),
          displayName: appName,
          type: isSp ? 'ServicePrincipal' : 'Application',
          userPrincipalName: null,
          modifiedProperties: [
            { displayName: 'KeyDescription', oldValue: '[]', newValue: `[${q(keyDescription)}]` },
            { displayName: 'Included Updated Properties', oldValue: null, newValue: q('KeyDescription') },
          ],
        },
      ];
      failureReason = 'Credential lifetime exceeds the max value allowed as per assigned policy.';
      break;
    }
    case 'Add conditional access policy':
    case 'Update conditional access policy':
    case 'Delete conditional access policy': {
      const ca = scenario !== undefined && 'policyName' in scenario ? scenario : undefined;
      const name = ca?.policyName ?? (r.chance(0.7) ? r.pick(CA_POLICY_NAMES) : `Pilot - ${r.pick(CA_POLICY_NAMES)}`);
      category = 'Policy';
      loggedByService = 'Conditional Access';
      operationType = activity.startsWith('Add') ? 'Add' : activity.startsWith('Delete') ? 'Delete' : 'Update';
      const policyId = guidFor(ctx.seed, 'caPolicyAudit', name);
      const policy = (state: string): string =>
        JSON.stringify({ id: policyId, displayName: name, state, conditions: { users: { includeUsers: ['All'] } } });
      const oldState = ca?.oldState ?? r.pick(['enabled', 'enabledForReportingButNotEnforced', 'disabled']);
      const newState = ca?.newState ?? r.pick(['enabled', 'enabledForReportingButNotEnforced', 'disabled']);
      targets = [
        {
          id: policyId,
          displayName: name,
          type: 'Policy',
          userPrincipalName: null,
          modifiedProperties: [
            {
              displayName: 'ConditionalAccessPolicy',
              oldValue: operationType === 'Add' ? null : policy(oldState),
              newValue: operationType === 'Delete' ? null : policy(newState),
            },
          ],
        },
      ];
      failureReason = 'Policy contains invalid conditions.';
      break;
    }
    case 'Add user':
      operationType = 'Add';
      targets = [
        userTarget([
          { displayName: 'AccountEnabled', oldValue: '[]', newValue: '[true]' },
          { displayName: 'DisplayName', oldValue: '[]', newValue: arr(subject.displayName) },
          { displayName: 'UserPrincipalName', oldValue: '[]', newValue: arr(subject.userPrincipalName) },
          { displayName: 'UserType', oldValue: '[]', newValue: arr('Member') },
          { displayName: 'Included Updated Properties', oldValue: null, newValue: q('AccountEnabled, DisplayName, UserPrincipalName, UserType') },
        ]),
      ];
      break;
    case 'Delete user':
      operationType = 'Delete';
      targets = [userTarget([])];
      failureReason = 'Insufficient privileges to complete the operation.';
      break;
    case 'Update user':
      targets = [
        userTarget([
          { displayName: 'JobTitle', oldValue: '[]', newValue: arr(subject.jobTitle) },
          { displayName: 'Included Updated Properties', oldValue: null, newValue: q('JobTitle') },
        ]),
      ];
      break;
    case 'Add member to group': {
      const group = r.pick(GROUP_NAMES);
      category = 'GroupManagement';
      operationType = 'Assign';
      const groupId = guidFor(ctx.seed, 'group', group);
      targets = [
        userTarget([
          { displayName: 'Group.ObjectID', oldValue: null, newValue: q(groupId) },
          { displayName: 'Group.DisplayName', oldValue: null, newValue: q(group) },
        ]),
        { id: groupId, displayName: group, type: 'Group', userPrincipalName: null, groupType: 'unifiedGroups', modifiedProperties: [] },
      ];
      failureReason = 'One or more added object references already exist for the following modified properties: \'members\'.';
      break;
    }
    case 'Reset user password':
      targets = [userTarget([])];
      failureReason = 'The password does not meet complexity requirements.';
      break;
    case 'Consent to application': {
      const appName = r.pick(BUSINESS_APPS);
      category = 'ApplicationManagement';
      operationType = 'Assign';
      const adminConsent = r.chance(0.5);
      targets = [
        {
          id: guidFor(ctx.seed, 'servicePrincipal', appName),
          displayName: appName,
          type: 'ServicePrincipal',
          userPrincipalName: null,
          modifiedProperties: [
            { displayName: 'ConsentContext.IsAdminConsent', oldValue: null, newValue: q(adminConsent ? 'True' : 'False') },
            { displayName: 'ConsentContext.OnBehalfOfAll', oldValue: null, newValue: q(adminConsent ? 'True' : 'False') },
            {
              displayName: 'ConsentAction.Permissions',
              oldValue: null,
              newValue: q(`[] => [[Id: ${r.hex(43)}, ClientId: ${guidFor(ctx.seed, 'servicePrincipal', appName)}, Scope: ${r.pick(['User.Read', 'Mail.Read offline_access', 'Files.ReadWrite.All', 'Mail.ReadWrite Mail.Send'])}]]; `),
            },
          ],
        },
      ];
      extra.push({ key: 'User-Agent', value: r.pick(BROWSER_CLIENTS).userAgent });
      failureReason = 'Microsoft.Online.Security.UserConsentBlockedForRiskyAppsException';
      break;
    }
  }

  // Consent is made by the user who clicked "Accept" (an admin for admin consent); the rest by admins or apps.
  const initiator = activity === 'Consent to application' && r.chance(0.6) ? subject : admin;
  let initiatedBy: GraphObject;
  if (byApp) {
    // Role assignments by apps come from PIM activations; user updates from Exchange's directory sync.
    const sys = activity === 'Add member to role' ? SYSTEM_APPS[0] : SYSTEM_APPS[1];
    initiatedBy = {
      user: null,
      app: {
        appId: sys.appId,
        displayName: sys.displayName,
        servicePrincipalId: guidFor(ctx.seed, 'servicePrincipal', sys.displayName),
        servicePrincipalName: null,
      },
    };
  } else {
    initiatedBy = {
      user: {
        id: initiator.id,
        displayName: null,
        userPrincipalName: initiator.userPrincipalName,
        ipAddress: scenario !== undefined || r.chance(0.9) ? initiator.homeIp : '',
        userType: null,
        homeTenantId: null,
        homeTenantName: null,
      },
      app: null,
    };
  }
  extra.push({ key: 'UserType', value: 'Member' });

  return {
    id: directoryAuditId(ctx, key),
    category,
    correlationId: auditCorrelationId(ctx, key),
    result: failed ? 'failure' : 'success',
    resultReason: failed ? failureReason : '',
    activityDisplayName: activity,
    activityDateTime: graphTime(timeMs),
    loggedByService,
    operationType,
    initiatedBy,
    targetResources: targets.map((t) => ({ groupType: null, ...t })),
    additionalDetails: extra,
  };
}
