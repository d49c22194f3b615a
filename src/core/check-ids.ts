// Check ids mirror the Graph paths. They are stored and typed by operators: never rename one.
export const CHECK_IDS = [
  'security.incidents',
  'security.alerts_v2',
  'auditLogs.signIns',
  'auditLogs.directoryAudits',
  'identityProtection.riskDetections',
  'identityProtection.riskyUsers',
  'security.secureScores',
  'users',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

export function isCheckId(value: string): value is CheckId {
  return (CHECK_IDS as readonly string[]).includes(value);
}
