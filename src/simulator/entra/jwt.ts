// Compact JWTs for the simulated Entra ID: RS256 access tokens the simulator signs and later verifies, and the
// verification of client assertions (certificate credentials) that msal-node signs with the app's private key.
import { createPublicKey, createSign, createVerify, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export type JwtClaims = Record<string, unknown>;

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export interface JwtSigner {
  kid: string;
  sign(claims: JwtClaims): string;
  /** The claims of a token this signer issued, or undefined when the signature or shape is wrong. */
  verify(token: string): JwtClaims | undefined;
}

export function createJwtSigner(): JwtSigner {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = publicKey.export({ format: 'jwk' }).n?.slice(0, 16) ?? 'sim';
  return {
    kid,
    sign(claims) {
      const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid }));
      const body = b64url(JSON.stringify(claims));
      const signature = createSign('RSA-SHA256').update(`${header}.${body}`).sign(privateKey);
      return `${header}.${body}.${b64url(signature)}`;
    },
    verify(token) {
      return verifyJwt(token, publicKey);
    },
  };
}

/** Decodes a JWT without verifying it (header and claims), or undefined when it is not one. */
export function decodeJwt(token: string): { header: JwtClaims; claims: JwtClaims } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString('utf8')) as unknown;
    const claims = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as unknown;
    if (header === null || typeof header !== 'object' || claims === null || typeof claims !== 'object') return undefined;
    return { header: header as JwtClaims, claims: claims as JwtClaims };
  } catch {
    return undefined;
  }
}

/** Verifies an RS256 or PS256 JWT against a public key (or a PEM certificate); returns its claims. */
export function verifyJwt(token: string, key: KeyObject | string): JwtClaims | undefined {
  const decoded = decodeJwt(token);
  if (decoded === undefined) return undefined;
  const [header, body, signature] = token.split('.') as [string, string, string];
  const publicKey = typeof key === 'string' ? createPublicKey(key) : key;
  const alg = decoded.header.alg;
  const verifier = createVerify('RSA-SHA256').update(`${header}.${body}`);
  const sig = Buffer.from(signature, 'base64url');
  let ok = false;
  try {
    if (alg === 'RS256') ok = verifier.verify(publicKey, sig);
    else if (alg === 'PS256') ok = verifier.verify({ key: publicKey, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 }, sig);
  } catch {
    ok = false;
  }
  return ok ? decoded.claims : undefined;
}
