// The public SigmaHQ rules for Entra ID (../shared/sigma-rules/, test data that is not part of the repo): how many
// load, why the others do not, and for a sample across the three services that each fires on a matching record
// (from the simulator's renderers or Microsoft's samples, modified to match) and stays silent on a contrary one.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckId } from '../../../src/core/check-ids.ts';
import { loadSigmaDir } from '../../../src/detections/sigma/load-sigma-dir.ts';
import type { SigmaFileResult } from '../../../src/detections/sigma/load-sigma-dir.ts';
import { renderDirectoryAudit } from '../../../src/simulator/data/render-directory-audit.ts';
import { renderRiskDetection } from '../../../src/simulator/data/render-risk-detection.ts';
import { renderSignIn } from '../../../src/simulator/data/render-sign-in.ts';
import { createTenantContext } from '../../../src/simulator/data/tenant-context.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const rulesDir = path.resolve(repoRoot, '..', 'shared', 'sigma-rules');
const samplesDir = path.resolve(repoRoot, '..', 'shared', 'graph-samples');
const haveRules = existsSync(rulesDir) && existsSync(samplesDir);
if (!haveRules) console.warn(`skipping shared Sigma rule tests: ${rulesDir} or ${samplesDir} is missing`);

/** What this implementation achieves on the 81 rules; a change in either direction must be looked at. */
const EXPECTED_LOADED = 79;
const EXPECTED_NOT_SUPPORTED: Record<string, RegExp> = {
  // "Target" is not an AuditLogs column (the rule's placeholder 'UPN' shows it was never run as written).
  'audit_logs/azure_user_password_change.yml': /field "Target" has no mapping for service auditlogs/,
  // "ActivityDetails" is not a SigninLogs column either.
  'signin_logs/azure_legacy_authentication_protocols.yml': /field "ActivityDetails" has no mapping for service signinlogs/,
};

type Rec = Record<string, unknown>;
const START = Date.UTC(2026, 10, 20, 9, 0, 0);
const ctx = createTenantContext({
  seed: 'sigma-tests',
  tenantId: '5b1e2c3d-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  domain: 'contoso.example.com',
  startTime: START,
  userCount: 40,
  riskyUserCount: 6,
});

const clone = <T,>(v: T): T => structuredClone(v);

function signIn(patch: (r: Rec & { status: Rec; deviceDetail: Rec }) => void): Rec {
  const r = clone(renderSignIn(ctx, 7, START)) as Rec & { status: Rec; deviceDetail: Rec };
  patch(r);
  return r;
}

/** The first simulated audit record for which `want` holds. */
function auditWhere(want: (r: Rec) => boolean): Rec {
  for (let k = 0; k < 5000; k++) {
    const r = renderDirectoryAudit(ctx, k, START + k * 1000) as Rec;
    if (want(r)) return clone(r);
  }
  throw new Error('the simulator rendered no such audit record');
}

function riskWhere(type: string): Rec {
  for (let k = 0; k < 5000; k++) {
    const r = renderRiskDetection(ctx, k, START + k * 1000, undefined) as Rec;
    if (r['riskEventType'] === type) return clone(r);
  }
  throw new Error(`the simulator rendered no ${type} detection`);
}

const modifiedProps = (r: Rec): Array<{ displayName: string; newValue: string | null }> =>
  (r['targetResources'] as Array<{ modifiedProperties: Array<{ displayName: string; newValue: string | null }> }>).flatMap(
    (t) => t.modifiedProperties,
  );

describe.skipIf(!haveRules)('the shared SigmaHQ rules for Entra ID', () => {
  let results: SigmaFileResult[] = [];
  const byFile = new Map<string, SigmaFileResult>();

  beforeAll(async () => {
    results = await loadSigmaDir(rulesDir);
    for (const r of results) byFile.set(r.file, r);
  });

  function fires(file: string, check: CheckId, record: Rec): boolean {
    const r = byFile.get(file);
    if (!r || r.status !== 'loaded') throw new Error(`${file} did not load`);
    return r.predicate(check, record);
  }

  it(`loads ${EXPECTED_LOADED} of the 81 rules and gives every other one a reason`, () => {
    expect(results).toHaveLength(81);
    const loaded = results.filter((r) => r.status === 'loaded');
    const refused = results.filter((r) => r.status === 'not_supported');
    expect(loaded).toHaveLength(EXPECTED_LOADED);
    expect(refused.map((r) => r.file).sort()).toEqual(Object.keys(EXPECTED_NOT_SUPPORTED).sort());
    for (const r of refused) {
      expect(r.reason).toMatch(/^not supported: /);
      expect(r.reason).toMatch(EXPECTED_NOT_SUPPORTED[r.file]!);
      expect(r.title).toBeTruthy();
    }
  });

  it('keeps every loaded rule\'s metadata and logsource', () => {
    for (const r of results) {
      if (r.status !== 'loaded') continue;
      expect(r.rule.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.rule.title.length).toBeGreaterThan(0);
      expect(r.rule.level).toMatch(/^(informational|low|medium|high|critical)$/);
      expect(['signinlogs', 'auditlogs', 'riskdetection']).toContain(r.rule.logsource.service);
      expect(r.file.startsWith({ signinlogs: 'signin_logs/', auditlogs: 'audit_logs/', riskdetection: 'identity_protection/' }[r.rule.logsource.service])).toBe(true);
    }
  });

  it('never fires a rule on records of another check', () => {
    const record = JSON.parse(readFileSync(path.join(samplesDir, 'auditLogs_signIns.normalized.json'), 'utf8')) as Rec;
    const lockout = { ...record, status: { errorCode: 50053, failureReason: 'Account is locked', additionalDetails: null } };
    expect(fires('signin_logs/azure_account_lockout.yml', 'auditLogs.signIns', lockout)).toBe(true);
    expect(fires('signin_logs/azure_account_lockout.yml', 'auditLogs.directoryAudits', lockout)).toBe(false);
    expect(fires('signin_logs/azure_account_lockout.yml', 'identityProtection.riskDetections', lockout)).toBe(false);
  });

  it('fires the account lockout rule on error 50053 in Microsoft\'s sample sign-in and not on the sample as is', () => {
    const sample = JSON.parse(readFileSync(path.join(samplesDir, 'auditLogs_signIns.normalized.json'), 'utf8')) as Rec;
    const locked = { ...sample, status: { errorCode: 50053, failureReason: 'Account is locked.', additionalDetails: null } };
    expect(fires('signin_logs/azure_account_lockout.yml', 'auditLogs.signIns', locked)).toBe(true);
    expect(fires('signin_logs/azure_account_lockout.yml', 'auditLogs.signIns', sample)).toBe(false);
  });

  it('fires the MFA denial rule on a denied MFA and not on a completed one (Status maps to the status object)', () => {
    const file = 'signin_logs/azure_mfa_denies.yml';
    const denied = signIn((r) => {
      r['authenticationRequirement'] = 'multiFactorAuthentication';
      r.status = { errorCode: 500121, failureReason: 'Authentication failed during strong authentication request.', additionalDetails: 'MFA denied; user declined the authentication' };
    });
    const completed = signIn((r) => {
      r['authenticationRequirement'] = 'multiFactorAuthentication';
      r.status = { errorCode: 0, failureReason: null, additionalDetails: 'MFA completed in Azure AD' };
    });
    expect(fires(file, 'auditLogs.signIns', denied)).toBe(true);
    expect(fires(file, 'auditLogs.signIns', completed)).toBe(false);
  });

  it('fires the device code rule on authenticationProtocol deviceCode (properties.message) and not on other protocols', () => {
    const file = 'signin_logs/azure_app_device_code_authentication.yml';
    expect(fires(file, 'auditLogs.signIns', signIn((r) => (r['authenticationProtocol'] = 'deviceCode')))).toBe(true);
    expect(fires(file, 'auditLogs.signIns', signIn((r) => (r['authenticationProtocol'] = 'none')))).toBe(false);
    expect(fires(file, 'auditLogs.signIns', signIn(() => undefined))).toBe(false);
  });

  it('fires the device-registration-without-MFA rule only when the filter ("and not") does not match', () => {
    const file = 'signin_logs/azure_ad_device_registration_or_join_without_mfa.yml';
    const base = (requirement: string): Rec =>
      signIn((r) => {
        r['resourceDisplayName'] = 'Device Registration Service';
        r['conditionalAccessStatus'] = 'success';
        r['authenticationRequirement'] = requirement;
      });
    expect(fires(file, 'auditLogs.signIns', base('singleFactorAuthentication'))).toBe(true);
    expect(fires(file, 'auditLogs.signIns', base('multiFactorAuthentication'))).toBe(false);
  });

  it('fires the interrupted MFA rule through either of its selections ("1 of selection_*")', () => {
    const file = 'signin_logs/azure_mfa_interrupted.yml';
    const withStatus = (errorCode: number, failureReason: string): Rec =>
      signIn((r) => (r.status = { errorCode, failureReason, additionalDetails: null }));
    expect(fires(file, 'auditLogs.signIns', withStatus(50074, 'Strong Auth required.'))).toBe(true);
    expect(fires(file, 'auditLogs.signIns', withStatus(500121, 'Authentication failed during strong authentication request.'))).toBe(true);
    expect(fires(file, 'auditLogs.signIns', withStatus(500121, 'Strong Auth required.'))).toBe(false);
    expect(fires(file, 'auditLogs.signIns', withStatus(50126, 'Invalid username or password.'))).toBe(false);
  });

  it('fires the risky single-factor rule on an unknown device (trustType null or empty) and not on a joined one', () => {
    const file = 'signin_logs/azure_ad_risky_sign_ins_with_singlefactorauth_from_unknown_devices.yml';
    const risky = (trustType: string | null): Rec =>
      signIn((r) => {
        r.status = { errorCode: 0, failureReason: null, additionalDetails: null };
        r['authenticationRequirement'] = 'singleFactorAuthentication';
        r['riskState'] = 'atRisk';
        r.deviceDetail = { ...r.deviceDetail, trustType };
      });
    expect(fires(file, 'auditLogs.signIns', risky(null))).toBe(true);
    expect(fires(file, 'auditLogs.signIns', risky(''))).toBe(true);
    expect(fires(file, 'auditLogs.signIns', risky('Azure AD joined'))).toBe(false);
  });

  it('fires the AzureHound rule on its user agent (ResultType 0 as a number) and not on a browser', () => {
    const file = 'signin_logs/azure_ad_azurehound_discovery.yml';
    const withAgent = (userAgent: string): Rec =>
      signIn((r) => {
        r['userAgent'] = userAgent;
        r.status = { errorCode: 0, failureReason: null, additionalDetails: null };
      });
    expect(fires(file, 'auditLogs.signIns', withAgent('azurehound/v2.1.7'))).toBe(true);
    expect(fires(file, 'auditLogs.signIns', withAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64)'))).toBe(false);
  });

  it('fires the CA policy deletion rule on a simulated deletion and not on an update', () => {
    const file = 'audit_logs/azure_aad_secops_ca_policy_removedby_bad_actor.yml';
    const deleted = auditWhere((r) => r['activityDisplayName'] === 'Delete conditional access policy');
    const updated = auditWhere((r) => r['activityDisplayName'] === 'Update conditional access policy');
    expect(fires(file, 'auditLogs.directoryAudits', deleted)).toBe(true);
    expect(fires(file, 'auditLogs.directoryAudits', updated)).toBe(false);
  });

  it('fires the admin role rule on a simulated Global Administrator assignment and not on Helpdesk Administrator', () => {
    const file = 'audit_logs/azure_ad_users_added_to_device_admin_roles.yml';
    const roleIs = (role: string) => (r: Rec) =>
      r['activityDisplayName'] === 'Add member to role' && modifiedProps(r).some((p) => p.displayName === 'Role.DisplayName' && p.newValue === JSON.stringify(role));
    expect(fires(file, 'auditLogs.directoryAudits', auditWhere(roleIs('Global Administrator')))).toBe(true);
    expect(fires(file, 'auditLogs.directoryAudits', auditWhere(roleIs('Helpdesk Administrator')))).toBe(false);
  });

  it('fires the end-user consent rule on a user consent and not on an admin consent (ConsentContext.IsAdminConsent)', () => {
    const file = 'audit_logs/azure_app_end_user_consent.yml';
    const consent = (admin: string) => (r: Rec) =>
      r['activityDisplayName'] === 'Consent to application' &&
      modifiedProps(r).some((p) => p.displayName === 'ConsentContext.IsAdminConsent' && p.newValue === JSON.stringify(admin));
    expect(fires(file, 'auditLogs.directoryAudits', auditWhere(consent('False')))).toBe(true);
    expect(fires(file, 'auditLogs.directoryAudits', auditWhere(consent('True')))).toBe(false);
  });

  it('fires the MFA-disabled rule when StrongAuthenticationRequirement turns to State 0, not on other user updates', () => {
    const file = 'audit_logs/azure_user_account_mfa_disable.yml';
    const update = auditWhere((r) => r['activityDisplayName'] === 'Update user' && r['loggedByService'] === 'Core Directory');
    expect(fires(file, 'auditLogs.directoryAudits', update)).toBe(false);
    const disabled = clone(update);
    (disabled['targetResources'] as Array<{ modifiedProperties: unknown[] }>)[0]!.modifiedProperties = [
      {
        displayName: 'StrongAuthenticationRequirement',
        oldValue: '[{"RelyingParty":"*","State":1,"RememberDevicesNotIssuedBefore":"2026-11-01T00:00:00Z"}]',
        newValue: '[{"RelyingParty":"*","State":0,"RememberDevicesNotIssuedBefore":"2026-11-01T00:00:00Z"}]',
      },
    ];
    disabled['category'] = 'UserManagement';
    expect(fires(file, 'auditLogs.directoryAudits', disabled)).toBe(true);
  });

  it('fires the account created/deleted rule on a successful Add user and not on a failed one', () => {
    const file = 'audit_logs/azure_ad_account_created_deleted.yml';
    const added = auditWhere((r) => r['activityDisplayName'] === 'Add user');
    expect(fires(file, 'auditLogs.directoryAudits', { ...added, result: 'success' })).toBe(true);
    expect(fires(file, 'auditLogs.directoryAudits', { ...added, result: 'failure' })).toBe(false);
  });

  it('fires the anonymous IP rule on a simulated anonymizedIPAddress detection and not on unfamiliarFeatures', () => {
    const file = 'identity_protection/azure_identity_protection_anonymous_ip_address.yml';
    expect(fires(file, 'identityProtection.riskDetections', riskWhere('anonymizedIPAddress'))).toBe(true);
    expect(fires(file, 'identityProtection.riskDetections', riskWhere('unfamiliarFeatures'))).toBe(false);
  });

  it('runs every loaded rule over 1,000 simulated records per service; the scenarios the simulator plays fire', () => {
    const fired = new Map<string, number>();
    for (let k = 0; k < 1000; k++) {
      const records: Array<[CheckId, Rec]> = [
        ['auditLogs.signIns', renderSignIn(ctx, k, START + k * 1000) as Rec],
        ['auditLogs.directoryAudits', renderDirectoryAudit(ctx, k, START + k * 1000) as Rec],
        ['identityProtection.riskDetections', renderRiskDetection(ctx, k, START + k * 1000, undefined) as Rec],
      ];
      for (const r of results) {
        if (r.status !== 'loaded') continue;
        for (const [check, record] of records) if (r.predicate(check, record)) fired.set(r.file, (fired.get(r.file) ?? 0) + 1);
      }
    }
    for (const file of [
      'signin_logs/azure_account_lockout.yml',
      'signin_logs/azure_user_login_blocked_by_conditional_access.yml',
      'signin_logs/azure_mfa_interrupted.yml',
      'signin_logs/azure_ad_suspicious_signin_bypassing_mfa.yml',
      'audit_logs/azure_aad_secops_ca_policy_removedby_bad_actor.yml',
      'audit_logs/azure_ad_user_added_to_admin_role.yml',
      'audit_logs/azure_app_end_user_consent.yml',
      'audit_logs/azure_app_credential_added.yml',
      'identity_protection/azure_identity_protection_anonymous_ip_address.yml',
      'identity_protection/azure_identity_protection_leaked_credentials.yml',
      'identity_protection/azure_identity_protection_password_spray.yml',
    ]) {
      expect(fired.get(file) ?? 0, file).toBeGreaterThan(0);
    }
    // Activities the simulator never renders stay silent.
    for (const file of ['audit_logs/azure_ad_bitlocker_key_retrieval.yml', 'audit_logs/azure_federation_modified.yml', 'signin_logs/azure_app_ropc_authentication.yml']) {
      expect(fired.get(file) ?? 0, file).toBe(0);
    }
  });

  it('fires the leaked credentials rule on Microsoft\'s sample detection changed to leakedCredentials, not on the sample', () => {
    const file = 'identity_protection/azure_identity_protection_leaked_credentials.yml';
    const sample = (JSON.parse(readFileSync(path.join(samplesDir, 'identityProtection_riskDetections.json'), 'utf8')) as { value: Rec[] }).value[0]!;
    expect(fires(file, 'identityProtection.riskDetections', { ...sample, riskEventType: 'leakedCredentials' })).toBe(true);
    expect(fires(file, 'identityProtection.riskDetections', sample)).toBe(false);
  });
});
