// Severity mappings shared by the normalizers (each check's file says which one it uses and why).
import { SEVERITIES } from '../signals/signal.ts';
import type { Severity } from '../signals/signal.ts';
import { lower } from './record-fields.ts';

/**
 * Defender alert/incident severity: informational, low, medium and high map to themselves (and "critical", should a
 * product send it); unknown, unknownFutureValue, a missing value or anything else → low, because an alert nobody
 * rated is still an alert.
 */
export function alertSeverity(v: unknown): Severity {
  const s = lower(v);
  return s === 'informational' || s === 'low' || s === 'medium' || s === 'high' || s === 'critical' ? s : 'low';
}

/**
 * Entra riskLevel: low, medium, high map to themselves; none → informational (nothing risky was found); hidden (a
 * tenant without P2 sees no level), unknownFutureValue or missing → low, since a risk record exists at all.
 */
export function riskSeverity(v: unknown): Severity {
  const s = lower(v);
  if (s === 'low' || s === 'medium' || s === 'high') return s;
  return s === 'none' ? 'informational' : 'low';
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(b) ? a : b;
}
