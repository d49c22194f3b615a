// Shared vocabularies for generated records: names, places, devices, apps, error codes.
// Real-world constants (Microsoft first-party app ids, Entra error codes) are public facts; every IP address comes
// from the documentation ranges (RFC 5737: 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24; RFC 3849: 2001:db8::/32)
// so generated data never points at a real host.
import type { Rng } from './random.ts';

export const GIVEN_NAMES = [
  'Adele', 'Alex', 'Allan', 'Amara', 'Ana', 'Anders', 'Aiko', 'Ben', 'Bianca', 'Carlos', 'Chen', 'Christie', 'Dana',
  'Diego', 'Elif', 'Emily', 'Enrico', 'Fatima', 'Grady', 'Hannah', 'Henrietta', 'Ines', 'Isaiah', 'Jakob', 'Johanna',
  'Joni', 'Kenji', 'Lars', 'Lee', 'Lidia', 'Lynne', 'Mariam', 'Megan', 'Miriam', 'Nestor', 'Noah', 'Olga', 'Omar',
  'Patti', 'Pradeep', 'Priya', 'Raul', 'Rosa', 'Sakura', 'Samir', 'Sofia', 'Tariq', 'Thomas', 'Uma', 'Wei', 'Yara',
  'Zoe',
] as const;

export const SURNAMES = [
  'Adams', 'Ahmed', 'Alvarez', 'Andersen', 'Bauer', 'Becker', 'Brown', 'Castro', 'Chen', 'Costa', 'Dubois', 'Eriksson',
  'Fernandes', 'Fischer', 'Garcia', 'Gonzalez', 'Hansen', 'Hoffmann', 'Ito', 'Jensen', 'Johnson', 'Kaur', 'Kim',
  'Kowalski', 'Larsen', 'Lopez', 'Martin', 'Meyer', 'Moreau', 'Muller', 'Nakamura', 'Nguyen', 'Novak', 'Okafor',
  'Olsen', 'Patel', 'Petrov', 'Quinn', 'Rossi', 'Santos', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Suzuki', 'Tanaka',
  'Taylor', 'Vargas', 'Wagner', 'Walker', 'Weber', 'Williams', 'Wong', 'Yamamoto', 'Zhang',
] as const;

export const JOB_TITLES = [
  'Accountant', 'Account Executive', 'Business Analyst', 'Customer Success Manager', 'Data Scientist', 'Designer',
  'Director of Sales', 'Financial Analyst', 'HR Generalist', 'Marketing Manager', 'Office Manager', 'Product Manager',
  'Program Manager', 'Recruiter', 'Sales Representative', 'Software Engineer', 'Senior Software Engineer',
  'Support Engineer', 'Legal Counsel', 'Operations Lead',
] as const;

export const ADMIN_JOB_TITLES = ['IT Administrator', 'Security Engineer', 'Identity Administrator'] as const;

export const DEPARTMENTS = ['Finance', 'Sales', 'Marketing', 'Engineering', 'Human Resources', 'Legal', 'Operations', 'IT'] as const;

export const PREFERRED_LANGUAGES = ['en-US', 'en-US', 'en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'nl-NL', 'ja-JP'] as const;

export interface Place {
  city: string;
  state: string;
  countryOrRegion: string;
  countryName: string;
  latitude: number;
  longitude: number;
}

const place = (city: string, state: string, cc: string, countryName: string, latitude: number, longitude: number): Place => ({
  city,
  state,
  countryOrRegion: cc,
  countryName,
  latitude,
  longitude,
});

/** Where a tenant's people work; sign-ins mostly come from here. */
export const HOME_PLACES: readonly Place[] = [
  place('Redmond', 'Washington', 'US', 'United States', 47.6740, -122.1215),
  place('Seattle', 'Washington', 'US', 'United States', 47.6062, -122.3321),
  place('New York', 'New York', 'US', 'United States', 40.7128, -74.006),
  place('Chicago', 'Illinois', 'US', 'United States', 41.8781, -87.6298),
  place('Austin', 'Texas', 'US', 'United States', 30.2672, -97.7431),
  place('San Francisco', 'California', 'US', 'United States', 37.7749, -122.4194),
  place('Boston', 'Massachusetts', 'US', 'United States', 42.3601, -71.0589),
  place('Atlanta', 'Georgia', 'US', 'United States', 33.749, -84.388),
  place('London', 'England', 'GB', 'United Kingdom', 51.5074, -0.1278),
  place('Manchester', 'England', 'GB', 'United Kingdom', 53.4808, -2.2426),
  place('Dublin', 'Dublin', 'IE', 'Ireland', 53.3498, -6.2603),
  place('Amsterdam', 'Noord-Holland', 'NL', 'Netherlands', 52.3676, 4.9041),
  place('Berlin', 'Berlin', 'DE', 'Germany', 52.52, 13.405),
  place('Munich', 'Bayern', 'DE', 'Germany', 48.1351, 11.582),
  place('Toronto', 'Ontario', 'CA', 'Canada', 43.6532, -79.3832),
];

/** Business travel and remote work: plausible but not home. */
export const TRAVEL_PLACES: readonly Place[] = [
  place('Paris', 'Ile-de-France', 'FR', 'France', 48.8566, 2.3522),
  place('Madrid', 'Comunidad de Madrid', 'ES', 'Spain', 40.4168, -3.7038),
  place('Stockholm', 'Stockholm', 'SE', 'Sweden', 59.3293, 18.0686),
  place('Warsaw', 'Mazowieckie', 'PL', 'Poland', 52.2297, 21.0122),
  place('Vancouver', 'British Columbia', 'CA', 'Canada', 49.2827, -123.1207),
  place('Mexico City', 'Ciudad de Mexico', 'MX', 'Mexico', 19.4326, -99.1332),
  place('Sao Paulo', 'Sao Paulo', 'BR', 'Brazil', -23.5505, -46.6333),
  place('Tokyo', 'Tokyo', 'JP', 'Japan', 35.6762, 139.6503),
  place('Singapore', 'Singapore', 'SG', 'Singapore', 1.3521, 103.8198),
  place('Sydney', 'New South Wales', 'AU', 'Australia', -33.8688, 151.2093),
  place('Bengaluru', 'Karnataka', 'IN', 'India', 12.9716, 77.5946),
  place('Mumbai', 'Maharashtra', 'IN', 'India', 19.076, 72.8777),
  place('Johannesburg', 'Gauteng', 'ZA', 'South Africa', -26.2041, 28.0473),
  place('Seoul', 'Seoul', 'KR', 'Korea', 37.5665, 126.978),
  place('Istanbul', 'Istanbul', 'TR', 'Turkey', 41.0082, 28.9784),
];

/** Origins of password sprays, anonymising proxies and other hostile traffic in the generated data. */
export const HOSTILE_PLACES: readonly Place[] = [
  place('Moscow', 'Moscow', 'RU', 'Russia', 55.7558, 37.6173),
  place('Saint Petersburg', 'Saint Petersburg', 'RU', 'Russia', 59.9311, 30.3609),
  place('Beijing', 'Beijing', 'CN', 'China', 39.9042, 116.4074),
  place('Lagos', 'Lagos', 'NG', 'Nigeria', 6.5244, 3.3792),
  place('Bucharest', 'Bucuresti', 'RO', 'Romania', 44.4268, 26.1025),
  place('Hanoi', 'Ha Noi', 'VN', 'Vietnam', 21.0278, 105.8342),
  place('Tehran', 'Tehran', 'IR', 'Iran', 35.6892, 51.389),
  place('Frankfurt am Main', 'Hessen', 'DE', 'Germany', 50.1109, 8.6821),
  place('Kyiv', 'Kyiv', 'UA', 'Ukraine', 50.4501, 30.5234),
];

const IPV4_PREFIXES = ['203.0.113.', '198.51.100.', '192.0.2.'] as const;

/** An address from the documentation ranges; the first ranges are the "corporate" ones. */
export function ipv4(rng: Rng, prefixIndex?: number): string {
  const prefix = IPV4_PREFIXES[prefixIndex ?? rng.int(0, IPV4_PREFIXES.length)] ?? IPV4_PREFIXES[0];
  return `${prefix}${rng.int(1, 255)}`;
}

export function ipv6(rng: Rng): string {
  return `2001:db8:${rng.int(1, 0xffff).toString(16)}:${rng.int(0, 0xffff).toString(16)}::${rng.int(1, 0xffff).toString(16)}`;
}

export interface ClientProfile {
  userAgent: string;
  operatingSystem: string;
  browser: string;
  /** signIn.clientAppUsed */
  clientAppUsed: string;
}

export const BROWSER_CLIENTS: readonly ClientProfile[] = [
  {
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80',
    operatingSystem: 'Windows10',
    browser: 'Edge 124.0.2478',
    clientAppUsed: 'Browser',
  },
  {
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
    operatingSystem: 'Windows10',
    browser: 'Chrome 125.0.0',
    clientAppUsed: 'Browser',
  },
  {
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:126.0) Gecko/20100101 Firefox/126.0',
    operatingSystem: 'Windows10',
    browser: 'Firefox 126.0',
    clientAppUsed: 'Browser',
  },
  {
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15',
    operatingSystem: 'MacOs',
    browser: 'Safari 17.4.1',
    clientAppUsed: 'Browser',
  },
  {
    userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36',
    operatingSystem: 'MacOs',
    browser: 'Chrome 125.0.0',
    clientAppUsed: 'Browser',
  },
  {
    userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    operatingSystem: 'Ios',
    browser: 'Mobile Safari 17.5',
    clientAppUsed: 'Browser',
  },
  {
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.53 Mobile Safari/537.36',
    operatingSystem: 'Android',
    browser: 'Chrome Mobile 125.0.6422',
    clientAppUsed: 'Browser',
  },
  {
    userAgent: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0',
    operatingSystem: 'Linux',
    browser: 'Firefox 126.0',
    clientAppUsed: 'Browser',
  },
  {
    userAgent: 'Mozilla/5.0 (Windows NT 11.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67',
    operatingSystem: 'Windows 11',
    browser: 'Edge 124.0.2478',
    clientAppUsed: 'Browser',
  },
];

export const DESKTOP_CLIENTS: readonly ClientProfile[] = [
  {
    userAgent: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17531; Pro)',
    operatingSystem: 'Windows10',
    browser: 'Rich Client 16.0.17531',
    clientAppUsed: 'Mobile Apps and Desktop clients',
  },
  {
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Teams/1.7.00.13456 Chrome/120.0.6099.291 Electron/28.2.10 Safari/537.36',
    operatingSystem: 'Windows10',
    browser: 'Rich Client 1.7.00',
    clientAppUsed: 'Mobile Apps and Desktop clients',
  },
  {
    userAgent: 'Outlook-iOS/2.0',
    operatingSystem: 'Ios',
    browser: 'Rich Client',
    clientAppUsed: 'Mobile Apps and Desktop clients',
  },
  {
    userAgent: 'Dalvik/2.1.0 (Linux; U; Android 14; SM-S918B Build/UP1A.231005.007)',
    operatingSystem: 'Android',
    browser: 'Rich Client',
    clientAppUsed: 'Mobile Apps and Desktop clients',
  },
];

/** Basic-auth protocols: the classic target of password sprays and of "Block legacy authentication" policies. */
export const LEGACY_CLIENTS: readonly ClientProfile[] = [
  { userAgent: 'BAV2ROPC', operatingSystem: '', browser: '', clientAppUsed: 'IMAP4' },
  { userAgent: 'BAV2ROPC', operatingSystem: '', browser: '', clientAppUsed: 'POP3' },
  { userAgent: 'Microsoft.Exchange.ActiveSync/15.20', operatingSystem: 'Android', browser: '', clientAppUsed: 'Exchange ActiveSync' },
  { userAgent: 'BAV2ROPC', operatingSystem: '', browser: '', clientAppUsed: 'Authenticated SMTP' },
  { userAgent: 'python-requests/2.31.0', operatingSystem: '', browser: 'Python Requests 2.31', clientAppUsed: 'Other clients' },
  { userAgent: 'Mozilla/5.0 (compatible; MSAL 1.0) PKeyAuth/1.0', operatingSystem: 'Windows10', browser: '', clientAppUsed: 'Other clients' },
];

export interface AppInfo {
  appId: string;
  displayName: string;
  resourceId: string;
  resourceDisplayName: string;
}

const GRAPH = ['00000003-0000-0000-c000-000000000000', 'Microsoft Graph'] as const;
const EXO = ['00000002-0000-0ff1-ce00-000000000000', 'Office 365 Exchange Online'] as const;
const SPO = ['00000003-0000-0ff1-ce00-000000000000', 'Office 365 SharePoint Online'] as const;
const ARM = ['797f4846-ba00-4fd7-ba43-dac1f8f63013', 'Windows Azure Service Management API'] as const;
const TEAMS_SVC = ['cc15fd57-2c6c-4117-a88c-83b1d56b4bbe', 'Microsoft Teams Services'] as const;
const AAD = ['00000002-0000-0000-c000-000000000000', 'Windows Azure Active Directory'] as const;

const app = (appId: string, displayName: string, resource: readonly [string, string]): AppInfo => ({
  appId,
  displayName,
  resourceId: resource[0],
  resourceDisplayName: resource[1],
});

/** Microsoft first-party applications users sign in to interactively, with the resource each one asks for. */
export const APPS: readonly AppInfo[] = [
  app('4765445b-32c6-49b0-83e6-1d93765276ca', 'OfficeHome', GRAPH),
  app('d3590ed6-52b3-4102-aeff-aad2292ab01c', 'Microsoft Office', EXO),
  app('1fec8e78-bce4-4aaf-ab1b-5451cc387264', 'Microsoft Teams', TEAMS_SVC),
  app('00000002-0000-0ff1-ce00-000000000000', 'Office 365 Exchange Online', EXO),
  app('00000003-0000-0ff1-ce00-000000000000', 'Office 365 SharePoint Online', SPO),
  app('ab9b8c07-8f02-4f72-87fa-80105867a763', 'OneDrive SyncEngine', SPO),
  app('27922004-5251-4030-b22d-91ecd9a37ea4', 'Outlook Mobile', EXO),
  app('c44b4083-3bb0-49c1-b47d-974e53cbdf3c', 'Azure Portal', ARM),
  app('de8bc8b5-d9f9-48b1-a8ad-b748da725064', 'Graph Explorer', GRAPH),
  app('19db86c3-b2b9-44cc-b339-36da233a3be2', 'My Signins', GRAPH),
  app('29d9ed98-a469-4536-ade2-f981bc1d605e', 'Microsoft Authentication Broker', AAD),
  app('38aa3b87-a06d-4817-b275-7a316988d93b', 'Windows Sign In', AAD),
];

/** Admin tooling: the apps privileged users sign in with. */
export const ADMIN_APPS: readonly AppInfo[] = [
  app('04b07795-8ddb-461a-bbee-02f9e1bf7b46', 'Microsoft Azure CLI', ARM),
  app('1950a258-227b-4e31-a9cf-717495945fc2', 'Microsoft Azure PowerShell', ARM),
  app('c44b4083-3bb0-49c1-b47d-974e53cbdf3c', 'Azure Portal', ARM),
];

export const LEGACY_APP = app('00000002-0000-0ff1-ce00-000000000000', 'Office 365 Exchange Online', EXO);

export interface SignInFailure {
  errorCode: number;
  failureReason: string;
  additionalDetails: string | null;
}

export const FAILURES = {
  invalidPassword: {
    errorCode: 50126,
    failureReason: 'Error validating credentials due to invalid username or password.',
    additionalDetails: 'The user didn\'t enter the right credentials. It\'s expected to see some number of these errors in your logs due to users making mistakes.',
  },
  locked: {
    errorCode: 50053,
    failureReason: 'Account is locked because user tried to sign in too many times with an incorrect user ID or password.',
    additionalDetails: 'The account is locked by Smart Lockout to protect against brute-force password attacks.',
  },
  strongAuthRequired: {
    errorCode: 50074,
    failureReason: 'Strong Authentication is required.',
    additionalDetails: 'The user was presented options to provide a second factor but has not completed it yet.',
  },
  mfaFailed: {
    errorCode: 500121,
    failureReason: 'Authentication failed during strong authentication request.',
    additionalDetails: 'MFA denied; user declined the authentication',
  },
  blockedByCa: {
    errorCode: 53003,
    failureReason: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
    additionalDetails: 'If this is unexpected, see the conditional access policy that applied to this request in the Azure Portal.',
  },
  mfaRequiredLocation: {
    errorCode: 50076,
    failureReason: 'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access this resource.',
    additionalDetails: 'MFA required in Azure AD',
  },
  passwordExpired: {
    errorCode: 50055,
    failureReason: 'The password is expired.',
    additionalDetails: null,
  },
  disabled: {
    errorCode: 50057,
    failureReason: 'The user account is disabled.',
    additionalDetails: 'The user object in Active Directory backing this account has been disabled.',
  },
  keepMeSignedIn: {
    errorCode: 50140,
    failureReason: 'This error occurred due to \'Keep me signed in\' interrupt when the user was signing in.',
    additionalDetails: null,
  },
} as const satisfies Record<string, SignInFailure>;

/** v1.0 riskEventType enum members still used in riskEventTypes (the v2 list holds the same names as strings). */
export const RISK_EVENT_TYPES = [
  'unfamiliarFeatures',
  'anonymizedIPAddress',
  'maliciousIPAddress',
  'unlikelyTravel',
  'suspiciousIPAddress',
  'leakedCredentials',
  'investigationsThreatIntelligence',
  'passwordSpray',
  'mcasImpossibleTravel',
  'adminConfirmedUserCompromised',
] as const;

export const CA_POLICY_NAMES = [
  'Require MFA for administrators',
  'Block legacy authentication',
  'Require MFA for Azure management',
  'Require compliant or hybrid joined device for Office 365',
  'Sign-in risk medium and above requires MFA',
  'Block access from unsupported countries',
] as const;

export const ADMIN_ROLES = [
  'Global Administrator',
  'Privileged Role Administrator',
  'Security Administrator',
  'User Administrator',
  'Exchange Administrator',
  'Application Administrator',
  'Conditional Access Administrator',
  'Helpdesk Administrator',
] as const;

export const GROUP_NAMES = [
  'All Employees', 'Finance Team', 'Sales EMEA', 'Engineering', 'VPN Users', 'MFA Exclusions', 'Break Glass Accounts',
  'Marketing', 'Helpdesk Operators', 'Privileged Access Workstations',
] as const;

/** Third-party and line-of-business apps that appear in consent and credential audits. */
export const BUSINESS_APPS = [
  'Contoso Expense Portal', 'HR Sync Connector', 'Backup Automation', 'SIEM Connector', 'Payroll Export',
  'Mail Archiver', 'Project Tracker', 'Marketing Analytics', 'PDF Converter Pro', 'Calendar Sync Helper',
] as const;

export const DEVICE_NAMES = ['DESKTOP', 'LAPTOP', 'WS', 'PC', 'SURFACE'] as const;

/** Files seen on endpoints in Defender alerts: [fileName, folder, publisher or null, size]. */
export const MALICIOUS_FILES: ReadonlyArray<readonly [string, string, string | null, number]> = [
  ['invoice_0427.exe', 'C:\\Users\\{user}\\Downloads', null, 482_304],
  ['mimikatz.exe', 'C:\\Windows\\Temp', null, 1_250_056],
  ['update.ps1', 'C:\\ProgramData\\Updates', null, 8_412],
  ['svch0st.exe', 'C:\\Users\\{user}\\AppData\\Roaming', null, 96_256],
  ['rclone.exe', 'C:\\Users\\Public', null, 52_817_920],
  ['payload.dll', 'C:\\Users\\{user}\\AppData\\Local\\Temp', null, 327_680],
  ['AnyDesk.exe', 'C:\\Users\\{user}\\Downloads', 'philandro Software GmbH', 5_213_448],
];

export const SYSTEM_FILES: ReadonlyArray<readonly [string, string, number]> = [
  ['powershell.exe', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0', 452_608],
  ['cmd.exe', 'C:\\Windows\\System32', 289_792],
  ['rundll32.exe', 'C:\\Windows\\System32', 71_680],
  ['explorer.exe', 'C:\\Windows', 5_450_184],
  ['wmiprvse.exe', 'C:\\Windows\\System32\\wbem', 509_440],
  ['OUTLOOK.EXE', 'C:\\Program Files\\Microsoft Office\\root\\Office16', 42_301_312],
];

export const PHISHING_SUBJECTS = [
  'Action required: your password expires today',
  'Invoice #48213 overdue',
  'Shared document: Q3 budget review',
  'Voicemail received (00:42)',
  'Your mailbox is almost full',
  'DocuSign: please review and sign',
  'Payroll update for this month',
] as const;

export const PHISHING_DOMAINS = ['login-micros0ft.example', 'secure-docs.example', 'payroll-update.example', 'sharepoint-files.example.net'] as const;

/** A well-known cloud app in Defender for Cloud Apps' catalogue: [appId, name]. */
export const CLOUD_APPS: ReadonlyArray<readonly [number, string]> = [
  [11161, 'Office 365'],
  [20893, 'Microsoft Exchange Online'],
  [20892, 'Microsoft SharePoint Online'],
  [15600, 'Microsoft OneDrive for Business'],
  [12260, 'Microsoft Azure'],
  [11394, 'Microsoft Teams'],
  [10489, 'Box'],
  [11627, 'Dropbox'],
];
