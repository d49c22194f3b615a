// A user created and deleted within 24 hours: a throwaway account, typical of an intruder covering tracks or of a
// test nobody announced. Both sources count: directory audits ("Add user" / "Delete user" that succeeded, the
// target user's id) and the users delta (a user whose createdDateTime is known, then its @removed entry). The rule
// remembers creations and deletions per user id for 24 hours, so a deletion that arrives before its creation
// (a late audit record) still pairs up.
import { isoTime, str } from '../../normalize/record-fields.ts';
import { defineRule } from '../rule.ts';
import type { RawRecord } from '../rule.ts';
import { activityOf, auditSucceeded, auditTargets, initiatorOf } from './record-readers.ts';
import type { Signal } from '../../signals/signal.ts';

const WINDOW_MS = 86_400_000;

interface LifecycleEvent {
  kind: 'created' | 'deleted';
  userId: string;
  t: number;
  label: string;
  by: string | null;
}

function eventOf(signal: Signal, raw: RawRecord): LifecycleEvent | null {
  if (signal.check === 'auditLogs.directoryAudits') {
    const activity = activityOf(raw).toLowerCase();
    const kind = activity === 'add user' ? 'created' : activity === 'delete user' ? 'deleted' : null;
    if (kind === null || !auditSucceeded(raw)) return null;
    const t = auditTargets(raw).find((x) => x.type === 'user');
    if (t?.id === null || t === undefined) return null;
    return { kind, userId: t.id.toLowerCase(), t: Date.parse(signal.time), label: t.userPrincipalName ?? t.displayName ?? t.id, by: initiatorOf(raw) };
  }
  const id = str(raw.id);
  if (id === null) return null;
  const label = str(raw.userPrincipalName) ?? str(raw.displayName) ?? id;
  if (signal.kind === 'user_deleted') return { kind: 'deleted', userId: id.toLowerCase(), t: Date.parse(signal.time), label, by: null };
  const created = isoTime(raw.createdDateTime);
  if (created === null) return null;
  const t = Date.parse(created);
  // The first full listing holds every user: only recent creations can pair with a deletion, so only they are kept.
  if (Date.parse(signal.time) - t > WINDOW_MS) return null;
  return { kind: 'created', userId: id.toLowerCase(), t, label, by: null };
}

/** Remembered creations or deletions of one user: [{t, label}], newest last. */
function asEvents(v: unknown): Array<{ t: number; label: string }> {
  if (!Array.isArray(v)) return [];
  const out: Array<{ t: number; label: string }> = [];
  for (const x of v) {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) continue;
    const o = x as Record<string, unknown>;
    if (typeof o.t === 'number' && typeof o.label === 'string') out.push({ t: o.t, label: o.label });
  }
  return out;
}

/** A user re-created and deleted many times keeps only its latest few events: enough to pair, bounded in size. */
const MAX_EVENTS = 8;

export const userCreatedAndDeleted = defineRule({
  id: 'user-created-and-deleted',
  title: 'User created and deleted within 24 hours',
  description: 'A user account was created and deleted within 24 hours (directory audits or the users delta).',
  severity: 'medium',
  checks: ['auditLogs.directoryAudits', 'users'],
  dedupeWindowMs: 2 * WINDOW_MS,
  memoryTtlMs: 2 * WINDOW_MS,
  alertTitle: 'User {user} created and deleted within {hours} h',
  match(signal, raw, memory) {
    const ev = eventOf(signal, raw);
    if (ev === null || !Number.isFinite(ev.t)) return false;
    const other = ev.kind === 'created' ? 'deleted' : 'created';
    // Every creation and deletion of the last two days is kept: a user may be created, deleted and created again,
    // and any creation followed within 24 hours by a deletion is the pattern.
    const mine = asEvents(memory.get(`${ev.kind}:${ev.userId}`)).filter((x) => Math.abs(ev.t - x.t) <= 2 * WINDOW_MS && x.t !== ev.t);
    memory.set(`${ev.kind}:${ev.userId}`, [...mine, { t: ev.t, label: ev.label }].sort((a, b) => a.t - b.t).slice(-MAX_EVENTS));
    const lifetimes = asEvents(memory.get(`${other}:${ev.userId}`))
      .map((x) => (ev.kind === 'created' ? x.t - ev.t : ev.t - x.t))
      .filter((d) => d >= 0 && d <= WINDOW_MS);
    if (lifetimes.length === 0) return false;
    const lifetime = Math.min(...lifetimes);
    const createdAt = ev.kind === 'created' ? ev.t : ev.t - lifetime;
    const deletedAt = ev.kind === 'deleted' ? ev.t : ev.t + lifetime;
    return {
      key: ev.userId,
      fields: { user: ev.label, userId: ev.userId, hours: Math.round((lifetime / 3_600_000) * 10) / 10, createdAt: new Date(createdAt).toISOString(), deletedAt: new Date(deletedAt).toISOString(), by: ev.by },
    };
  },
});
