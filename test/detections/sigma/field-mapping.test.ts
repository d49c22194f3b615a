// The Azure Monitor column → Graph record mapping, per service, and that docs/sigma.md and the file header list
// every mapped column.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIELD_MAPPINGS, SIGMA_SERVICES, resolveSigmaField } from '../../../src/detections/sigma/field-mapping.ts';
import type { SigmaService } from '../../../src/detections/sigma/field-mapping.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function read(service: SigmaService, field: string, record: Record<string, unknown>): unknown {
  const get = resolveSigmaField(service, field);
  if (!get) throw new Error(`no mapping for ${field}`);
  return get(record);
}

const signIn = {
  status: { errorCode: 50126, failureReason: 'Invalid username or password.', additionalDetails: 'MFA denied; user declined the authentication' },
  authenticationProtocol: 'ropc',
  deviceDetail: { trustType: 'Azure AD joined', isCompliant: false },
  location: { city: 'Oslo', countryOrRegion: 'NO' },
  ipAddress: '203.0.113.9',
};

const audit = {
  activityDisplayName: 'Consent to application',
  result: 'failure',
  resultReason: 'Microsoft.Online.Security.UserConsentBlockedForRiskyAppsException',
  initiatedBy: { user: { userPrincipalName: 'adele@contoso.com' }, app: null },
  targetResources: [
    { type: 'ServicePrincipal', modifiedProperties: [{ displayName: 'ConsentContext.IsAdminConsent', oldValue: null, newValue: '"False"' }] },
    { type: 'User', modifiedProperties: [{ displayName: 'StrongAuthenticationRequirement', oldValue: null, newValue: '[{"State":0}]' }] },
  ],
  additionalDetails: [{ key: 'User-Agent', value: 'Mozilla/5.0' }, { key: 'AdditionalInfo', value: 'Successfully recovered local credential by device id' }],
};

describe('Sigma field mapping', () => {
  it('maps sign-in columns onto the Graph signIn', () => {
    expect(read('signinlogs', 'ResultType', signIn)).toBe('50126');
    expect(read('signinlogs', 'resultdescription', signIn)).toBe('Invalid username or password.');
    expect(read('signinlogs', 'Status', signIn)).toEqual(['Failure', 'Invalid username or password.', 'MFA denied; user declined the authentication']);
    expect(read('signinlogs', 'Status', { status: { errorCode: 0, failureReason: null } })).toEqual(['Success']);
    expect(read('signinlogs', 'properties.message', signIn)).toEqual(['ropc', 'ROPC']);
    expect(read('signinlogs', 'DeviceDetail.trusttype', signIn)).toBe('Azure AD joined');
    expect(read('signinlogs', 'Location', signIn)).toBe('NO');
    expect(read('signinlogs', 'LocationDetails.city', signIn)).toBe('Oslo');
    expect(read('signinlogs', 'IPAddress', signIn)).toBe('203.0.113.9');
    expect(read('signinlogs', 'AuthenticationRequirement', signIn)).toBeUndefined();
    expect(read('signinlogs', 'ResultType', {})).toBeUndefined();
  });

  it('maps audit columns onto the Graph directoryAudit', () => {
    expect(read('auditlogs', 'OperationName', audit)).toBe('Consent to application');
    expect(read('auditlogs', 'properties.message', audit)).toBe('Consent to application');
    expect(read('auditlogs', 'Status', audit)).toBe('failure');
    expect(read('auditlogs', 'properties.result', audit)).toBe('failure');
    expect(read('auditlogs', 'failure_status_reason', audit)).toBe(audit.resultReason);
    expect(read('auditlogs', 'ConsentContext.IsAdminConsent', audit)).toEqual(['False']);
    expect(read('auditlogs', 'TargetResources.ModifiedProperties.DisplayName', audit)).toEqual(['ConsentContext.IsAdminConsent', 'StrongAuthenticationRequirement']);
    expect(read('auditlogs', 'targetResources.type', audit)).toEqual(['ServicePrincipal', 'User']);
    expect(read('auditlogs', 'additionalDetails.additionalInfo', audit)).toEqual(['Successfully recovered local credential by device id']);
    expect(read('auditlogs', 'Identity', audit)).toBe('adele@contoso.com');
    expect(read('auditlogs', 'InitiatedBy', audit)).toEqual([audit.initiatedBy, 'adele@contoso.com']);
  });

  it('maps risk detection columns and walks JSON text', () => {
    const detection = { riskEventType: 'leakedCredentials', location: { countryOrRegion: 'US' }, additionalInfo: '[{"Key":"userAgent","Value":"curl"}]' };
    expect(read('riskdetection', 'RiskEventType', detection)).toBe('leakedCredentials');
    expect(read('riskdetection', 'riskeventtype', detection)).toBe('leakedCredentials');
    expect(read('riskdetection', 'Location', detection)).toBe('US');
    expect(read('riskdetection', 'AdditionalInfo.Value', detection)).toEqual(['curl']);
  });

  it('reads top-level Graph property names directly and refuses everything else', () => {
    expect(read('signinlogs', 'userAgent', { userAgent: 'azurehound' })).toBe('azurehound');
    expect(read('signinlogs', 'conditionalAccessStatus', { conditionalAccessStatus: 'success' })).toBe('success');
    expect(resolveSigmaField('signinlogs', 'ActivityDetails')).toBeNull();
    expect(resolveSigmaField('auditlogs', 'Target')).toBeNull();
    expect(resolveSigmaField('riskdetection', 'OperationName')).toBeNull();
    expect(resolveSigmaField('auditlogs', 'constructor')).toBeNull();
    expect(resolveSigmaField('auditlogs', 'Category.')).toBeNull();
  });

  it('lists every mapped column in docs/sigma.md and in the field-mapping.ts header', () => {
    const docs = readFileSync(path.join(repoRoot, 'docs', 'sigma.md'), 'utf8');
    const header = readFileSync(path.join(repoRoot, 'src', 'detections', 'sigma', 'field-mapping.ts'), 'utf8');
    for (const service of SIGMA_SERVICES) {
      const docRows = docs.split('\n').filter((l) => l.startsWith(`| ${service} |`));
      const headerRows = header.split('\n').filter((l) => l.startsWith(`// | ${service} `));
      for (const m of FIELD_MAPPINGS[service]) {
        for (const column of m.columns) {
          expect(docRows.some((l) => l.includes(`\`${column}\``)), `${service} ${column} in docs/sigma.md`).toBe(true);
          expect(headerRows.some((l) => new RegExp(`\\b${column}\\b`).test(l)), `${service} ${column} in the header`).toBe(true);
        }
      }
    }
  });
});
