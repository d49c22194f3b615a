// The console's admin password: a scrypt hash in <dataDir>/admin-password.json (mode 0600), set once through the
// one-time setup link printed at the first start, or from AZSEC_ADMIN_PASSWORD.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { AzsecError } from '../core/errors.ts';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

const PARAMS = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
export const MIN_PASSWORD_LENGTH = 12;

interface StoredHash {
  algorithm: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  hash: string;
}

export class AdminPassword {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'admin-password.json');
  }

  async isSet(): Promise<boolean> {
    return (await this.read()) !== null;
  }

  /** Sets the password; refuses a short one. */
  async set(password: string): Promise<void> {
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new AzsecError('ERR_CONFIG_INVALID', `The admin password must have at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    const salt = randomBytes(16);
    const hash = await scryptAsync(password, salt, 32, PARAMS);
    const stored: StoredHash = { algorithm: 'scrypt', N: PARAMS.N, r: PARAMS.r, p: PARAMS.p, salt: salt.toString('base64'), hash: hash.toString('base64') };
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(stored), { mode: 0o600 });
    await rename(tmp, this.file);
  }

  async verify(password: string): Promise<boolean> {
    const stored = await this.read();
    if (stored === null) return false;
    const expected = Buffer.from(stored.hash, 'base64');
    const actual = await scryptAsync(password, Buffer.from(stored.salt, 'base64'), expected.length, { N: stored.N, r: stored.r, p: stored.p, maxmem: PARAMS.maxmem });
    return timingSafeEqual(actual, expected);
  }

  private async read(): Promise<StoredHash | null> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')) as StoredHash;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new AzsecError('ERR_CONFIG_INVALID', `Cannot read ${this.file}: ${(error as Error).message}`);
    }
  }
}
