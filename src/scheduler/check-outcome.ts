// How a run's outcome becomes the (integration, check) state operators see, and when the check is next due:
// ok → next interval; throttled → 10-minute cooldown, resuming from the checkpoint; missing permission or licence →
// unavailable, re-probed hourly so a later grant is noticed by itself; anything else → error for this cycle.
import type { CheckDefinition } from '../checks/check-definition.ts';
import type { CheckId } from '../core/check-ids.ts';
import { isAzsecError } from '../core/errors.ts';
import type { CheckState, CheckStateName } from '../store/store.ts';

export const THROTTLE_COOLDOWN_MS = 10 * 60_000;
export const UNAVAILABLE_REPROBE_MS = 60 * 60_000;

export function initialCheckState(integration: string, check: CheckId): CheckState {
  return {
    integration,
    check,
    state: 'pending',
    reason: null,
    errorCode: null,
    lastAttemptAt: null,
    lastSuccessAt: null,
    nextDueAt: null,
    collected: 0,
    lastRunCollected: 0,
    consecutiveFailures: 0,
    warnedAt: null,
  };
}

export function missingPermissionReason(check: CheckDefinition, missing: readonly string[]): string {
  return `missing application permission ${missing.join(' and ')}: add it to the app registration (Microsoft Graph, Application permission) and grant admin consent`;
}

export function licenceReason(check: CheckDefinition): string {
  return `needs licence: ${check.licence ?? 'a licence this tenant lacks'} (Graph refused the request for this tenant)`;
}

export interface Outcome {
  state: CheckStateName;
  reason: string | null;
  errorCode: string | null;
  /** Delay until the check is due again. */
  nextInMs: number;
}

export function outcomeOfError(check: CheckDefinition, error: unknown, intervalMs: number): Outcome {
  const message = error instanceof Error ? error.message : String(error);
  if (isAzsecError(error, 'ERR_GRAPH_THROTTLED')) {
    return {
      state: 'throttled',
      reason: `Graph kept answering 429 Too Many Requests; cooling down for 10 minutes, then resuming from the checkpoint (${message})`,
      errorCode: error.code,
      nextInMs: THROTTLE_COOLDOWN_MS,
    };
  }
  if (isAzsecError(error, 'ERR_GRAPH_FORBIDDEN_PERMISSION')) {
    return { state: 'unavailable', reason: missingPermissionReason(check, check.permissions), errorCode: error.code, nextInMs: UNAVAILABLE_REPROBE_MS };
  }
  if (isAzsecError(error, 'ERR_GRAPH_FORBIDDEN_LICENSE')) {
    return { state: 'unavailable', reason: licenceReason(check), errorCode: error.code, nextInMs: UNAVAILABLE_REPROBE_MS };
  }
  if (isAzsecError(error)) return { state: 'error', reason: message, errorCode: error.code, nextInMs: intervalMs };
  return { state: 'error', reason: `unexpected failure: ${message}`, errorCode: null, nextInMs: intervalMs };
}

/** Whether the change deserves a warning line: a new non-ok state or a new reason (so each condition logs once). */
export function isNewCondition(previous: CheckState | null, next: Pick<CheckState, 'state' | 'reason'>): boolean {
  if (next.state === 'ok' || next.state === 'pending' || next.state === 'disabled') return false;
  return previous === null || previous.state !== next.state || previous.errorCode === null || previous.reason !== next.reason;
}
