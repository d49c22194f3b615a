// The OCSF 1.8 event of one stored record version: its normalized signal plus its raw Graph object, dispatched by
// check to the mapping of that check (one file each). The raw record is exported separately (`azsec export`), so
// nothing of it goes to `unmapped`: the output stays compact.
import type { CheckId } from '../core/check-ids.ts';
import type { Signal } from '../signals/signal.ts';
import { alertToOcsf } from './alert.ts';
import { directoryAuditToOcsf } from './directory-audit.ts';
import { incidentToOcsf } from './incident.ts';
import type { OcsfObject } from './ocsf-base.ts';
import { riskDetectionToOcsf } from './risk-detection.ts';
import { riskyUserToOcsf } from './risky-user.ts';
import { secureScoreToOcsf } from './secure-score.ts';
import { signInToOcsf } from './sign-in.ts';
import { userToOcsf } from './user.ts';

type Mapping = (signal: Signal, raw: Record<string, unknown>) => OcsfObject;

const MAPPINGS: Record<CheckId, Mapping> = {
  'auditLogs.signIns': signInToOcsf,
  'auditLogs.directoryAudits': directoryAuditToOcsf,
  'security.alerts_v2': alertToOcsf,
  'identityProtection.riskDetections': riskDetectionToOcsf,
  'security.incidents': incidentToOcsf,
  'security.secureScores': secureScoreToOcsf,
  users: userToOcsf,
  'identityProtection.riskyUsers': riskyUserToOcsf,
};

/** OCSF class of each check (directory audits: one of 3001/3004/3005/3006 by activity). */
export const OCSF_CLASS_OF_CHECK: Record<CheckId, readonly number[]> = {
  'auditLogs.signIns': [3002],
  'auditLogs.directoryAudits': [3001, 3004, 3005, 3006],
  'security.alerts_v2': [2004],
  'identityProtection.riskDetections': [2004],
  'security.incidents': [2005],
  'security.secureScores': [2003],
  users: [5003],
  'identityProtection.riskyUsers': [5003],
};

export function toOcsf(signal: Signal, raw: Record<string, unknown>): Record<string, unknown> {
  return MAPPINGS[signal.check](signal, raw);
}
