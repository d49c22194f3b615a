// secureScores (security/secureScores): one record per UTC day, id "{tenantId}_{yyyy-MM-dd}", shaped like
// shared/graph-samples/security_secureScores.json. The record key is the day number (days since the epoch), so a
// day's score is a pure function of (tenant, day): controls keep a per-tenant level, drift a little day to day, and
// on ~1 day in 8 a couple of heavy controls lapse (MFA, legacy auth) and the score drops by well over 5%.
import { DAY_MS, graphTimeSeconds, utcDate } from './graph-time.ts';
import { hashParts, rngFor } from './random.ts';
import type { GraphObject } from './dataset.ts';
import type { RecordState, TenantContext } from './tenant-context.ts';

interface Control {
  category: string;
  name: string;
  description: string;
  max: number;
  /** Lapses on drop days. */
  fragile?: boolean;
}

const CONTROLS: readonly Control[] = [
  { category: 'Identity', name: 'AdminMFAV2', description: 'Ensure multifactor authentication is enabled for all users in administrative roles', max: 10, fragile: true },
  { category: 'Identity', name: 'MFARegistrationV2', description: 'Ensure multifactor authentication is enabled for all users', max: 9 },
  { category: 'Identity', name: 'BlockLegacyAuthentication', description: 'Enable Conditional Access policies to block legacy authentication', max: 8, fragile: true },
  { category: 'Identity', name: 'SigninRiskPolicy', description: 'Turn on sign-in risk policy', max: 7 },
  { category: 'Identity', name: 'UserRiskPolicy', description: 'Turn on user risk policy', max: 7 },
  { category: 'Identity', name: 'PWAgePolicyNew', description: 'Ensure the \'Password expiration policy\' is set to \'Set passwords to never expire (recommended)\'', max: 8 },
  { category: 'Identity', name: 'SelfServicePasswordReset', description: 'Enable self-service password reset', max: 1 },
  { category: 'Identity', name: 'aad_admin_consent_workflow', description: 'Ensure the admin consent workflow is enabled', max: 4 },
  { category: 'Data', name: 'DLPEnabled', description: 'Data Loss Prevention (DLP) policies can be used to comply with business standards and industry regulations.', max: 10 },
  { category: 'Data', name: 'mip_search_auto_ids', description: 'Extend Microsoft 365 sensitivity labeling to assets in Microsoft Purview data map', max: 5 },
  { category: 'Apps', name: 'mdo_safelinksforemail', description: 'Ensure Safe Links for Office Applications is Enabled', max: 8 },
  { category: 'Apps', name: 'mdo_safeattachments', description: 'Ensure Safe Attachments policy is enabled', max: 8 },
  { category: 'Apps', name: 'mdo_antiphishingpolicies', description: 'Ensure that an anti-phishing policy has been created', max: 6 },
  { category: 'Apps', name: 'exo_mailboxaudit', description: 'Ensure mailbox auditing for all users is Enabled', max: 3 },
  { category: 'Device', name: 'scid_2010', description: 'Turn on Microsoft Defender Antivirus PUA protection in block mode', max: 9 },
  { category: 'Device', name: 'scid_91', description: 'Block credential stealing from the Windows local security authority subsystem', max: 9 },
];

const ENABLED_SERVICES = ['HasExchange', 'HasSharePoint', 'HasOD4B', 'HasYammer', 'HasMDEP', 'HasInTune', 'HasTeams'] as const;

export function dayKey(timeMs: number): number {
  return Math.floor(timeMs / DAY_MS);
}

export function secureScoreId(ctx: TenantContext, key: number): string {
  return `${ctx.tenantId}_${utcDate(key * DAY_MS)}`;
}

/**
 * Besides the random drop days, the attack stories (attack-scenarios.ts) end with the legacy-authentication block
 * switched off, so the score of the dataset's start day drops against the day before, which never drops: a first
 * collection (today's and yesterday's scores) sees the fall.
 */
export function isDropDay(ctx: TenantContext, day: number): boolean {
  const startDay = dayKey(ctx.startTime);
  if (day === startDay) return true;
  if (day === startDay - 1) return false;
  return hashParts(ctx.seed, 'scoreDrop', day) % 100 < 12;
}

export function renderSecureScore(ctx: TenantContext, key: number, timeMs: number, state: RecordState | undefined): GraphObject {
  const tenant = rngFor(ctx.seed, 'secureScoreTenant');
  const day = rngFor(ctx.seed, 'secureScoreDay', key, state?.version ?? 0);
  const drop = isDropDay(ctx, key);
  const controlScores = CONTROLS.map((c) => {
    // The tenant's level for this control is fixed; partially done controls wobble a little from day to day.
    const level = c.fragile ? 1 : tenant.weighted([[1, 4], [0, 2], [0.5, 3]] as const);
    const wobble = level > 0 && level < 1 ? day.between(-0.15, 0.15) : 0;
    const achieved = drop && c.fragile ? 0 : Math.min(1, Math.max(0, level + wobble));
    const score = Math.round(c.max * achieved * 100) / 100;
    return {
      controlCategory: c.category,
      controlName: c.name,
      description: c.description,
      score,
      scoreInPercentage: Math.round(achieved * 10000) / 100,
      implementationStatus: achieved >= 1 ? 'Completed' : achieved > 0 ? 'Partially completed' : 'Not completed',
      lastSynced: graphTimeSeconds(key * DAY_MS),
      count: String(day.int(0, ctx.populationSize + 1)),
      total: String(ctx.populationSize),
    };
  });
  const currentScore = Math.round(controlScores.reduce((s, c) => s + c.score, 0) * 100) / 100;
  const maxScore = CONTROLS.reduce((s, c) => s + c.max, 0);
  const services = ENABLED_SERVICES.filter((_, i) => i < 3 || hashParts(ctx.seed, 'service', i) % 3 !== 0);
  return {
    id: secureScoreId(ctx, key),
    azureTenantId: ctx.tenantId,
    activeUserCount: Math.max(0, ctx.populationSize - day.int(0, Math.ceil(ctx.populationSize / 10) + 1)),
    createdDateTime: graphTimeSeconds(timeMs),
    currentScore,
    enabledServices: services,
    licensedUserCount: ctx.populationSize,
    maxScore,
    averageComparativeScores: [
      { basis: 'AllTenants', averageScore: Math.round(day.between(38, 42) * 100) / 100 },
      { basis: 'TotalSeats', averageScore: Math.round(day.between(44, 48) * 100) / 100, seatSizeRangeLowerValue: 1, seatSizeRangeUpperValue: 100 },
      { basis: 'IndustryTypes', averageScore: Math.round(day.between(40, 50) * 100) / 100, industryName: 'Technology' },
    ],
    controlScores,
    vendorInformation: { provider: 'SecureScore', providerVersion: null, subProvider: null, vendor: 'Microsoft' },
  };
}
