// The attack stories behind generated incidents and their alerts. An incident draws one scenario; each of its
// alerts draws a template of that scenario, so titles, product (serviceSource) and evidence types hang together:
// Office 365 alerts carry mail evidence, Endpoint alerts device/file/process/registry/ip, Identity alerts user/ip/device.

export type EvidenceKind =
  | 'mailboxEvidence'
  | 'analyzedMessageEvidence'
  | 'urlEvidence'
  | 'mailClusterEvidence'
  | 'userEvidence'
  | 'ipEvidence'
  | 'deviceEvidence'
  | 'fileEvidence'
  | 'processEvidence'
  | 'registryKeyEvidence'
  | 'registryValueEvidence'
  | 'cloudApplicationEvidence';

export interface AlertTemplate {
  title: string;
  category: string;
  serviceSource: string;
  detectionSource: string;
  severity: 'informational' | 'low' | 'medium' | 'high';
  mitreTechniques: string[];
  description: string;
  recommendedActions: string;
  evidence: EvidenceKind[];
  threatDisplayName?: string;
  threatFamilyName?: string;
}

export interface Scenario {
  name: string;
  /** Incident displayName; `{n}` is replaced with the number of users or devices involved. */
  incidentName: string;
  templates: AlertTemplate[];
}

const MAIL_ACTIONS =
  'Review the message and its recipients. Soft-delete remaining copies, block the sender and URLs, and reset the credentials of any user who clicked.';
const ENDPOINT_ACTIONS =
  'Collect artifacts and determine scope\n- Review the machine timeline for suspicious activities before and after the alert.\n- Look for the same artifacts on other devices.\n- Submit relevant files for deep analysis.\n\nInitiate containment & mitigation\n- Isolate the device if compromise is confirmed.\n- Run a full antivirus scan and update signatures.\n- If credential theft is suspected, reset the passwords of affected users.';
const IDENTITY_ACTIONS =
  'Investigate the source computer and the account. Reset the account password, require MFA, and review recent sign-ins for other anomalies.';
const CLOUD_ACTIONS =
  'Contact the user to confirm the activity. If it was not expected, suspend the user, revoke sessions and review the files and rules touched.';

const mdo = (title: string, mitre: string[], evidence: EvidenceKind[], severity: AlertTemplate['severity'], description: string): AlertTemplate => ({
  title,
  category: 'InitialAccess',
  serviceSource: 'microsoftDefenderForOffice365',
  detectionSource: 'microsoftDefenderForOffice365',
  severity,
  mitreTechniques: mitre,
  description,
  recommendedActions: MAIL_ACTIONS,
  evidence,
});

const mde = (
  title: string,
  category: string,
  mitre: string[],
  evidence: EvidenceKind[],
  severity: AlertTemplate['severity'],
  detectionSource: string,
  description: string,
  threat?: [string, string],
): AlertTemplate => ({
  title,
  category,
  serviceSource: 'microsoftDefenderForEndpoint',
  detectionSource,
  severity,
  mitreTechniques: mitre,
  description,
  recommendedActions: ENDPOINT_ACTIONS,
  evidence,
  ...(threat ? { threatDisplayName: threat[0], threatFamilyName: threat[1] } : {}),
});

const ENDPOINT_FULL: EvidenceKind[] = ['deviceEvidence', 'fileEvidence', 'processEvidence', 'registryKeyEvidence', 'registryValueEvidence', 'ipEvidence'];

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'phishing',
    incidentName: 'Email reported by user as malware or phish involving {n} users',
    templates: [
      mdo(
        'Email messages containing malicious URL removed after delivery',
        ['T1566.002'],
        ['mailboxEvidence', 'analyzedMessageEvidence', 'urlEvidence', 'mailClusterEvidence', 'userEvidence'],
        'medium',
        'Emails with a malicious URL that were delivered and later removed by zero-hour auto purge.',
      ),
      mdo(
        'A potentially malicious URL click was detected',
        ['T1566.002', 'T1204.001'],
        ['mailboxEvidence', 'urlEvidence', 'userEvidence', 'ipEvidence', 'analyzedMessageEvidence'],
        'high',
        'A user clicked a URL that was later found to be malicious.',
      ),
      mdo(
        'Email reported by user as malware or phish',
        ['T1566'],
        ['analyzedMessageEvidence', 'mailboxEvidence', 'mailClusterEvidence', 'userEvidence'],
        'informational',
        'A user reported an email message as phishing or malware.',
      ),
    ],
  },
  {
    name: 'endpoint',
    incidentName: 'Multi-stage incident involving Execution & Defense evasion on {n} endpoints',
    templates: [
      mde(
        'Suspicious execution of hidden file',
        'DefenseEvasion',
        ['T1564.001'],
        ['deviceEvidence', 'fileEvidence', 'processEvidence', 'registryKeyEvidence'],
        'low',
        'antivirus',
        'A hidden file has been launched. This activity could indicate a compromised host. Attackers often hide files associated with malicious tools to evade file system inspection and defenses.',
      ),
      mde(
        "'Mimikatz' credential theft tool",
        'CredentialAccess',
        ['T1003', 'T1003.001'],
        ENDPOINT_FULL,
        'high',
        'microsoftDefenderForEndpoint',
        'The Mimikatz credential theft tool was detected on this device. It can read passwords and hashes from memory.',
        ['HackTool:Win32/Mimikatz', 'Mimikatz'],
      ),
      mde(
        'Suspicious PowerShell command line',
        'Execution',
        ['T1059.001', 'T1027'],
        ['deviceEvidence', 'processEvidence', 'fileEvidence', 'ipEvidence', 'registryValueEvidence'],
        'medium',
        'microsoftDefenderForEndpoint',
        'A suspicious PowerShell activity was observed on the machine. It may involve downloading or running encoded code.',
      ),
      mde(
        'Ransomware behavior detected in the file system',
        'Impact',
        ['T1486'],
        ENDPOINT_FULL,
        'high',
        'antivirus',
        'A process encrypted many files and dropped ransom notes, a typical ransomware behavior.',
        ['Ransom:Win32/LockBit.PA!MTB', 'LockBit'],
      ),
      {
        // Defender for Cloud alerts reach alerts_v2 with a serviceSource after unknownFutureValue (an evolvable
        // member): Graph masks it as unknownFutureValue unless the caller sends Prefer: include-unknown-enum-members.
        title: 'Suspicious process executed',
        category: 'Execution',
        serviceSource: 'microsoftDefenderForCloud',
        detectionSource: 'microsoftDefenderForServers',
        severity: 'high',
        mitreTechniques: ['T1059'],
        description: 'Machine logs indicate that a suspicious process was running on the virtual machine.',
        recommendedActions: ENDPOINT_ACTIONS,
        evidence: ['deviceEvidence', 'processEvidence', 'fileEvidence', 'ipEvidence'],
      },
    ],
  },
  {
    name: 'identity',
    incidentName: 'Suspected credential access involving {n} users',
    templates: [
      {
        title: 'Suspected brute-force attack (LDAP)',
        category: 'CredentialAccess',
        serviceSource: 'microsoftDefenderForIdentity',
        detectionSource: 'microsoftDefenderForIdentity',
        severity: 'medium',
        mitreTechniques: ['T1110', 'T1110.003'],
        description: 'A source computer attempted many LDAP simple bind authentications with wrong passwords.',
        recommendedActions: IDENTITY_ACTIONS,
        evidence: ['userEvidence', 'ipEvidence', 'deviceEvidence'],
      },
      {
        title: 'Suspected DCSync attack (replication of directory services)',
        category: 'CredentialAccess',
        serviceSource: 'microsoftDefenderForIdentity',
        detectionSource: 'microsoftDefenderForIdentity',
        severity: 'high',
        mitreTechniques: ['T1003.006'],
        description: 'A replication request was sent from a computer that is not a domain controller.',
        recommendedActions: IDENTITY_ACTIONS,
        evidence: ['userEvidence', 'deviceEvidence', 'ipEvidence'],
      },
      {
        title: 'Suspected Kerberos SPN exposure',
        category: 'CredentialAccess',
        serviceSource: 'microsoftDefenderForIdentity',
        detectionSource: 'microsoftDefenderForIdentity',
        severity: 'high',
        mitreTechniques: ['T1558.003'],
        description: 'An account enumerated service principal names and requested Kerberos tickets for them (Kerberoasting).',
        recommendedActions: IDENTITY_ACTIONS,
        evidence: ['userEvidence', 'deviceEvidence', 'ipEvidence'],
      },
    ],
  },
  {
    name: 'cloudApps',
    incidentName: 'Impossible travel activity involving {n} users',
    templates: [
      {
        title: 'Impossible travel activity',
        category: 'InitialAccess',
        serviceSource: 'microsoftDefenderForCloudApps',
        detectionSource: 'cloudAppSecurity',
        severity: 'medium',
        mitreTechniques: ['T1078'],
        description: 'The user signed in from two distant locations within a time shorter than the travel between them.',
        recommendedActions: CLOUD_ACTIONS,
        evidence: ['userEvidence', 'ipEvidence', 'cloudApplicationEvidence'],
      },
      {
        title: 'Mass download by a single user',
        category: 'Exfiltration',
        serviceSource: 'microsoftDefenderForCloudApps',
        detectionSource: 'cloudAppSecurity',
        severity: 'medium',
        mitreTechniques: ['T1530'],
        description: 'A user downloaded an unusually large number of files in a short time.',
        recommendedActions: CLOUD_ACTIONS,
        evidence: ['userEvidence', 'cloudApplicationEvidence', 'ipEvidence'],
      },
      {
        title: 'Suspicious inbox manipulation rule',
        category: 'DefenseEvasion',
        serviceSource: 'microsoftDefenderForCloudApps',
        detectionSource: 'cloudAppSecurity',
        severity: 'high',
        mitreTechniques: ['T1564.008', 'T1114.003'],
        description: 'A user created an inbox rule that deletes or moves messages to an obscure folder, often after account compromise.',
        recommendedActions: CLOUD_ACTIONS,
        evidence: ['userEvidence', 'mailboxEvidence', 'cloudApplicationEvidence', 'ipEvidence'],
      },
    ],
  },
  {
    name: 'identityProtection',
    incidentName: 'Unfamiliar sign-in properties involving {n} users',
    templates: [
      {
        title: 'Unfamiliar sign-in properties',
        category: 'InitialAccess',
        serviceSource: 'azureAdIdentityProtection',
        detectionSource: 'azureAdIdentityProtection',
        severity: 'medium',
        mitreTechniques: ['T1078'],
        description: 'The sign-in had properties not seen recently for this user (location, ASN, browser).',
        recommendedActions: IDENTITY_ACTIONS,
        evidence: ['userEvidence', 'ipEvidence'],
      },
      {
        title: 'Anonymous IP address',
        category: 'InitialAccess',
        serviceSource: 'azureAdIdentityProtection',
        detectionSource: 'azureAdIdentityProtection',
        severity: 'low',
        mitreTechniques: ['T1090.003'],
        description: 'The sign-in came from an anonymous IP address such as a Tor exit node or an anonymising VPN.',
        recommendedActions: IDENTITY_ACTIONS,
        evidence: ['userEvidence', 'ipEvidence'],
      },
      {
        title: 'Password spray',
        category: 'CredentialAccess',
        serviceSource: 'azureAdIdentityProtection',
        detectionSource: 'azureAdIdentityProtection',
        severity: 'high',
        mitreTechniques: ['T1110.003'],
        description: 'Many accounts were attacked with a few common passwords from the same source.',
        recommendedActions: IDENTITY_ACTIONS,
        evidence: ['userEvidence', 'ipEvidence'],
      },
    ],
  },
];

/** Multi-stage incidents mix templates of several products. */
export const MULTI_STAGE: Scenario = {
  name: 'multiStage',
  incidentName: 'Multi-stage incident involving Initial access & Command and control on {n} endpoints reported by multiple sources',
  templates: SCENARIOS.flatMap((s) => s.templates),
};

export const ALL_SCENARIOS: readonly Scenario[] = [...SCENARIOS, MULTI_STAGE];

/** Alert id prefixes per product, as alerts_v2 ids show them ("da" Defender for Endpoint, "fa" Office 365, ...). */
export const ALERT_ID_PREFIX: Record<string, string> = {
  microsoftDefenderForEndpoint: 'da',
  microsoftDefenderForOffice365: 'fa',
  microsoftDefenderForIdentity: 'aa',
  microsoftDefenderForCloudApps: 'ca',
  azureAdIdentityProtection: 'ad',
};
