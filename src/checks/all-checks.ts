// The eight checks, in the order status and docs list them.
import type { CheckId } from '../core/check-ids.ts';
import { alertsV2Check } from './alerts-v2.ts';
import type { CheckDefinition } from './check-definition.ts';
import { directoryAuditsCheck } from './directory-audits.ts';
import { incidentsCheck } from './incidents.ts';
import { riskDetectionsCheck } from './risk-detections.ts';
import { riskyUsersCheck } from './risky-users.ts';
import { secureScoresCheck } from './secure-scores.ts';
import { signInsCheck } from './sign-ins.ts';
import { usersCheck } from './users.ts';

export const ALL_CHECKS: readonly CheckDefinition[] = [
  incidentsCheck,
  alertsV2Check,
  signInsCheck,
  directoryAuditsCheck,
  riskDetectionsCheck,
  riskyUsersCheck,
  secureScoresCheck,
  usersCheck,
];

export function checkById(id: CheckId): CheckDefinition {
  const check = ALL_CHECKS.find((c) => c.id === id);
  if (check === undefined) throw new Error(`no check ${id}`);
  return check;
}
