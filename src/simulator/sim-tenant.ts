// A simulated tenant at run time: its identity and app credentials, licences, consented permissions, generated data,
// and the token/delta state that faults can invalidate.
import { createHash } from 'node:crypto';
import { createTenantDataset } from './data/create-tenant-dataset.ts';
import type { TenantDataset } from './data/dataset.ts';
import { PROFILES, isProfileName } from './profiles.ts';
import type { SimLicence, SimTenantInfo, SimTenantSpec } from './types.ts';

export interface SimTenant {
  info: SimTenantInfo;
  /** Primary domain, accepted in place of the tenant id at the token endpoint. */
  domain: string;
  licences: Set<SimLicence>;
  permissions: Set<string>;
  certificatePem: string | undefined;
  secretExpired: boolean;
  hostileStrings: boolean;
  dataset: TenantDataset;
  /** Access tokens with a sequence number below this are revoked (401 InvalidAuthenticationToken). */
  revokedBelow: number;
  /** Delta tokens of an older epoch are expired (410 Gone). */
  deltaEpoch: number;
}

function digest(...parts: Array<string | number>): Buffer {
  return createHash('sha256').update(parts.join('\u0000')).digest();
}

/** A GUID derived from the seed and a name: stable across restarts with the same seed. */
export function stableGuid(...parts: Array<string | number>): string {
  const h = digest(...parts).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Shaped like an Entra client secret value: three characters, "8Q~", then 34 more. */
function stableSecret(seed: string | number, name: string): string {
  const b = digest('secret', seed, name).toString('base64url').replace(/[-_]/g, 'x');
  return `${b.slice(0, 3)}8Q~${b.slice(3, 37)}`;
}

export function slugOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'tenant';
}

export function createSimTenant(spec: SimTenantSpec, seed: string | number, startTime: number): SimTenant {
  const profileName = spec.profile ?? 'full';
  if (!isProfileName(profileName)) {
    throw new Error(`Unknown tenant profile '${profileName}' for tenant '${spec.name}'. Known: ${Object.keys(PROFILES).join(', ')}`);
  }
  const profile = PROFILES[profileName] as (typeof PROFILES)[string];
  const tenantId = spec.tenantId ?? stableGuid('tenant', seed, spec.name);
  const domain = `${slugOf(spec.name)}.onmicrosoft.com`;
  const info: SimTenantInfo = {
    name: spec.name,
    profile: profileName,
    tenantId,
    clientId: spec.clientId ?? stableGuid('client', seed, spec.name),
    clientSecret: spec.clientSecret ?? stableSecret(seed, spec.name),
  };
  const dataset = createTenantDataset({
    seed,
    tenantId,
    domain,
    startTime,
    historyMs: spec.historyMs ?? 7 * 86_400_000,
    volume: spec.volume ?? {},
  });
  return {
    info,
    domain,
    licences: new Set(spec.licences ?? profile.licences),
    permissions: new Set(spec.permissions ?? profile.permissions),
    certificatePem: spec.certificatePem,
    secretExpired: spec.secretExpired ?? false,
    hostileStrings: spec.hostileStrings ?? false,
    dataset,
    revokedBelow: 0,
    deltaEpoch: 0,
  };
}
