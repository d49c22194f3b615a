// An integration as an operator gives it (CLI flags, a config file, the API), validated in one pass: every problem is
// reported at once, each naming its field, so a fix-and-retry loop takes one round. Keys are camelCase, unknown keys
// are refused (a typo such as "intervall" must not silently fall back to the default).
//
// The secret (a client secret, or a certificate's private key) is returned apart from the Integration, which is
// stored in clear; no message ever contains it. A PEM given for the certificate is split by block type, so a private
// key pasted alongside the certificate can never end up in the clear-text certificatePem.
import 'reflect-metadata'; // @peculiar/x509's dependency injection (tsyringe) needs it loaded first
import { X509Certificate } from '@peculiar/x509';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { CHECK_IDS, isCheckId } from '../core/check-ids.ts';
import type { CheckId } from '../core/check-ids.ts';
import { AzsecError } from '../core/errors.ts';
import type { CloudName, Integration } from '../store/store.ts';
import { formatDuration, readDuration } from './duration.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const CLOUD_NAMES = ['global', 'usgov', 'usgov-dod', 'china', 'custom'] as const satisfies readonly CloudName[];

const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A DNS name with at least two labels and an alphabetic top-level label, e.g. contoso.onmicrosoft.com.
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const PRIVATE_KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/g;

export interface IntegrationIssue {
  /** Dotted path of the field, e.g. "credential.secret"; "(input)" for the input as a whole. */
  field: string;
  message: string;
}

export interface ParsedIntegrationInput {
  integration: Integration;
  /** The client secret, or the PEM private key for a certificate credential. Seal it; never log it. */
  secretPlaintext: string;
}

/** A string field that must be present; a missing one is reported as "is required", not as a type error. */
function text(): z.ZodString {
  return z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') });
}

function duration(opts: { min: number; max: number; fallback: string }) {
  const range = `between ${formatDuration(opts.min)} and ${formatDuration(opts.max)}`;
  return z
    .string({ error: `must be a duration such as 5m or 1h30m, ${range}` })
    .optional()
    .transform((value, ctx) => {
      const result = readDuration(value ?? opts.fallback);
      if (!result.ok) {
        ctx.addIssue({ code: 'custom', message: result.message });
        return z.NEVER;
      }
      if (result.ms < opts.min || result.ms > opts.max) {
        ctx.addIssue({ code: 'custom', message: `must be ${range} (got ${formatDuration(result.ms)})` });
        return z.NEVER;
      }
      return result.ms;
    });
}

function httpsUrl() {
  return text().superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute https:// URL' });
      return;
    }
    if (url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `must use https:// (got ${url.protocol}//)` });
    // Credentials in a URL would be stored and displayed in clear; they have no place in a login or Graph URL.
    if (url.username !== '' || url.password !== '') ctx.addIssue({ code: 'custom', message: 'must not contain a user name or password' });
    if (url.search !== '' || url.hash !== '') ctx.addIssue({ code: 'custom', message: 'must not have a query or fragment' });
  });
}

function pemBlocks(value: string, pattern: RegExp): string[] {
  return [...value.matchAll(pattern)].map((m) => m[0]);
}

/** Checks the certificate credential; returns the issues (fields relative to the credential). */
function certificateIssues(privateKeyPem: string, certificatePem: string, now: number): IntegrationIssue[] {
  const issues: IntegrationIssue[] = [];
  const certificates = pemBlocks(certificatePem, CERTIFICATE_BLOCK);
  const keys = [...privateKeyPem.matchAll(PRIVATE_KEY_BLOCK)];

  let certificate: X509Certificate | undefined;
  if (certificates.length === 0) {
    issues.push({ field: 'certificatePem', message: 'must contain a PEM certificate (-----BEGIN CERTIFICATE-----)' });
  } else {
    try {
      certificate = new X509Certificate(certificates[0] ?? '');
    } catch {
      issues.push({ field: 'certificatePem', message: 'is not a readable X.509 certificate' });
    }
    if (certificate !== undefined && certificate.notAfter.getTime() <= now) {
      issues.push({ field: 'certificatePem', message: `expired on ${certificate.notAfter.toISOString()}; upload and give a current certificate` });
    }
  }

  let privateKey: KeyObject | undefined;
  const key = keys[0];
  if (key === undefined) {
    issues.push({ field: 'privateKeyPem', message: 'must contain a PEM private key (-----BEGIN PRIVATE KEY-----)' });
  } else if (keys.length > 1) {
    issues.push({ field: 'privateKeyPem', message: 'must contain exactly one private key' });
  } else if (key[1] === 'ENCRYPTED PRIVATE KEY') {
    issues.push({ field: 'privateKeyPem', message: 'is encrypted; give the key without a passphrase (azsec encrypts it at rest)' });
  } else {
    try {
      privateKey = createPrivateKey(key[0]);
    } catch {
      issues.push({ field: 'privateKeyPem', message: 'is not a readable private key' });
    }
  }

  if (certificate !== undefined && privateKey !== undefined) {
    const fromKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
    if (!fromKey.equals(Buffer.from(certificate.publicKey.rawData))) {
      issues.push({ field: 'privateKeyPem', message: 'does not belong to the certificate (their public keys differ)' });
    }
  }
  return issues;
}

function schema(now: number) {
  const credential = z.discriminatedUnion(
    'kind',
    [
      z.strictObject({
        kind: z.literal('secret'),
        // Entra client secrets contain no whitespace; surrounding whitespace comes from files and shells.
        secret: text()
          .transform((s) => s.trim())
          .refine((s) => s !== '', { message: 'must not be empty' }),
      }),
      z
        .strictObject({ kind: z.literal('certificate'), privateKeyPem: text(), certificatePem: text() })
        .superRefine((value, ctx) => {
          for (const issue of certificateIssues(value.privateKeyPem, value.certificatePem, now)) {
            ctx.addIssue({ code: 'custom', path: [issue.field], message: issue.message });
          }
        }),
    ],
    { error: (issue) => (issue.input === undefined ? 'is required' : 'must be { kind: "secret", secret } or { kind: "certificate", privateKeyPem, certificatePem }') },
  );

  return z.strictObject(
    {
      name: text().regex(NAME, { message: 'must be 1 to 64 characters: letters, digits, dot, dash or underscore' }),
      tenantId: text().refine((v) => GUID.test(v) || DOMAIN.test(v), {
        message: 'must be a tenant GUID or a domain name such as contoso.onmicrosoft.com',
      }),
      clientId: text().regex(GUID, { message: 'must be the application (client) GUID' }),
      credential,
      cloud: z.enum(CLOUD_NAMES, { error: `must be one of ${CLOUD_NAMES.join(', ')}` }).default('global'),
      loginUrl: httpsUrl().nullish(),
      graphUrl: httpsUrl().nullish(),
      interval: duration({ min: MINUTE, max: DAY, fallback: '5m' }),
      initialLookback: duration({ min: 0, max: 30 * DAY, fallback: '24h' }),
      lateWindow: duration({ min: 0, max: DAY, fallback: '10m' }),
      enabled: z.boolean({ error: 'must be true or false' }).default(true),
      disabledChecks: z
        .array(
          z.string({ error: 'must be a check id' }).refine(isCheckId, { message: `is not a check id; known ids: ${CHECK_IDS.join(', ')}` }),
          { error: 'must be a list of check ids' },
        )
        .default([]),
    },
    { error: (issue) => (issue.code === 'invalid_type' ? 'must be an object with the integration settings' : undefined) },
  );
}

function fieldOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(input)' : path.map(String).join('.');
}

/** zod issues as field + message; unknown keys become one issue per key, named by its own path. */
function issuesOf(error: z.ZodError): IntegrationIssue[] {
  const issues: IntegrationIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ field: fieldOf([...issue.path, key]), message: 'is not a known setting' });
    } else {
      issues.push({ field: fieldOf(issue.path), message: issue.message });
    }
  }
  return issues;
}

/** Rules across fields, checked on the raw input so that they are reported together with the per-field problems. */
function crossFieldIssues(input: unknown, reported: ReadonlySet<string>): IntegrationIssue[] {
  if (typeof input !== 'object' || input === null) return [];
  const raw = input as Record<string, unknown>;
  const issues: IntegrationIssue[] = [];
  if (raw.cloud === 'custom') {
    for (const field of ['loginUrl', 'graphUrl'] as const) {
      if ((raw[field] === undefined || raw[field] === null) && !reported.has(field)) {
        issues.push({ field, message: 'is required when cloud is "custom" (an https:// URL)' });
      }
    }
  }
  return issues;
}

function trimSlash(url: string | null | undefined): string | null {
  return url === undefined || url === null ? null : url.replace(/\/+$/, '');
}

/**
 * Validates an operator's integration and builds the Integration to store (createdAt = updatedAt = now) and the
 * secret to seal. Throws ERR_CONFIG_INVALID listing every problem, with details.issues = [{ field, message }].
 */
export function parseIntegrationInput(input: unknown, now: number | Date): ParsedIntegrationInput {
  const nowMs = typeof now === 'number' ? now : now.getTime();
  const result = schema(nowMs).safeParse(input);
  const issues = result.success ? [] : issuesOf(result.error);
  issues.push(...crossFieldIssues(input, new Set(issues.map((i) => i.field))));
  if (!result.success || issues.length > 0) throw invalid(issues, secretCandidates(input));

  const value = result.data;
  const credential = value.credential;
  const nowIso = new Date(nowMs).toISOString();
  const integration: Integration = {
    name: value.name,
    // GUIDs and domain names are case-insensitive; one spelling makes comparisons and duplicate checks simple.
    tenantId: value.tenantId.toLowerCase(),
    clientId: value.clientId.toLowerCase(),
    credentialKind: credential.kind,
    certificatePem: credential.kind === 'certificate' ? `${pemBlocks(credential.certificatePem, CERTIFICATE_BLOCK).join('\n')}\n` : null,
    cloud: value.cloud,
    loginUrl: trimSlash(value.loginUrl),
    graphUrl: trimSlash(value.graphUrl),
    intervalMs: value.interval,
    initialLookbackMs: value.initialLookback,
    lateWindowMs: value.lateWindow,
    enabled: value.enabled,
    disabledChecks: [...new Set(value.disabledChecks as CheckId[])],
    createdAt: nowIso,
    updatedAt: nowIso,
  };
  const secretPlaintext =
    credential.kind === 'secret' ? credential.secret : `${pemBlocks(credential.privateKeyPem, PRIVATE_KEY_BLOCK)[0] ?? ''}\n`;
  return { integration, secretPlaintext };
}

/** The secret material as given, whatever its validity: no message may contain it. */
function secretCandidates(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return [];
  const credential = (input as Record<string, unknown>).credential;
  if (typeof credential === 'string') return credential.trim().length >= 8 ? [credential] : [];
  if (typeof credential !== 'object' || credential === null) return [];
  const { secret, privateKeyPem } = credential as Record<string, unknown>;
  // Very short values would also match ordinary words of the messages; they are not real secrets anyway.
  return [secret, privateKeyPem].filter((v): v is string => typeof v === 'string' && v.trim().length >= 8);
}

// Defence in depth: the messages above never quote input values, and this guarantees it for the secret even if a
// future message (or zod's own wording) does.
function invalid(rawIssues: readonly IntegrationIssue[], secrets: readonly string[]): AzsecError {
  const redact = (message: string): string =>
    secrets.reduce((out, secret) => out.split(secret.trim()).join('[redacted]'), message);
  const issues = rawIssues.map((i) => ({ field: i.field, message: redact(i.message) }));
  const lines = issues.map((i) => `  - ${i.field}: ${i.message}`);
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return new AzsecError('ERR_CONFIG_INVALID', `Invalid integration (${count}):\n${lines.join('\n')}`, { issues: [...issues] });
}
