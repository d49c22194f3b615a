// Secret sealing and the secret key: where the key comes from, how its file is protected, and that sealed secrets
// reveal nothing and open only with the same key for the same integration.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAzsecError } from '../../src/core/errors.ts';
import { loadSecretKey, openSecret, sealSecret } from '../../src/config/secrets.ts';

const posix = process.platform !== 'win32';
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'azsec-secrets-'));
  dirs.push(dir);
  return dir;
}

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('loadSecretKey', () => {
  it('takes a 64-hex-character key from AZSEC_SECRET_KEY and creates no key file', async () => {
    const dataDir = await tempDir();
    const key = randomBytes(32);
    expect(await loadSecretKey({ dataDir, env: { AZSEC_SECRET_KEY: key.toString('hex').toUpperCase() } })).toEqual(key);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('takes a base64 key (standard or URL-safe, with or without padding, surrounding spaces ignored)', async () => {
    const dataDir = await tempDir();
    for (let i = 0; i < 20; i += 1) {
      const key = randomBytes(32);
      for (const text of [key.toString('base64'), key.toString('base64url'), ` ${key.toString('base64').replace(/=$/, '')}\n`]) {
        expect(await loadSecretKey({ dataDir, env: { AZSEC_SECRET_KEY: text } })).toEqual(key);
      }
    }
  });

  it('refuses a malformed AZSEC_SECRET_KEY with ERR_SECRET_KEY, without echoing it', async () => {
    const dataDir = await tempDir();
    const bad = [
      'hunter2-not-a-key',
      randomBytes(31).toString('base64'),
      randomBytes(33).toString('base64'),
      randomBytes(31).toString('hex'),
      `${randomBytes(32).toString('base64').slice(0, 40)}!!!`,
      '   ',
    ];
    for (const value of bad) {
      const error = await loadSecretKey({ dataDir, env: { AZSEC_SECRET_KEY: value } }).catch((e: unknown) => e);
      expect(isAzsecError(error, 'ERR_SECRET_KEY'), value).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain('AZSEC_SECRET_KEY');
      expect(message).toMatch(/64 hex characters or as base64/);
      if (value.trim() !== '') expect(message).not.toContain(value.trim());
    }
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('creates <dataDir>/secret.key with mode 0600 holding a random 32-byte key, and reads the same key back', async () => {
    const dataDir = path.join(await tempDir(), 'data');
    const key = await loadSecretKey({ dataDir, env: {} });
    expect(key).toHaveLength(32);
    const keyPath = path.join(dataDir, 'secret.key');
    if (posix) {
      expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    }
    // The file holds the key as base64, so it can also be moved into AZSEC_SECRET_KEY.
    expect(Buffer.from((await readFile(keyPath, 'utf8')).trim(), 'base64')).toEqual(key);
    expect(await loadSecretKey({ dataDir, env: {} })).toEqual(key);
    expect(await readdir(dataDir)).toEqual(['secret.key']);
    const other = await loadSecretKey({ dataDir: await tempDir(), env: {} });
    expect(other).not.toEqual(key);
  });

  it('agrees on one key when several loads create the key file at the same moment', async () => {
    const dataDir = await tempDir();
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadSecretKey({ dataDir, env: {} })));
    for (const key of keys) expect(key).toEqual(keys[0]);
    expect(await readdir(dataDir)).toEqual(['secret.key']);
  });

  it('prefers AZSEC_SECRET_KEY over an existing key file', async () => {
    const dataDir = await tempDir();
    const fileKey = await loadSecretKey({ dataDir, env: {} });
    const envKey = randomBytes(32);
    expect(await loadSecretKey({ dataDir, env: { AZSEC_SECRET_KEY: envKey.toString('hex') } })).toEqual(envKey);
    expect(envKey).not.toEqual(fileKey);
  });

  it.skipIf(!posix)('refuses a key file that group or others can read, naming the chmod that fixes it', async () => {
    const dataDir = await tempDir();
    await loadSecretKey({ dataDir, env: {} });
    const keyPath = path.join(dataDir, 'secret.key');
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      await chmod(keyPath, mode);
      const error = await loadSecretKey({ dataDir, env: {} }).catch((e: unknown) => e);
      expect(isAzsecError(error, 'ERR_SECRET_KEY')).toBe(true);
      expect((error as Error).message).toContain(`chmod 600 ${keyPath}`);
      expect((error as Error).message).toContain(`mode 0${mode.toString(8)}`);
    }
    await chmod(keyPath, 0o400);
    expect(await loadSecretKey({ dataDir, env: {} })).toHaveLength(32);
  });

  it('refuses a key file that does not hold a key, without echoing its content', async () => {
    const dataDir = await tempDir();
    const keyPath = path.join(dataDir, 'secret.key');
    for (const content of ['', 'hunter2-garbage\n', randomBytes(16).toString('hex')]) {
      await writeFile(keyPath, content, { mode: 0o600 });
      const error = await loadSecretKey({ dataDir, env: {} }).catch((e: unknown) => e);
      expect(isAzsecError(error, 'ERR_SECRET_KEY')).toBe(true);
      expect((error as Error).message).toContain(keyPath);
      if (content !== '') expect((error as Error).message).not.toContain(content.trim());
    }
  });
});

describe('sealSecret / openSecret', () => {
  const key = randomBytes(32);
  const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

  it('round-trips secrets, including unicode and multi-line PEM', () => {
    for (const plaintext of ['s3cr3t~value.with.dots', 'ünïcødé ✓ 🔑', pem, '']) {
      const sealed = sealSecret(key, plaintext, 'contoso');
      expect(openSecret(key, sealed, 'contoso')).toBe(plaintext);
    }
  });

  it('writes the versioned v1.<iv>.<tag>.<ciphertext> format with a 12-byte IV and a 16-byte tag', () => {
    const sealed = sealSecret(key, 'abc', 'contoso');
    const parts = sealed.ciphertext.split('.');
    expect(parts).toHaveLength(4);
    expect(parts[0]).toBe('v1');
    expect(Buffer.from(parts[1] ?? '', 'base64')).toHaveLength(12);
    expect(Buffer.from(parts[2] ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[3] ?? '', 'base64')).toHaveLength(3);
  });

  it('produces a ciphertext that contains the plaintext in no encoding, and differs at every seal', () => {
    const plaintext = 'Xy7~super-secret-client-value-0123456789';
    const a = sealSecret(key, plaintext, 'contoso').ciphertext;
    const b = sealSecret(key, plaintext, 'contoso').ciphertext;
    expect(a).not.toBe(b);
    for (const encoded of [plaintext, Buffer.from(plaintext).toString('base64').slice(0, 16), Buffer.from(plaintext).toString('hex').slice(0, 16)]) {
      expect(a).not.toContain(encoded);
    }
    const decoded = Buffer.from(a.split('.')[3] ?? '', 'base64').toString('latin1');
    expect(decoded).not.toContain('super-secret');
  });

  it('detects tampering with the IV, the tag or the ciphertext', () => {
    const sealed = sealSecret(key, 'tamper-me-secret', 'contoso');
    const parts = sealed.ciphertext.split('.');
    for (const index of [1, 2, 3]) {
      const bytes = Buffer.from(parts[index] ?? '', 'base64');
      bytes[0] = (bytes[0] ?? 0) ^ 0x01;
      const altered = [...parts];
      altered[index] = bytes.toString('base64');
      const error = errorOf(() => openSecret(key, { ciphertext: altered.join('.') }, 'contoso'));
      expect(isAzsecError(error, 'ERR_SECRET_KEY')).toBe(true);
      expect((error as Error).message).not.toContain('tamper-me-secret');
    }
    const truncated = errorOf(() => openSecret(key, { ciphertext: `${parts.slice(0, 3).join('.')}.` }, 'contoso'));
    expect(isAzsecError(truncated, 'ERR_SECRET_KEY')).toBe(true);
  });

  it('refuses to open with another key, asking whether AZSEC_SECRET_KEY changed', () => {
    const sealed = sealSecret(key, 'wrong-key-secret', 'contoso');
    const error = errorOf(() => openSecret(randomBytes(32), sealed, 'contoso'));
    expect(isAzsecError(error, 'ERR_SECRET_KEY')).toBe(true);
    expect((error as Error).message).toMatch(/cannot decrypt.*"contoso".*\(was AZSEC_SECRET_KEY changed\?\)/i);
    expect((error as Error).message).not.toContain('wrong-key-secret');
    expect((error as Error).message).not.toContain(sealed.ciphertext);
  });

  it('refuses to open a secret moved to another integration', () => {
    const sealed = sealSecret(key, 'moved-secret', 'contoso');
    for (const context of ['fabrikam', 'Contoso', 'contoso ']) {
      const error = errorOf(() => openSecret(key, sealed, context));
      expect(isAzsecError(error, 'ERR_SECRET_KEY')).toBe(true);
    }
  });

  it('refuses unknown formats and keys of the wrong size with ERR_SECRET_KEY', () => {
    const sealed = sealSecret(key, 'x', 'contoso');
    for (const ciphertext of [sealed.ciphertext.replace(/^v1/, 'v2'), 'plaintext-secret', '', 'v1.a.b']) {
      expect(isAzsecError(errorOf(() => openSecret(key, { ciphertext }, 'contoso')), 'ERR_SECRET_KEY')).toBe(true);
    }
    expect(isAzsecError(errorOf(() => sealSecret(randomBytes(16), 'x', 'contoso')), 'ERR_SECRET_KEY')).toBe(true);
    expect(isAzsecError(errorOf(() => openSecret(randomBytes(31), sealed, 'contoso')), 'ERR_SECRET_KEY')).toBe(true);
  });
});
