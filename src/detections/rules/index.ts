// The built-in rules, in the order issue 7 lists them. Rule ids are stored and typed by operators: never rename one.
import type { Rule } from '../rule.ts';
import { accountLockout } from './account-lockout.ts';
import { appCredentialsAdded } from './app-credentials-added.ts';
import { bruteForce } from './brute-force.ts';
import { conditionalAccessPolicyWeakened } from './conditional-access-policy-weakened.ts';
import { defenderAlertPassthrough } from './defender-alert-passthrough.ts';
import { defenderIncidentPassthrough } from './defender-incident-passthrough.ts';
import { highSeverityRiskDetection } from './high-severity-risk-detection.ts';
import { impossibleTravel } from './impossible-travel.ts';
import { legacyProtocolSignIn } from './legacy-protocol-sign-in.ts';
import { mfaFatigue } from './mfa-fatigue.ts';
import { newCountrySignIn } from './new-country-sign-in.ts';
import { passwordSpray } from './password-spray.ts';
import { privilegedRoleAssigned } from './privileged-role-assigned.ts';
import { riskySignInSucceeded } from './risky-sign-in-succeeded.ts';
import { riskyUserCompromised } from './risky-user-compromised.ts';
import { secureScoreDrop } from './secure-score-drop.ts';
import { userCreatedAndDeleted } from './user-created-and-deleted.ts';

export const BUILT_IN_RULES: readonly Rule[] = [
  defenderAlertPassthrough,
  defenderIncidentPassthrough,
  riskySignInSucceeded,
  bruteForce,
  passwordSpray,
  mfaFatigue,
  legacyProtocolSignIn,
  newCountrySignIn,
  impossibleTravel,
  accountLockout,
  privilegedRoleAssigned,
  appCredentialsAdded,
  conditionalAccessPolicyWeakened,
  riskyUserCompromised,
  highSeverityRiskDetection,
  secureScoreDrop,
  userCreatedAndDeleted,
];
