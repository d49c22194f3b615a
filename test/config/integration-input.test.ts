// Operator input for an integration: defaults, every problem reported at once by field, secrets kept out of
// messages, and certificate credentials checked for real (parsed, matched to their key, not expired).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isAzsecError } from '../../src/core/errors.ts';
import type { AzsecError } from '../../src/core/errors.ts';
import { parseIntegrationInput } from '../../src/config/integration-input.ts';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE';
const SECRET = 'Sup3r~Secret.Value_from-Entra';

function minimal(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'contoso', tenantId: TENANT, clientId: CLIENT, credential: { kind: 'secret', secret: SECRET }, ...overrides };
}

function failure(input: unknown): AzsecError {
  try {
    parseIntegrationInput(input, NOW);
  } catch (error) {
    if (isAzsecError(error, 'ERR_CONFIG_INVALID')) return error;
    throw error;
  }
  throw new Error('expected ERR_CONFIG_INVALID');
}

function issues(input: unknown): Record<string, string> {
  const details = failure(input).details as { issues: { field: string; message: string }[] };
  return Object.fromEntries(details.issues.map((i) => [i.field, i.message]));
}

interface TestCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

async function makeCertificate(notAfter: Date): Promise<TestCertificate> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=azsec test',
    notBefore: new Date(NOW - 86_400_000),
    notAfter,
    signingAlgorithm: algorithm,
    keys,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const privateKeyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
  return { certificatePem: certificate.toString('pem'), privateKeyPem };
}

describe('parseIntegrationInput', () => {
  let cert: TestCertificate;
  let otherCert: TestCertificate;
  let expiredCert: TestCertificate;

  beforeAll(async () => {
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    cert = await makeCertificate(new Date(NOW + 365 * 86_400_000));
    otherCert = await makeCertificate(new Date(NOW + 365 * 86_400_000));
    expiredCert = await makeCertificate(new Date(NOW - 1_000));
  });

  it('fills in the defaults and returns the secret apart from the integration', () => {
    const { integration, secretPlaintext } = parseIntegrationInput(minimal(), NOW);
    expect(integration).toEqual({
      name: 'contoso',
      tenantId: TENANT,
      clientId: CLIENT.toLowerCase(),
      credentialKind: 'secret',
      certificatePem: null,
      cloud: 'global',
      loginUrl: null,
      graphUrl: null,
      intervalMs: 300_000,
      initialLookbackMs: 86_400_000,
      lateWindowMs: 600_000,
      enabled: true,
      disabledChecks: [],
      createdAt: '2026-03-01T12:00:00.000Z',
      updatedAt: '2026-03-01T12:00:00.000Z',
    });
    expect(secretPlaintext).toBe(SECRET);
    expect(JSON.stringify(integration)).not.toContain(SECRET);
  });

  it('accepts every setting, a domain as tenant, and trims the secret and trailing URL slashes', () => {
    const { integration, secretPlaintext } = parseIntegrationInput(
      minimal({
        name: 'Fabrikam_EU-2.prod',
        tenantId: 'Fabrikam.OnMicrosoft.com',
        credential: { kind: 'secret', secret: `  ${SECRET}\n` },
        cloud: 'china',
        loginUrl: 'https://login.partner.microsoftonline.cn/',
        interval: '1h30m',
        initialLookback: '30d',
        lateWindow: '0',
        enabled: false,
        disabledChecks: ['users', 'security.secureScores', 'users'],
      }),
      new Date(NOW),
    );
    expect(integration).toMatchObject({
      name: 'Fabrikam_EU-2.prod',
      tenantId: 'fabrikam.onmicrosoft.com',
      cloud: 'china',
      loginUrl: 'https://login.partner.microsoftonline.cn',
      graphUrl: null,
      intervalMs: 5_400_000,
      initialLookbackMs: 30 * 86_400_000,
      lateWindowMs: 0,
      enabled: false,
      disabledChecks: ['users', 'security.secureScores'],
    });
    expect(secretPlaintext).toBe(SECRET);
  });

  it('reports every problem at once, each under its field', () => {
    const error = failure({
      name: 'has spaces',
      tenantId: 'contoso',
      credential: { kind: 'secret', secret: '   ' },
      cloud: 'azure',
      interval: '30s',
      initialLookback: '31d',
      lateWindow: '25h',
      enabled: 'yes',
      disabledChecks: ['users', 'signIns'],
      intervall: '5m',
    });
    const byField = Object.fromEntries((error.details as { issues: { field: string; message: string }[] }).issues.map((i) => [i.field, i.message]));
    expect(byField).toEqual({
      name: expect.stringMatching(/1 to 64 characters/),
      tenantId: expect.stringMatching(/GUID or a domain name/),
      clientId: 'is required',
      'credential.secret': 'must not be empty',
      cloud: expect.stringMatching(/one of global, usgov, usgov-dod, china, custom/),
      interval: 'must be between 1m and 1d (got 30s)',
      initialLookback: 'must be between 0s and 30d (got 31d)',
      lateWindow: 'must be between 0s and 1d (got 1d1h)',
      enabled: 'must be true or false',
      'disabledChecks.1': expect.stringMatching(/not a check id; known ids: security.incidents, /),
      intervall: 'is not a known setting',
    });
    expect(error.message).toMatch(/^Invalid integration \(11 problems\):\n/);
    for (const field of Object.keys(byField)) expect(error.message).toContain(`  - ${field}: `);
  });

  it('explains unreadable durations with the accepted forms', () => {
    expect(issues(minimal({ interval: '5 minutes', lateWindow: '1.5h', initialLookback: 24 }))).toEqual({
      interval: expect.stringMatching(/^is not a duration.*e\.g\. 90s, 5m, 1h30m, 7d/),
      lateWindow: expect.stringMatching(/fraction/),
      initialLookback: expect.stringMatching(/must be a duration such as 5m/),
    });
  });

  it('never puts the secret in a message or in the details', () => {
    const inputs = [
      minimal({ name: '', credential: { kind: 'secret', secret: SECRET, note: SECRET } }),
      minimal({ credential: { kind: 'secrett', secret: SECRET } }),
      minimal({ credential: { kind: 'certificate', secret: SECRET } }),
      minimal({ credential: { kind: 'secret', secret: [SECRET] } }),
      minimal({ credential: SECRET }),
      minimal({ clientId: SECRET, tenantId: SECRET, cloud: SECRET, interval: SECRET }),
      minimal({ credential: { kind: 'certificate', privateKeyPem: SECRET, certificatePem: SECRET } }),
    ];
    for (const input of inputs) {
      const error = failure(input);
      expect(error.message).not.toContain(SECRET);
      expect(error.message).not.toContain('Sup3r');
      expect(JSON.stringify(error.details)).not.toContain('Sup3r');
    }
  });

  it('names the credential problem when the kind is missing or unknown', () => {
    expect(issues(minimal({ credential: undefined }))).toEqual({ credential: 'is required' });
    expect(issues(minimal({ credential: { kind: 'password', password: 'x' } }))).toEqual({
      'credential.kind': expect.stringMatching(/kind: "secret".*kind: "certificate"/),
    });
  });

  it('requires https login and Graph URLs for the custom cloud', () => {
    expect(issues(minimal({ cloud: 'custom' }))).toEqual({
      loginUrl: 'is required when cloud is "custom" (an https:// URL)',
      graphUrl: 'is required when cloud is "custom" (an https:// URL)',
    });
    expect(issues(minimal({ cloud: 'custom', loginUrl: 'http://login.example.test', graphUrl: 'graph.example.test' }))).toEqual({
      loginUrl: 'must use https:// (got http://)',
      graphUrl: 'must be an absolute https:// URL',
    });
    const withPassword = failure(minimal({ cloud: 'custom', loginUrl: 'https://u:hunter2@login.example.test', graphUrl: 'https://g.example.test/?x=1' }));
    expect(withPassword.message).toContain('loginUrl: must not contain a user name or password');
    expect(withPassword.message).toContain('graphUrl: must not have a query or fragment');
    expect(withPassword.message).not.toContain('hunter2');
    const { integration } = parseIntegrationInput(
      minimal({ cloud: 'custom', loginUrl: 'https://login.example.test:8443/', graphUrl: 'https://graph.example.test:8443' }),
      NOW,
    );
    expect(integration).toMatchObject({ cloud: 'custom', loginUrl: 'https://login.example.test:8443', graphUrl: 'https://graph.example.test:8443' });
  });

  it('accepts URL overrides on the national clouds but only over https', () => {
    expect(parseIntegrationInput(minimal({ cloud: 'usgov', graphUrl: 'https://graph.microsoft.us/' }), NOW).integration.graphUrl).toBe(
      'https://graph.microsoft.us',
    );
    expect(issues(minimal({ cloud: 'global', loginUrl: 'http://login.microsoftonline.com' }))).toEqual({ loginUrl: 'must use https:// (got http://)' });
  });

  it('checks names and tenant ids against their rules', () => {
    expect(parseIntegrationInput(minimal({ name: 'a'.repeat(64) }), NOW).integration.name).toHaveLength(64);
    for (const name of ['a'.repeat(65), '', 'tab\tname', 'ünï', 'a/b']) expect(Object.keys(issues(minimal({ name })))).toEqual(['name']);
    for (const tenantId of ['contoso', 'not a domain', 'https://contoso.onmicrosoft.com', '1111-2222', 'contoso.onmicrosoft.com.']) {
      expect(Object.keys(issues(minimal({ tenantId }))), tenantId).toEqual(['tenantId']);
    }
    for (const clientId of ['contoso.onmicrosoft.com', '{aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee}']) {
      expect(Object.keys(issues(minimal({ clientId }))), clientId).toEqual(['clientId']);
    }
  });

  it('refuses input that is not an object', () => {
    for (const input of [null, 'contoso', 42, []]) expect(Object.keys(issues(input))).toEqual(['(input)']);
  });

  it('accepts a certificate credential, keeping only the certificate in the integration and only the key as secret', () => {
    const { integration, secretPlaintext } = parseIntegrationInput(
      minimal({ credential: { kind: 'certificate', ...cert } }),
      NOW,
    );
    expect(integration.credentialKind).toBe('certificate');
    expect(integration.certificatePem).toBe(cert.certificatePem.trim() + '\n');
    expect(secretPlaintext).toBe(cert.privateKeyPem);
  });

  it('splits one PEM holding both the key and the certificate, so the key never lands in certificatePem', () => {
    const combined = `${cert.privateKeyPem}${cert.certificatePem}`;
    const { integration, secretPlaintext } = parseIntegrationInput(
      minimal({ credential: { kind: 'certificate', privateKeyPem: combined, certificatePem: combined } }),
      NOW,
    );
    expect(integration.certificatePem).not.toContain('PRIVATE KEY');
    expect(integration.certificatePem).toContain('-----BEGIN CERTIFICATE-----');
    expect(secretPlaintext).not.toContain('CERTIFICATE');
    expect(secretPlaintext).toBe(cert.privateKeyPem);
  });

  it('rejects garbage, missing blocks, a key of another certificate, an encrypted key and an expired certificate', () => {
    const credential = (overrides: Partial<TestCertificate>): Record<string, unknown> =>
      minimal({ credential: { kind: 'certificate', ...cert, ...overrides } });
    const garbageCert = '-----BEGIN CERTIFICATE-----\nMIIBaaaaNotACertificate==\n-----END CERTIFICATE-----\n';
    const garbageKey = '-----BEGIN PRIVATE KEY-----\nMIIBaaaaNotAKey==\n-----END PRIVATE KEY-----\n';
    expect(issues(credential({ certificatePem: garbageCert }))).toEqual({ 'credential.certificatePem': 'is not a readable X.509 certificate' });
    expect(issues(credential({ privateKeyPem: garbageKey }))).toEqual({ 'credential.privateKeyPem': 'is not a readable private key' });
    expect(issues(credential({ certificatePem: 'just text', privateKeyPem: cert.certificatePem }))).toEqual({
      'credential.certificatePem': expect.stringMatching(/must contain a PEM certificate/),
      'credential.privateKeyPem': expect.stringMatching(/must contain a PEM private key/),
    });
    expect(issues(credential({ privateKeyPem: otherCert.privateKeyPem }))).toEqual({
      'credential.privateKeyPem': 'does not belong to the certificate (their public keys differ)',
    });
    const encrypted = '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n';
    expect(issues(credential({ privateKeyPem: encrypted }))).toEqual({ 'credential.privateKeyPem': expect.stringMatching(/is encrypted/) });
    expect(issues(minimal({ credential: { kind: 'certificate', ...expiredCert } }))).toEqual({
      'credential.certificatePem': expect.stringMatching(/^expired on 2026-03-01T11:59:59/),
    });
    expect(issues(minimal({ credential: { kind: 'certificate', certificatePem: cert.certificatePem } }))).toEqual({
      'credential.privateKeyPem': 'is required',
    });
  });

  it('never puts the private key in a message', () => {
    const keyBody = cert.privateKeyPem.split('\n')[1] ?? '';
    const error = failure(minimal({ name: '', credential: { kind: 'certificate', privateKeyPem: otherCert.privateKeyPem, certificatePem: cert.privateKeyPem } }));
    expect(error.message).not.toContain(keyBody);
    expect(error.message).not.toContain((otherCert.privateKeyPem.split('\n')[1] ?? '').slice(0, 20));
  });
});
