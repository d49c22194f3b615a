// Alert v2 evidence → artifacts (GRAPH-FACTS §8). Each modelled type keeps its key fields (strings byte-for-byte)
// and files its values under indicator types; an evidence type we do not model, or one whose @odata.type we do not
// recognise, becomes "unknown:<@odata.type>" with every string it holds keyed by JSON path, and the IPs, emails,
// URLs and hashes among those strings as indicators: evidence is never dropped. Type names and enum values are
// compared case-insensitively ("Delivered" is observed next to the documented "delivered").
import type { Artifact, Entity } from '../signals/signal.ts';
import type { JsonValue } from '../store/store.ts';
import { entity } from './entities.ts';
import { IndicatorSet, urlHost } from './indicators.ts';
import { asArray, asObj, jsonOf, str, strings } from './record-fields.ts';
import type { Obj } from './record-fields.ts';
import { addTextIndicators } from './text-indicators.ts';

interface EvidenceSpec {
  /** The canonical type name (the artifact's `type`). */
  name: string;
  /** Typed fields copied as received. */
  fields: readonly string[];
  /** Files the evidence's values under indicator types; may add computed fields. */
  read(e: Obj, ind: IndicatorSet, fields: Record<string, JsonValue>): void;
}

/** Base alertEvidence fields kept on every artifact besides verdict and roles. */
const BASE_FIELDS = ['createdDateTime', 'remediationStatus', 'remediationStatusDetails', 'detailedRoles', 'tags'] as const;

function addUserAccount(ind: IndicatorSet, v: unknown): void {
  const u = asObj(v);
  if (u === null) return;
  ind.add('user_name', u.accountName);
  ind.add('user_name', u.displayName);
  ind.add('upn', u.userPrincipalName);
  ind.add('user_id', u.azureAdUserId);
  ind.add('user_id', u.activeDirectoryObjectGuid);
  const account = str(u.accountName);
  const domain = str(u.domainName);
  if (account !== null && domain !== null) ind.add('user_name', `${domain}\\${account}`);
}

function addFileDetails(ind: IndicatorSet, v: unknown): void {
  const f = asObj(v);
  if (f === null) return;
  ind.add('file_name', f.fileName);
  ind.add('file_path', f.filePath);
  const name = str(f.fileName);
  const folder = str(f.filePath);
  if (name !== null && folder !== null) {
    const sep = folder.includes('/') && !folder.includes('\\') ? '/' : '\\';
    ind.add('file_path', folder.endsWith(sep) ? folder + name : `${folder}${sep}${name}`);
  }
  ind.add('md5', f.md5);
  ind.add('sha1', f.sha1);
  ind.add('sha256', f.sha256);
  // sha256Ac is the Authenticode hash: also a SHA-256 an analyst may paste.
  ind.add('sha256', f.sha256Ac);
}

/** A nested ipEvidence (dns, network connection, pods): its address and country. */
function addIpEvidence(ind: IndicatorSet, v: unknown): void {
  const ip = asObj(v);
  if (ip === null) return;
  ind.add('ip', ip.ipAddress);
  ind.add('country', ip.countryLetterCode);
}

function addSender(ind: IndicatorSet, v: unknown): void {
  const s = asObj(v);
  if (s === null) return;
  ind.add('email', s.emailAddress);
  ind.add('domain', s.domainName);
  ind.add('user_name', s.displayName);
}

function addFileHash(ind: IndicatorSet, v: unknown): void {
  const h = asObj(v);
  if (h === null) return;
  const alg = str(h.algorithm)?.toLowerCase() ?? '';
  const value = str(h.value);
  if (value === null) return;
  if (alg === 'md5' || alg === 'sha1' || alg === 'sha256') ind.add(alg, value);
  else addTextIndicators(ind, value);
}

/** clusterBy "Subject;SenderIp" pairs with clusterByValue "Invoice;203.0.113.7": file each value by its name. */
function addClusterValues(ind: IndicatorSet, by: string | null, values: string | null): void {
  if (values === null) return;
  const names = (by ?? '').split(';');
  values.split(';').forEach((value, i) => {
    const name = (names[i] ?? '').trim().toLowerCase();
    if (name.endsWith('ip') || name.includes('ipaddress')) ind.add('ip', value);
    else if (name.includes('domain')) ind.add('domain', value);
    else if (name.includes('url')) ind.add('url', value);
    else if (name.includes('sender') || name.includes('recipient') || name.includes('address')) ind.add('email', value);
    else if (name.includes('networkmessageid')) ind.add('message_id', value);
    addTextIndicators(ind, value);
  });
}

const SPECS: readonly EvidenceSpec[] = [
  {
    name: 'mailboxEvidence',
    fields: ['displayName', 'primaryAddress', 'upn', 'userAccount'],
    read: (e, ind) => {
      ind.add('mailbox', e.primaryAddress);
      ind.add('email', e.primaryAddress);
      ind.add('upn', e.upn);
      ind.add('user_name', e.displayName);
      addUserAccount(ind, e.userAccount);
    },
  },
  {
    name: 'analyzedMessageEvidence',
    fields: [
      'networkMessageId', 'internetMessageId', 'subject', 'senderIp', 'recipientEmailAddress', 'p1Sender', 'p2Sender',
      'receivedDateTime', 'antiSpamDirection', 'deliveryAction', 'deliveryLocation', 'threats', 'threatDetectionMethods',
      'urls', 'urlCount', 'attachmentsCount', 'language', 'urn',
    ],
    read: (e, ind, fields) => {
      ind.add('message_id', e.networkMessageId);
      ind.add('message_id', e.internetMessageId);
      ind.add('ip', e.senderIp);
      ind.add('email', e.recipientEmailAddress);
      ind.add('mailbox', e.recipientEmailAddress);
      addSender(ind, e.p1Sender);
      addSender(ind, e.p2Sender);
      for (const u of strings(e.urls)) ind.add('url', u);
      // The envelope sender (P1) is who sent it; the header sender (P2) is who the reader saw.
      const sender = str(asObj(e.p1Sender)?.emailAddress) ?? str(asObj(e.p2Sender)?.emailAddress);
      if (sender !== null) fields.sender = sender;
    },
  },
  {
    name: 'urlEvidence',
    fields: ['url'],
    read: (e, ind, fields) => {
      ind.add('url', e.url);
      const u = str(e.url);
      const host = u === null ? null : urlHost(u.trim());
      if (host !== null) fields[host.type === 'ip' ? 'ip' : 'domain'] = host.value;
    },
  },
  {
    name: 'mailClusterEvidence',
    fields: ['query', 'clusterBy', 'clusterByValue', 'emailCount', 'networkMessageIds', 'urn'],
    read: (e, ind) => {
      for (const id of strings(e.networkMessageIds)) ind.add('message_id', id);
      addClusterValues(ind, str(e.clusterBy), str(e.clusterByValue));
    },
  },
  {
    name: 'userEvidence',
    fields: ['userAccount', 'stream'],
    read: (e, ind) => addUserAccount(ind, e.userAccount),
  },
  {
    name: 'ipEvidence',
    fields: ['ipAddress', 'countryLetterCode', 'location', 'stream'],
    read: (e, ind) => {
      addIpEvidence(ind, e);
      ind.add('country', asObj(e.location)?.countryName);
    },
  },
  {
    name: 'deviceEvidence',
    fields: [
      'mdeDeviceId', 'azureAdDeviceId', 'deviceDnsName', 'hostName', 'dnsDomain', 'ntDomain', 'osPlatform', 'osBuild',
      'version', 'ipInterfaces', 'lastIpAddress', 'lastExternalIpAddress', 'loggedOnUsers', 'healthStatus',
      'onboardingStatus', 'defenderAvStatus', 'riskScore', 'rbacGroupId', 'rbacGroupName', 'firstSeenDateTime', 'vmMetadata',
    ],
    read: (e, ind) => {
      ind.add('device_id', e.mdeDeviceId);
      ind.add('device_id', e.azureAdDeviceId);
      ind.add('host', e.deviceDnsName);
      ind.add('host', e.hostName);
      ind.add('domain', e.deviceDnsName);
      ind.add('domain', e.dnsDomain);
      for (const ip of strings(e.ipInterfaces)) ind.add('ip', ip);
      ind.add('ip', e.lastIpAddress);
      ind.add('ip', e.lastExternalIpAddress);
      for (const u of asArray(e.loggedOnUsers)) addUserAccount(ind, u);
      ind.add('device_id', asObj(e.vmMetadata)?.vmId);
    },
  },
  {
    name: 'fileEvidence',
    fields: ['detectionStatus', 'mdeDeviceId', 'fileDetails'],
    read: (e, ind) => {
      ind.add('device_id', e.mdeDeviceId);
      addFileDetails(ind, e.fileDetails);
    },
  },
  {
    name: 'processEvidence',
    fields: [
      'processId', 'parentProcessId', 'processCommandLine', 'processCreationDateTime', 'parentProcessCreationDateTime',
      'imageFile', 'parentProcessImageFile', 'userAccount', 'detectionStatus', 'mdeDeviceId',
    ],
    read: (e, ind) => {
      ind.add('process_id', e.processId);
      ind.add('process_id', e.parentProcessId);
      ind.add('command_line', e.processCommandLine);
      const cmd = str(e.processCommandLine);
      if (cmd !== null) addTextIndicators(ind, cmd);
      addFileDetails(ind, e.imageFile);
      addFileDetails(ind, e.parentProcessImageFile);
      addUserAccount(ind, e.userAccount);
      ind.add('device_id', e.mdeDeviceId);
    },
  },
  {
    name: 'registryKeyEvidence',
    fields: ['registryKey', 'registryHive'],
    read: (e, ind) => addRegistryKey(ind, e),
  },
  {
    name: 'registryValueEvidence',
    fields: ['mdeDeviceId', 'registryHive', 'registryKey', 'registryValue', 'registryValueName', 'registryValueType'],
    read: (e, ind) => {
      addRegistryKey(ind, e);
      ind.add('registry_value', e.registryValueName);
      ind.add('registry_value', e.registryValue);
      const data = str(e.registryValue);
      if (data !== null) addTextIndicators(ind, data);
      ind.add('device_id', e.mdeDeviceId);
    },
  },
  {
    name: 'cloudApplicationEvidence',
    fields: ['appId', 'displayName', 'instanceId', 'instanceName', 'saasAppId', 'stream'],
    read: (e, ind) => {
      ind.add('app_id', e.appId);
      ind.add('app_id', e.saasAppId);
      ind.add('app_name', e.displayName);
      ind.add('app_name', e.instanceName);
    },
  },
  {
    name: 'oauthApplicationEvidence',
    fields: ['appId', 'displayName', 'objectId', 'publisher'],
    read: (e, ind) => {
      ind.add('app_id', e.appId);
      ind.add('app_name', e.displayName);
      ind.add('service_principal_id', e.objectId);
    },
  },
  {
    name: 'servicePrincipalEvidence',
    fields: ['appId', 'appOwnerTenantId', 'servicePrincipalName', 'servicePrincipalObjectId', 'servicePrincipalType', 'tenantId'],
    read: (e, ind) => {
      ind.add('app_id', e.appId);
      ind.add('app_name', e.servicePrincipalName);
      ind.add('service_principal_id', e.servicePrincipalObjectId);
    },
  },
  {
    name: 'fileHashEvidence',
    fields: ['algorithm', 'value'],
    read: (e, ind) => addFileHash(ind, e),
  },
  {
    name: 'dnsEvidence',
    fields: ['domainName', 'dnsServerIp', 'hostIpAddress', 'ipAddresses'],
    read: (e, ind) => {
      ind.add('domain', e.domainName);
      addIpEvidence(ind, e.dnsServerIp);
      addIpEvidence(ind, e.hostIpAddress);
      for (const ip of asArray(e.ipAddresses)) addIpEvidence(ind, ip);
    },
  },
  {
    name: 'networkConnectionEvidence',
    fields: ['sourceAddress', 'sourcePort', 'destinationAddress', 'destinationPort', 'protocol'],
    read: (e, ind) => {
      addIpEvidence(ind, e.sourceAddress);
      addIpEvidence(ind, e.destinationAddress);
    },
  },
  {
    name: 'submissionMailEvidence',
    fields: ['networkMessageId', 'recipient', 'reportType', 'sender', 'senderIp', 'subject', 'submissionDateTime', 'submissionId', 'submitter'],
    read: (e, ind) => {
      ind.add('message_id', e.networkMessageId);
      ind.add('email', e.recipient);
      ind.add('email', e.sender);
      ind.add('email', e.submitter);
      ind.add('ip', e.senderIp);
    },
  },
  {
    name: 'mailboxConfigurationEvidence',
    fields: ['configurationId', 'configurationType', 'displayName', 'externalDirectoryObjectId', 'mailboxPrimaryAddress', 'upn'],
    read: (e, ind) => {
      ind.add('mailbox', e.mailboxPrimaryAddress);
      ind.add('email', e.mailboxPrimaryAddress);
      ind.add('upn', e.upn);
      ind.add('user_id', e.externalDirectoryObjectId);
      ind.add('user_name', e.displayName);
    },
  },
];

function addRegistryKey(ind: IndicatorSet, e: Obj): void {
  ind.add('registry_key', e.registryKey);
  const hive = str(e.registryHive);
  const key = str(e.registryKey);
  if (hive !== null && key !== null) ind.add('registry_key', `${hive}\\${key}`);
}

const BY_TYPE = new Map<string, EvidenceSpec>(SPECS.map((s) => [s.name.toLowerCase(), s]));

/** "#microsoft.graph.security.mailboxEvidence" → "mailboxevidence" (lower-case, namespace dropped). */
function typeKey(odataType: string): string {
  const t = odataType.trim().toLowerCase();
  const dot = t.lastIndexOf('.');
  return dot >= 0 ? t.slice(dot + 1) : t.replace(/^#/, '');
}

const MAX_WALK_DEPTH = 32;
const MAX_WALK_STRINGS = 10_000;

/** Every string of an unmodelled evidence object, keyed by JSON path ("a.b[0].c"), bounded against hostile sizes. */
function walkStrings(v: unknown, path: string, out: Record<string, JsonValue>, depth: number, budget: { left: number }): void {
  if (budget.left <= 0 || depth > MAX_WALK_DEPTH) return;
  if (typeof v === 'string') {
    if (path !== '@odata.type') {
      out[path] = v;
      budget.left--;
    }
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => walkStrings(x, `${path}[${i}]`, out, depth + 1, budget));
    return;
  }
  const o = asObj(v);
  if (o === null) return;
  for (const k of Object.keys(o)) walkStrings(o[k], path === '' ? k : `${path}.${k}`, out, depth + 1, budget);
}

function baseArtifact(e: Obj, type: string): Artifact {
  return { type, fields: {}, verdict: str(e.verdict), roles: strings(e.roles), indicators: {} };
}

/** One evidence object as an artifact; anything that is not an object still yields an "unknown:" artifact. */
export function evidenceArtifact(value: unknown): Artifact {
  const e = asObj(value);
  if (e === null) {
    const fields: Record<string, JsonValue> = {};
    walkStrings(value, '$', fields, 0, { left: MAX_WALK_STRINGS });
    const ind = new IndicatorSet();
    for (const s of Object.values(fields)) if (typeof s === 'string') addTextIndicators(ind, s);
    return { type: 'unknown:', fields, verdict: null, roles: [], indicators: ind.toJSON() };
  }
  const odataType = typeof e['@odata.type'] === 'string' ? e['@odata.type'] : '';
  const spec = BY_TYPE.get(typeKey(odataType));
  const ind = new IndicatorSet();
  if (spec === undefined) {
    const a = baseArtifact(e, `unknown:${odataType}`);
    walkStrings(e, '', a.fields, 0, { left: MAX_WALK_STRINGS });
    for (const s of Object.values(a.fields)) if (typeof s === 'string') addTextIndicators(ind, s);
    a.indicators = ind.toJSON();
    return a;
  }
  const a = baseArtifact(e, spec.name);
  for (const k of spec.fields) {
    const v = jsonOf(e[k]);
    if (v !== undefined && v !== null) a.fields[k] = v;
  }
  for (const k of BASE_FIELDS) {
    const v = jsonOf(e[k]);
    if (v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0)) a.fields[k] = v;
  }
  spec.read(e, ind, a.fields);
  a.indicators = ind.toJSON();
  return a;
}

/** Who and what the evidence is about, as alert targets: users, devices and apps. */
export function evidenceTargets(value: unknown): Entity[] {
  const e = asObj(value);
  if (e === null) return [];
  const type = typeKey(typeof e['@odata.type'] === 'string' ? e['@odata.type'] : '');
  const account = asObj(e.userAccount);
  const out: Array<Entity | null> = [];
  if (type === 'userevidence' || type === 'mailboxevidence') {
    if (account !== null) {
      const accountName = str(account.accountName);
      const domain = str(account.domainName);
      const label = str(account.displayName) ?? (accountName !== null && domain !== null ? `${domain}\\${accountName}` : accountName);
      out.push(entity('user', account.azureAdUserId, label, account.userPrincipalName));
    } else if (type === 'mailboxevidence') {
      out.push(entity('user', null, e.displayName, e.upn ?? e.primaryAddress));
    }
  } else if (type === 'deviceevidence') {
    out.push(entity('device', e.mdeDeviceId ?? e.azureAdDeviceId, e.deviceDnsName ?? e.hostName));
  } else if (type === 'cloudapplicationevidence' || type === 'oauthapplicationevidence') {
    out.push(entity('app', jsonText(e.appId), e.displayName));
  } else if (type === 'serviceprincipalevidence') {
    out.push(entity('service_principal', e.servicePrincipalObjectId, e.servicePrincipalName));
  }
  return out.filter((x): x is Entity => x !== null);
}

function jsonText(v: unknown): string | null {
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : str(v);
}
