// National-cloud presets (GRAPH-FACTS §3.2): one preset fixes the login host, the Graph host and the scope together,
// because tokens never cross clouds.
import type { CheckId } from '../core/check-ids.ts';
import type { CloudName } from '../store/store.ts';

export interface CloudEndpoints {
  /** e.g. https://login.microsoftonline.com (no trailing slash) */
  loginUrl: string;
  /** e.g. https://graph.microsoft.com (no trailing slash, no version) */
  graphUrl: string;
  /** The client-credentials scope: `${graphUrl}/.default`. */
  scope: string;
  /** Checks Graph does not offer in this cloud: disabled there, not failed. */
  unavailableChecks: readonly CheckId[];
}

const PRESETS: Record<Exclude<CloudName, 'custom'>, Omit<CloudEndpoints, 'scope'>> = {
  global: { loginUrl: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com', unavailableChecks: [] },
  usgov: { loginUrl: 'https://login.microsoftonline.us', graphUrl: 'https://graph.microsoft.us', unavailableChecks: [] },
  'usgov-dod': { loginUrl: 'https://login.microsoftonline.us', graphUrl: 'https://dod-graph.microsoft.us', unavailableChecks: [] },
  // 21Vianet: only users is documented as available among the eight (GRAPH-FACTS §3.2); login.chinacloudapi.cn is the
  // documented default, login.partner.microsoftonline.cn an allowed override (pass loginUrl).
  china: {
    loginUrl: 'https://login.chinacloudapi.cn',
    graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
    unavailableChecks: [
      'security.incidents',
      'security.alerts_v2',
      'auditLogs.signIns',
      'auditLogs.directoryAudits',
      'identityProtection.riskDetections',
      'identityProtection.riskyUsers',
      'security.secureScores',
    ],
  },
};

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Resolves a cloud to its endpoints; `custom` needs both URLs, other clouds accept a login URL override. */
export function cloudEndpoints(cloud: CloudName, overrides: { loginUrl?: string | null; graphUrl?: string | null } = {}): CloudEndpoints {
  if (cloud === 'custom') {
    if (!overrides.loginUrl || !overrides.graphUrl) {
      throw new Error('cloud "custom" needs both a login URL and a Graph URL');
    }
    const graphUrl = trimSlash(overrides.graphUrl);
    return { loginUrl: trimSlash(overrides.loginUrl), graphUrl, scope: `${graphUrl}/.default`, unavailableChecks: [] };
  }
  const preset = PRESETS[cloud];
  const graphUrl = trimSlash(overrides.graphUrl ?? preset.graphUrl);
  return {
    loginUrl: trimSlash(overrides.loginUrl ?? preset.loginUrl),
    graphUrl,
    scope: `${graphUrl}/.default`,
    unavailableChecks: preset.unavailableChecks,
  };
}
