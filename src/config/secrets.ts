// Secret sealing: client secrets and private keys are stored only as AES-256-GCM ciphertext (SealedSecret).
// The 32-byte key comes from AZSEC_SECRET_KEY or from <dataDir>/secret.key, which is created on first use.
//
// Sealed text format, versioned so that the scheme can change without guessing: v1.<iv>.<tag>.<ciphertext>, each part
// standard base64; the IV is 12 random bytes per seal (never reused with a key: GCM breaks on IV reuse), the tag 16
// bytes. The context (the integration's name) is bound as additional authenticated data, so a sealed secret copied
// onto another integration's row does not decrypt there.
//
// No message here contains a key, a plaintext or a ciphertext.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { AzsecError } from '../core/errors.ts';
import type { SealedSecret } from '../store/store.ts';

export const SECRET_KEY_ENV = 'AZSEC_SECRET_KEY';
export const SECRET_KEY_FILE = 'secret.key';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_VERSION = 'v1';

const KEY_FORMS = '32 bytes written as 64 hex characters or as base64 (generate one with: openssl rand -base64 32)';

export interface LoadSecretKeyOptions {
  dataDir: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** The key from AZSEC_SECRET_KEY when set, else from <dataDir>/secret.key (created, mode 0600, when absent). */
export async function loadSecretKey(opts: LoadSecretKeyOptions): Promise<Buffer> {
  const fromEnv = opts.env[SECRET_KEY_ENV];
  if (fromEnv !== undefined) {
    const key = decodeKey(fromEnv);
    if (key === null) {
      throw new AzsecError(
        'ERR_SECRET_KEY',
        fromEnv.trim() === ''
          ? `${SECRET_KEY_ENV} is set but empty; it must hold ${KEY_FORMS}. Unset it to use the key file instead.`
          : `${SECRET_KEY_ENV} is not a valid key (${fromEnv.trim().length} characters); it must hold ${KEY_FORMS}.`,
        { source: SECRET_KEY_ENV },
      );
    }
    return key;
  }
  const keyPath = path.join(opts.dataDir, SECRET_KEY_FILE);
  return (await readKeyFile(keyPath)) ?? (await createKeyFile(opts.dataDir, keyPath));
}

/** 64 hex characters, or base64 (standard or URL-safe, padding optional) of exactly 32 bytes; null otherwise. */
function decodeKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  // Buffer's base64 decoder skips characters it does not know; check the alphabet first so garbage is refused.
  if (/^[A-Za-z0-9+/]{43}=?$/.test(value) || /^[A-Za-z0-9_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
    return key.length === KEY_BYTES ? key : null;
  }
  return null;
}

/** The key in the file, or null when there is no file. */
async function readKeyFile(keyPath: string): Promise<Buffer | null> {
  let handle;
  try {
    handle = await open(keyPath, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw keyFileError(keyPath, `cannot be read: ${(error as Error).message}`, error);
  }
  try {
    // Checked on the open descriptor, so the file judged is the file read.
    const info = await handle.stat();
    if (!info.isFile()) throw keyFileError(keyPath, 'is not a regular file.');
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
      throw keyFileError(keyPath, `is open to other users (mode ${mode}); restrict it to its owner with: chmod 600 ${keyPath}`);
    }
    const key = decodeKey(await handle.readFile('utf8'));
    if (key === null) throw keyFileError(keyPath, `does not hold a valid key; it must hold ${KEY_FORMS}.`);
    return key;
  } finally {
    await handle.close();
  }
}

/**
 * Writes a new random key. The file appears complete or not at all: it is written and fsynced under a temporary
 * name, then hard-linked to secret.key, which fails if another process got there first; that process's key wins
 * and is read back, so concurrent first starts agree on one key.
 */
async function createKeyFile(dataDir: string, keyPath: string): Promise<Buffer> {
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw keyFileError(keyPath, `cannot be created: ${(error as Error).message}`, error);
  }
  const key = randomBytes(KEY_BYTES);
  const tempPath = `${keyPath}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(tempPath, 'wx', 0o600);
    try {
      await handle.writeFile(`${key.toString('base64')}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(tempPath, keyPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const existing = await readKeyFile(keyPath);
      if (existing === null) throw error;
      return existing;
    }
    await syncDirectory(dataDir);
    return key;
  } catch (error) {
    if (error instanceof AzsecError) throw error;
    throw keyFileError(keyPath, `cannot be created: ${(error as Error).message}`, error);
  } finally {
    await unlink(tempPath).catch(() => undefined);
  }
}

/** Makes the new directory entry durable; losing the key file after a crash would lose every secret. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the file itself is already synced.
  }
}

function keyFileError(keyPath: string, problem: string, cause?: unknown): AzsecError {
  return new AzsecError('ERR_SECRET_KEY', `The secret key file ${keyPath} ${problem}`, { source: keyPath }, cause === undefined ? undefined : { cause });
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) {
    throw new AzsecError('ERR_SECRET_KEY', `The secret key must be ${KEY_BYTES} bytes (got ${key.length}).`);
  }
}

/** Encrypts `plaintext` for the integration named `context`. */
export function sealSecret(key: Buffer, plaintext: string, context: string): SealedSecret {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return { ciphertext: [FORMAT_VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join('.') };
}

/** Decrypts a sealed secret of the integration named `context`; any mismatch is ERR_SECRET_KEY. */
export function openSecret(key: Buffer, sealed: SealedSecret, context: string): string {
  assertKey(key);
  const parts = sealed.ciphertext.split('.');
  const [version, ivText, tagText, dataText] = parts;
  if (parts.length !== 4 || version !== FORMAT_VERSION || ivText === undefined || tagText === undefined || dataText === undefined) {
    throw new AzsecError(
      'ERR_SECRET_KEY',
      `The stored secret of "${context}" is not in a format this azsec version knows (expected ${FORMAT_VERSION}.<iv>.<tag>.<ciphertext>).`,
      { context },
    );
  }
  const iv = Buffer.from(ivText, 'base64');
  const tag = Buffer.from(tagText, 'base64');
  const data = Buffer.from(dataText, 'base64');
  try {
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('bad IV or tag length');
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new AzsecError(
      'ERR_SECRET_KEY',
      `Cannot decrypt the stored secret of "${context}" (was ${SECRET_KEY_ENV} changed?). It was sealed with another key, ` +
        'for another integration, or has been altered; restore the original key, or set the secret again.',
      { context },
      { cause: error },
    );
  }
}
