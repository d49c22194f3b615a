// The simulator's own TLS: a CA and a server certificate for loopback, generated in pure JS (@peculiar/x509 on
// WebCrypto, no openssl) and kept in the state dir so that a client trusting the CA keeps trusting it across restarts.
import { X509Certificate as NodeX509 } from 'node:crypto';
import { webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import 'reflect-metadata'; // @peculiar/x509's dependency injection (tsyringe) needs it loaded first
import * as x509 from '@peculiar/x509';

export interface SimulatorCertificates {
  caPem: string;
  caFile: string;
  certPem: string;
  keyPem: string;
}

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** Loads the CA and server certificate from `stateDir`, or creates them when absent, expiring or not valid for `host`. */
export async function loadOrCreateCertificates(stateDir: string, host: string): Promise<SimulatorCertificates> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const files = {
    ca: join(stateDir, 'ca.pem'),
    caKey: join(stateDir, 'ca-key.pem'),
    cert: join(stateDir, 'server.pem'),
    key: join(stateDir, 'server-key.pem'),
  };
  if (Object.values(files).every((f) => existsSync(f))) {
    const [caPem, certPem, keyPem] = await Promise.all([
      readFile(files.ca, 'utf8'),
      readFile(files.cert, 'utf8'),
      readFile(files.key, 'utf8'),
    ]);
    if (stillUsable(certPem, caPem, host)) return { caPem, caFile: files.ca, certPem, keyPem };
  }
  const created = await createCertificates(host);
  await writeFile(files.caKey, created.caKeyPem, { mode: 0o600 });
  await writeFile(files.key, created.keyPem, { mode: 0o600 });
  await writeFile(files.ca, created.caPem);
  await writeFile(files.cert, created.certPem);
  return { caPem: created.caPem, caFile: files.ca, certPem: created.certPem, keyPem: created.keyPem };
}

function stillUsable(certPem: string, caPem: string, host: string): boolean {
  try {
    const cert = new NodeX509(certPem);
    const ca = new NodeX509(caPem);
    const validFor = isIP(host) ? cert.checkIP(host) : cert.checkHost(host);
    return validFor !== undefined && cert.verify(ca.publicKey) && Date.parse(cert.validTo) - Date.now() > 7 * DAY_MS;
  } catch {
    return false;
  }
}

async function createCertificates(host: string): Promise<{ caPem: string; caKeyPem: string; certPem: string; keyPem: string }> {
  const now = Date.now();
  const caKeys = await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=azsec Graph simulator CA',
    keys: caKeys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
    signingAlgorithm: SIGNING,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const serverKeys = await webcrypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const names: Array<{ type: 'ip' | 'dns'; value: string }> = [
    { type: 'dns', value: 'localhost' },
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
  ];
  if (!names.some((n) => n.value === host)) names.push({ type: isIP(host) ? 'ip' : 'dns', value: host });
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=localhost',
    issuer: ca.subject,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: SIGNING,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 825 * DAY_MS),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
    ],
  });
  return {
    caPem: ca.toString('pem'),
    caKeyPem: await pkcs8Pem(caKeys.privateKey),
    certPem: cert.toString('pem'),
    keyPem: await pkcs8Pem(serverKeys.privateKey),
  };
}

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
}
