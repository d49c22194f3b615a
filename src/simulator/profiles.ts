// Named tenant presets: which licences a simulated tenant holds and which application permissions its app has
// been granted. A tenants file or the API may override either list.
import type { SimLicence } from './types.ts';

/** Every application permission the eight checks need (admin-consented app roles of Microsoft Graph). */
export const ALL_PERMISSIONS = [
  'SecurityIncident.Read.All',
  'SecurityAlert.Read.All',
  'AuditLog.Read.All',
  'Directory.Read.All',
  'IdentityRiskEvent.Read.All',
  'IdentityRiskyUser.Read.All',
  'SecurityEvents.Read.All',
  'User.Read.All',
] as const;

export interface SimProfile {
  description: string;
  licences: SimLicence[];
  permissions: string[];
}

export const PROFILES: Record<string, SimProfile> = {
  full: {
    description: 'Entra ID P2 and Defender XDR, every permission granted',
    licences: ['entra_p2', 'defender_xdr'],
    permissions: [...ALL_PERMISSIONS],
  },
  p1: {
    description: 'Entra ID P1 and Defender XDR: no risky users (P2 only)',
    licences: ['entra_p1', 'defender_xdr'],
    permissions: [...ALL_PERMISSIONS],
  },
  free: {
    description: 'Entra ID Free without Defender XDR: only directory audits, secure score and users',
    licences: ['entra_free'],
    permissions: [...ALL_PERMISSIONS],
  },
  'no-defender': {
    description: 'Entra ID P2 but not onboarded to Defender XDR: no incidents or alerts',
    licences: ['entra_p2'],
    permissions: [...ALL_PERMISSIONS],
  },
  'minimal-permissions': {
    description: 'Entra ID P2 and Defender XDR, but only User.Read.All, AuditLog.Read.All and Directory.Read.All consented',
    licences: ['entra_p2', 'defender_xdr'],
    permissions: ['User.Read.All', 'AuditLog.Read.All', 'Directory.Read.All'],
  },
};

export function isProfileName(name: string): boolean {
  return Object.hasOwn(PROFILES, name);
}
