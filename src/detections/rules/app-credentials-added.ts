// Credentials added to an application or service principal: a new client secret or certificate lets whoever holds
// it sign in as the app with every permission the app was granted, a favourite way to keep access after a breach.
// Directory audits "Add service principal credentials" and "Update application – Certificates and secrets
// management" that succeeded; one alert per app per hour.
import { defineRule } from '../rule.ts';
import { activityOf, auditSucceeded, auditTargets, initiatorOf, parsedValue } from './record-readers.ts';

const ACTIVITIES = new Set(['add service principal credentials', 'update application - certificates and secrets management']);

/** "[KeyIdentifier=…,KeyType=Password,…]" entries of KeyDescription: the key types added. */
function keyTypes(newValue: string | null): string[] {
  const v = parsedValue(newValue);
  const entries = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
  const out = new Set<string>();
  for (const e of entries) {
    const m = /KeyType=([^,\]]+)/.exec(e);
    if (m?.[1] !== undefined) out.add(m[1]);
  }
  return [...out];
}

export const appCredentialsAdded = defineRule({
  id: 'app-credentials-added',
  title: 'Credentials added to an application or service principal',
  description: 'A secret or certificate was added to an application or service principal (directory audit).',
  severity: 'medium',
  checks: ['auditLogs.directoryAudits'],
  dedupeWindowMs: 3_600_000,
  alertTitle: 'Credentials ({keyTypes}) added to {targetType} {app} by {initiator}',
  match(_signal, raw) {
    if (!ACTIVITIES.has(activityOf(raw).toLowerCase()) || !auditSucceeded(raw)) return false;
    const t = auditTargets(raw).find((x) => x.type === 'application' || x.type === 'serviceprincipal');
    if (t === undefined) return false;
    const app = t.displayName ?? t.id ?? 'unknown app';
    const types = keyTypes(t.modified.get('KeyDescription')?.newValue ?? null);
    return {
      key: t.id ?? app,
      fields: { app, appObjectId: t.id, targetType: t.type === 'application' ? 'application' : 'service principal', keyTypes: types.join(', ') || 'unknown', initiator: initiatorOf(raw) },
    };
  },
});
