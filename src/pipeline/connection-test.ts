// The connection test behind `azsec integrations test` (and the console's Save): a token, its roles against what the
// enabled checks need, and one probe per check reading a single record, each reported as ok, missing permission
// (with the permission to grant), needs licence, or error.
import { ALL_CHECKS } from '../checks/all-checks.ts';
import type { TokenProvider } from '../auth/token-provider.ts';
import type { CheckId } from '../core/check-ids.ts';
import { isAzsecError } from '../core/errors.ts';
import type { GraphClient } from '../graph/graph-client.ts';
import type { Integration } from '../store/store.ts';

export type ProbeResult = 'ok' | 'missing_permission' | 'needs_licence' | 'error' | 'disabled';

export interface CheckProbe {
  id: CheckId;
  result: ProbeResult;
  detail: string;
  missingPermissions: string[];
}

export interface ConnectionTestResult {
  token: { ok: true; roles: string[] } | { ok: false; code: string; message: string };
  checks: CheckProbe[];
  /** Every permission some enabled check lacks. */
  missingPermissions: string[];
}

export async function testConnection(
  integration: Integration,
  tokens: TokenProvider,
  client: GraphClient,
  unavailableInCloud: readonly CheckId[],
): Promise<ConnectionTestResult> {
  let roles: string[];
  try {
    roles = (await tokens.getToken({ forceRefresh: true })).roles;
  } catch (error) {
    return {
      token: { ok: false, code: isAzsecError(error) ? error.code : 'ERR_AUTH_FAILED', message: (error as Error).message },
      checks: [],
      missingPermissions: [],
    };
  }
  const granted = new Set(roles);
  const checks = await Promise.all(
    ALL_CHECKS.map(async (check): Promise<CheckProbe> => {
      const base = { id: check.id, missingPermissions: [] as string[] };
      if (integration.disabledChecks.includes(check.id)) return { ...base, result: 'disabled', detail: 'disabled for this integration' };
      if (unavailableInCloud.includes(check.id)) return { ...base, result: 'disabled', detail: `not offered in the ${integration.cloud} cloud` };
      const missing = check.permissions.filter((p) => !granted.has(p) && !granted.has(p.replace('.Read.', '.ReadWrite.')));
      if (missing.length > 0) {
        return { ...base, result: 'missing_permission', detail: `missing permission ${missing.join(', ')} (grant and re-consent)`, missingPermissions: missing };
      }
      try {
        await client.getPage(client.url(check.probeUrl), { preferUnknownEnums: check.preferUnknownEnums });
        return { ...base, result: 'ok', detail: 'ok' };
      } catch (error) {
        if (isAzsecError(error, 'ERR_GRAPH_FORBIDDEN_LICENSE')) return { ...base, result: 'needs_licence', detail: `needs licence ${check.licence ?? '(unknown)'}` };
        if (isAzsecError(error, 'ERR_GRAPH_FORBIDDEN_PERMISSION')) {
          return { ...base, result: 'missing_permission', detail: `missing permission ${check.permissions.join(', ')} (grant and re-consent)`, missingPermissions: [...check.permissions] };
        }
        return { ...base, result: 'error', detail: `${isAzsecError(error) ? error.code : 'error'}: ${(error as Error).message}` };
      }
    }),
  );
  const missingPermissions = [...new Set(checks.flatMap((c) => c.missingPermissions))];
  return { token: { ok: true, roles }, checks, missingPermissions };
}
