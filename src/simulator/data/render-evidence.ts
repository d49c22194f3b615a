// Alert evidence (alerts_v2 `evidence`): one renderer per common type, with the alertEvidence base fields
// (createdDateTime, verdict, remediationStatus, remediationStatusDetails, roles, tags, detailedRoles) and the key
// fields of GRAPH-FACTS §8. All evidence of one alert is drawn from one "cast" (user, device, attacker address,
// message, file), so the pieces refer to each other the way real evidence does.
import { graphTime, HOUR_MS, MINUTE_MS, DAY_MS } from './graph-time.ts';
import type { Rng } from './random.ts';
import type { GraphObject } from './dataset.ts';
import type { EvidenceKind } from './alert-scenarios.ts';
import type { TenantContext, UserBasics } from './tenant-context.ts';
import { CLOUD_APPS, HOSTILE_PLACES, MALICIOUS_FILES, PHISHING_DOMAINS, PHISHING_SUBJECTS, SYSTEM_FILES, ipv4 } from './vocabulary.ts';
import type { Place } from './vocabulary.ts';

/** The actors and artefacts one alert's evidence shares. */
export interface EvidenceCast {
  createdMs: number;
  user: UserBasics;
  attackerIp: string;
  attackerPlace: Place;
  mdeDeviceId: string;
  url: string;
  networkMessageId: string;
  subject: string;
  sender: string;
  malicious: boolean;
}

export function createCast(ctx: TenantContext, r: Rng, user: UserBasics, createdMs: number): EvidenceCast {
  const domain = r.pick(PHISHING_DOMAINS);
  return {
    createdMs,
    user,
    attackerIp: ipv4(r, 2),
    attackerPlace: r.pick(HOSTILE_PLACES),
    // Defender device ids are 40 hex characters (a SHA-1 of the device), stable per user's device.
    mdeDeviceId: user.deviceId.replace(/-/g, '').padEnd(40, user.deviceId.replace(/-/g, '').slice(0, 8)),
    url: `https://${domain}/${r.hex(8)}/${r.pick(['login', 'doc', 'invoice', 'verify'])}?id=${r.hex(12)}`,
    networkMessageId: r.guid(),
    subject: r.pick(PHISHING_SUBJECTS),
    sender: `${r.pick(['billing', 'no-reply', 'it-support', 'hr', 'docs'])}@${domain}`,
    malicious: r.chance(0.7),
  };
}

const verdictOf = (c: EvidenceCast, r: Rng): string => (c.malicious ? r.pick(['malicious', 'suspicious']) : r.pick(['suspicious', 'unknown', 'noThreatsFound']));

function base(kind: EvidenceKind, c: EvidenceCast, r: Rng, roles: string[], detailedRoles: string[] = []): GraphObject {
  const remediationStatus = r.weighted([['none', 5], ['remediated', 3], ['prevented', 1], ['blocked', 1], ['notFound', 1]] as const);
  return {
    '@odata.type': `#microsoft.graph.security.${kind}`,
    createdDateTime: graphTime(c.createdMs),
    verdict: verdictOf(c, r),
    remediationStatus,
    remediationStatusDetails: null,
    roles,
    detailedRoles,
    tags: r.chance(0.1) ? ['Test Machine'] : [],
  };
}

function userAccount(ctx: TenantContext, u: UserBasics): GraphObject {
  return {
    accountName: u.userPrincipalName.split('@')[0] ?? u.userPrincipalName,
    domainName: ctx.domain.split('.')[0]?.toUpperCase() ?? ctx.domain,
    userSid: `S-1-5-21-${(ctx.seed % 900_000_000) + 100_000_000}-${(ctx.seed >>> 3) % 900_000_000}-${1100 + u.key}`,
    azureAdUserId: u.id,
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    activeDirectoryObjectGuid: null,
    resourceAccessEvents: [],
    tenantId: ctx.tenantId,
  };
}

/** Hashes in lowercase hex of the right lengths: md5 32, sha1 40, sha256 64. */
function fileDetails(r: Rng, file: readonly [string, string, string | null, number], user: UserBasics): GraphObject {
  const [fileName, folder, publisher, size] = file;
  return {
    fileName,
    filePath: folder.replace('{user}', user.givenName.toLowerCase()),
    filePublisher: publisher,
    fileSize: size,
    issuer: null,
    md5: r.hex(32),
    sha1: r.hex(40),
    sha256: r.hex(64),
    sha256Ac: null,
    signer: publisher,
  };
}

function systemFile(r: Rng): readonly [string, string, string | null, number] {
  const [name, folder, size] = r.pick(SYSTEM_FILES);
  return [name, folder, 'Microsoft Corporation', size];
}

export function renderEvidence(ctx: TenantContext, kind: EvidenceKind, c: EvidenceCast, r: Rng): GraphObject {
  const u = c.user;
  switch (kind) {
    case 'mailboxEvidence':
      return {
        ...base(kind, c, r, ['contextual']),
        displayName: u.displayName,
        primaryAddress: u.userPrincipalName,
        upn: u.userPrincipalName,
        userAccount: userAccount(ctx, u),
      };
    case 'analyzedMessageEvidence':
      return {
        ...base(kind, c, r, [], ['Recipient']),
        networkMessageId: c.networkMessageId,
        internetMessageId: `<${r.hex(16).toUpperCase()}@${c.sender.split('@')[1] ?? 'example.com'}>`,
        subject: c.subject,
        language: 'en',
        senderIp: c.attackerIp,
        recipientEmailAddress: u.userPrincipalName,
        antiSpamDirection: r.chance(0.9) ? 'Inbound' : 'Intraorg',
        deliveryAction: r.pick(['Delivered', 'DeliveredAsSpam', 'Junked', 'Blocked', 'Replaced']),
        deliveryLocation: r.pick(['Inbox/folder', 'JunkFolder', 'Quarantine', 'DeletedFolder']),
        urn: `urn:MailEntity:${r.hex(32)}`,
        threats: c.malicious ? [r.pick(['Phish', 'Malware', 'Spam'])] : [],
        threatDetectionMethods: c.malicious ? [r.pick(['URL detonation reputation', 'URL malicious reputation', 'Advanced filter', 'File detonation'])] : [],
        urls: [c.url],
        urlCount: 1,
        attachmentsCount: r.int(0, 3),
        receivedDateTime: graphTime(c.createdMs - r.int(5, 240) * MINUTE_MS),
        p1Sender: { displayName: null, domainName: c.sender.split('@')[1] ?? null, emailAddress: c.sender },
        p2Sender: { displayName: r.pick(['Microsoft 365', 'IT Support', 'Payroll', 'DocuSign']), domainName: c.sender.split('@')[1] ?? null, emailAddress: c.sender },
      };
    case 'urlEvidence':
      return { ...base(kind, c, r, ['contextual']), url: c.url };
    case 'mailClusterEvidence': {
      const n = r.int(2, 6);
      return {
        ...base(kind, c, r, ['contextual']),
        clusterBy: 'Subject;SenderIp',
        clusterByValue: `${c.subject};${c.attackerIp}`,
        emailCount: n,
        networkMessageIds: [c.networkMessageId, ...Array.from({ length: n - 1 }, () => r.guid())],
        query: `(NetworkMessageId:${c.networkMessageId}) OR (Subject:"${c.subject}" AND SenderIp:${c.attackerIp})`,
        urn: `urn:MailClusterEntity:${r.hex(32)}`,
      };
    }
    case 'userEvidence':
      return { ...base(kind, c, r, ['compromised'], ['Compromised account']), userAccount: userAccount(ctx, u), stream: null };
    case 'ipEvidence':
      return {
        ...base(kind, c, r, ['attacker']),
        ipAddress: c.attackerIp,
        countryLetterCode: c.attackerPlace.countryOrRegion,
        location: {
          city: c.attackerPlace.city,
          countryName: c.attackerPlace.countryName,
          latitude: c.attackerPlace.latitude,
          longitude: c.attackerPlace.longitude,
          state: c.attackerPlace.state,
        },
        stream: null,
      };
    case 'deviceEvidence': {
      const host = u.deviceName.toLowerCase();
      return {
        ...base(kind, c, r, ['compromised'], ['Main device']),
        firstSeenDateTime: graphTime(c.createdMs - r.int(30, 700) * DAY_MS),
        mdeDeviceId: c.mdeDeviceId,
        azureAdDeviceId: u.deviceId,
        deviceDnsName: `${host}.${ctx.domain}`,
        hostName: host,
        dnsDomain: ctx.domain,
        ntDomain: ctx.domain.split('.')[0]?.toUpperCase() ?? null,
        osPlatform: r.pick(['Windows10', 'Windows11']),
        osBuild: r.pick([19045, 22621, 22631, 26100]),
        version: r.pick(['22H2', '23H2', '24H2']),
        healthStatus: 'active',
        riskScore: c.malicious ? r.pick(['medium', 'high']) : 'low',
        rbacGroupId: 75,
        rbacGroupName: 'UnassignedGroup',
        onboardingStatus: 'onboarded',
        defenderAvStatus: r.pick(['updated', 'notUpdated', 'unknown']),
        ipInterfaces: [u.homeIp, `fe80::${r.hex(4)}:${r.hex(4)}:${r.hex(4)}:${r.hex(4)}`],
        lastIpAddress: u.homeIp,
        lastExternalIpAddress: u.homeIp,
        loggedOnUsers: [{ accountName: u.userPrincipalName.split('@')[0] ?? '', domainName: ctx.domain.split('.')[0]?.toUpperCase() ?? '' }],
        vmMetadata: null,
        resourceAccessEvents: [],
      };
    }
    case 'fileEvidence':
      return {
        ...base(kind, c, r, [], ['Referred in command line']),
        detectionStatus: r.pick(['detected', 'blocked', 'prevented']),
        mdeDeviceId: c.mdeDeviceId,
        fileDetails: fileDetails(r, r.pick(MALICIOUS_FILES), u),
      };
    case 'processEvidence': {
      const image = r.pick(SYSTEM_FILES);
      const started = c.createdMs - r.int(1, 120) * MINUTE_MS;
      const cmd = image[0] === 'powershell.exe'
        ? `powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand ${r.hex(48)}`
        : image[0] === 'rundll32.exe'
          ? `rundll32.exe C:\\Users\\${u.givenName.toLowerCase()}\\AppData\\Local\\Temp\\payload.dll,DllRegisterServer`
          : `"${image[0]}"`;
      return {
        ...base(kind, c, r, [], []),
        processId: r.int(1000, 20000),
        parentProcessId: r.int(400, 1000),
        processCommandLine: cmd,
        processCreationDateTime: graphTime(started),
        parentProcessCreationDateTime: graphTime(started - r.int(1, 48) * HOUR_MS),
        detectionStatus: 'detected',
        mdeDeviceId: c.mdeDeviceId,
        imageFile: fileDetails(r, [image[0], image[1], 'Microsoft Corporation', image[2]], u),
        parentProcessImageFile: fileDetails(r, systemFile(r), u),
        userAccount: userAccount(ctx, u),
      };
    }
    case 'registryKeyEvidence':
      return {
        ...base(kind, c, r, [], []),
        registryKey: r.pick([
          'SOFTWARE\\MICROSOFT\\WINDOWS\\CURRENTVERSION\\RUN',
          'SYSTEM\\CONTROLSET001\\SERVICES\\UPDATESVC',
          'SOFTWARE\\MICROSOFT\\WINDOWS NT\\CURRENTVERSION\\WINLOGON',
        ]),
        registryHive: 'HKEY_LOCAL_MACHINE',
      };
    case 'registryValueEvidence': {
      const name = r.pick(['Updater', 'OneDriveHelper', 'SecurityHealth2']);
      return {
        ...base(kind, c, r, [], []),
        mdeDeviceId: c.mdeDeviceId,
        registryKey: 'SOFTWARE\\MICROSOFT\\WINDOWS\\CURRENTVERSION\\RUN',
        registryHive: 'HKEY_CURRENT_USER',
        registryValue: `C:\\Users\\${u.givenName.toLowerCase()}\\AppData\\Roaming\\${name.toLowerCase()}.exe`,
        registryValueName: name,
        registryValueType: 'String',
      };
    }
    case 'cloudApplicationEvidence': {
      const [appId, name] = r.pick(CLOUD_APPS);
      return {
        ...base(kind, c, r, ['contextual']),
        appId,
        displayName: name,
        instanceId: 0,
        instanceName: name,
        saasAppId: appId,
        stream: null,
      };
    }
  }
}
