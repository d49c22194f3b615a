// Readers the built-in rules share: fields of sign-ins and directory audits, read defensively from the raw record
// (a rule never throws on odd input; the engine would only count the error and move on).
import { asArray, asObj, lower, num, str, strings } from '../../normalize/record-fields.ts';
import type { Signal } from '../../signals/signal.ts';
import type { JsonValue } from '../../store/store.ts';
import type { RawRecord } from '../rule.ts';

/** The user a sign-in or risk record is about: object id, else UPN (lower-cased), else null. */
export function userKeyOf(raw: RawRecord): string | null {
  return str(raw.userId) ?? str(raw.userPrincipalName)?.toLowerCase() ?? null;
}

/** What an alert title calls the user: UPN, else display name, else id. */
export function userLabelOf(raw: RawRecord): string {
  return str(raw.userPrincipalName) ?? str(raw.userDisplayName) ?? str(raw.userId) ?? 'unknown user';
}

/** A sign-in's status.errorCode (0 = success), or null when absent. */
export function errorCodeOf(raw: RawRecord): number | null {
  const status = asObj(raw.status);
  return status === null ? null : num(status.errorCode);
}

/** Sign-in risk events (v2 names, which include passwordSpray; the v1 list otherwise). */
export function riskEventsOf(raw: RawRecord): string[] {
  const v2 = strings(raw.riskEventTypes_v2);
  return v2.length > 0 ? v2 : strings(raw.riskEventTypes);
}

/** The higher of a sign-in's aggregated and during-sign-in risk levels: 'none', 'low', 'medium', 'high'. */
export function signInRiskLevel(raw: RawRecord): 'none' | 'low' | 'medium' | 'high' {
  let best: 'none' | 'low' | 'medium' | 'high' = 'none';
  const rank = { none: 0, low: 1, medium: 2, high: 3 } as const;
  for (const v of [lower(raw.riskLevelAggregated), lower(raw.riskLevelDuringSignIn)]) {
    if ((v === 'low' || v === 'medium' || v === 'high') && rank[v] > rank[best]) best = v;
  }
  return best;
}

/** A directory audit's activity name, with the en dash Entra writes in some names read as a hyphen. */
export function activityOf(raw: RawRecord): string {
  return (str(raw.activityDisplayName) ?? '').replace(/\u2013/g, '-');
}

export function auditSucceeded(raw: RawRecord): boolean {
  return lower(raw.result) === 'success';
}

export interface AuditTarget {
  id: string | null;
  displayName: string | null;
  type: string;
  userPrincipalName: string | null;
  modified: Map<string, { oldValue: string | null; newValue: string | null }>;
}

/** targetResources with their modified properties by name. */
export function auditTargets(raw: RawRecord): AuditTarget[] {
  const out: AuditTarget[] = [];
  for (const t of asArray(raw.targetResources)) {
    const o = asObj(t);
    if (o === null) continue;
    const modified = new Map<string, { oldValue: string | null; newValue: string | null }>();
    for (const p of asArray(o.modifiedProperties)) {
      const po = asObj(p);
      const name = po === null ? null : str(po.displayName);
      if (po !== null && name !== null) modified.set(name, { oldValue: str(po.oldValue), newValue: str(po.newValue) });
    }
    out.push({ id: str(o.id), displayName: str(o.displayName), type: lower(o.type), userPrincipalName: str(o.userPrincipalName), modified });
  }
  return out;
}

/** Modified property values are JSON text ("\"Global Administrator\"", "[true]"): the value inside, else the text. */
export function parsedValue(v: string | null): unknown {
  if (v === null) return null;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

/** Who did it: the initiating user's UPN, else the initiating app's name. */
export function initiatorOf(raw: RawRecord): string {
  const by = asObj(raw.initiatedBy);
  const user = asObj(by?.user);
  const app = asObj(by?.app);
  return str(user?.userPrincipalName) ?? str(user?.id) ?? str(app?.displayName) ?? str(app?.appId) ?? 'unknown initiator';
}

/** Plain JSON copy of a value built from JSON (drops undefined members, which JsonValue cannot hold). */
export function toJson(v: unknown): JsonValue {
  return JSON.parse(JSON.stringify(v ?? null)) as JsonValue;
}

/** The label a signal's actor goes by, for titles. */
export function actorLabel(signal: Signal): string {
  const a = signal.actor;
  return a?.upn ?? a?.name ?? a?.id ?? 'unknown';
}
