// An integration that authenticates with a certificate (client assertion signed by msal-node) collects like one with
// a secret; a certificate the app registration does not know is refused with the AADSTS reason explained.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIntegrationInput } from '../../src/config/integration-input.ts';
import { sealSecret } from '../../src/config/secrets.ts';
import { integrationHealth } from '../../src/scheduler/integration-health.ts';
import { startHarness } from '../helpers/collector-harness.ts';
import type { Harness } from '../helpers/collector-harness.ts';
import { makeCertificate } from '../helpers/test-certificate.ts';
import type { TestCertificate } from '../helpers/test-certificate.ts';

describe('certificate credentials', () => {
  let h: Harness;
  let cert: TestCertificate;
  let stranger: TestCertificate;

  beforeAll(async () => {
    cert = await makeCertificate('azsec-collector');
    stranger = await makeCertificate('not-uploaded');
    h = await startHarness({ tenants: [{ name: 'certco', profile: 'full', certificatePem: cert.certificatePem }], integrations: false });
    const info = h.sim.tenant('certco').info;
    for (const [name, c] of [['certco', cert], ['stranger', stranger]] as const) {
      // The operator's input, validated as `integrations add --certificate-file` does (one PEM with key and certificate).
      const pem = `${c.privateKeyPem}${c.certificatePem}`;
      const { integration, secretPlaintext } = parseIntegrationInput(
        { name, tenantId: info.tenantId, clientId: info.clientId, credential: { kind: 'certificate', privateKeyPem: pem, certificatePem: pem }, cloud: 'custom', loginUrl: h.sim.url, graphUrl: h.sim.url, initialLookback: '30d' },
        h.sim.now(),
      );
      await h.store.addIntegration(integration, sealSecret(h.secretKey, secretPlaintext, name));
    }
    await h.collector.pollOnce();
  });
  afterAll(() => h.close());

  it('collects every check with the certificate', async () => {
    const states = await h.store.listCheckStates('certco');
    expect(states.map((s) => s.state)).toEqual(Array(8).fill('ok'));
    expect((await h.records('certco', 'users')).length).toBeGreaterThan(0);
  });

  it('explains a certificate the app registration does not hold', async () => {
    const health = integrationHealth(await h.store.listCheckStates('stranger'));
    expect(health.state).toBe('failing');
    expect(health.reason).toContain('certificate');
    expect(h.logs.join('\n')).not.toContain('PRIVATE KEY');
  });
});
