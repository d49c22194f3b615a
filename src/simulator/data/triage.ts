// How a SOC works an incident or alert over time: new → in progress (assigned) → resolved (classified), with
// comments along the way. The state at version v is replayed from the record's seed, so nothing but the version
// number and its timestamps needs to be stored.
import { graphTime, HOUR_MS, MINUTE_MS } from './graph-time.ts';
import { rngFor } from './random.ts';
import type { Rng } from './random.ts';
import type { RecordState, TenantContext } from './tenant-context.ts';

export interface Triage {
  /** incidents: active | inProgress | resolved | redirected; alerts: new | inProgress | resolved. */
  status: string;
  classification: string;
  determination: string;
  assignedTo: string | null;
  lastUpdateMs: number;
  resolvedMs: number | null;
  redirected: boolean;
  comments: Array<{ comment: string; createdByDisplayName: string; createdDateTime: string }>;
}

const TRUE_POSITIVE = ['malware', 'phishing', 'compromisedAccount', 'multiStagedAttack', 'maliciousUserActivity', 'unwantedSoftware'] as const;
const FALSE_POSITIVE = ['notMalicious', 'notEnoughDataToValidate', 'other'] as const;
const EXPECTED = ['securityTesting', 'lineOfBusinessApplication', 'confirmedActivity', 'securityPersonnel'] as const;

const PROGRESS_NOTES = ['Investigating.', 'Contacted the user.', 'Isolated the device pending review.', 'Escalated to tier 2.', 'Collected investigation package.'];
const RESOLVE_NOTES = [
  'Password reset and sessions revoked.',
  'Messages purged; sender blocked.',
  'Confirmed with the user: expected activity.',
  'Benign: red team exercise.',
  'Device reimaged.',
];

/** The state of a record staged as new (an attack story's incident or alert): no backfilled past of its own. */
export function asNew(state: RecordState | undefined, createdMs: number): RecordState {
  return { ...(state ?? { baseMs: createdMs, version: 0, updatedMs: createdMs, versionMs: [] }), live: true };
}

export function triageAt(
  ctx: TenantContext,
  kind: 'incident' | 'alert',
  key: number,
  createdMs: number,
  state: RecordState | undefined,
): Triage {
  const open = kind === 'incident' ? 'active' : 'new';
  const r = rngFor(ctx.seed, kind, 'triage', key);
  const t: Triage = {
    status: open,
    classification: 'unknown',
    determination: 'unknown',
    assignedTo: null,
    lastUpdateMs: createdMs,
    resolvedMs: null,
    redirected: false,
    comments: [],
  };
  if (!state?.live) {
    // Backfilled records have a past of their own: some already worked on or closed before the simulation starts.
    const room = Math.max(0, ctx.startTime - createdMs);
    const stage = r.weighted([[0, 55], [1, 20], [2, 25]] as const);
    let at = createdMs;
    for (let s = 1; s <= stage && room > 0; s++) {
      at = Math.min(ctx.startTime, at + Math.floor(r.next() * Math.min(room, 36 * HOUR_MS)) + MINUTE_MS);
      step(ctx, kind, t, r, at, false);
    }
  }
  const versions = state?.version ?? 0;
  for (let v = 1; v <= versions; v++) {
    const at = state?.versionMs[v - 1] ?? state?.updatedMs ?? createdMs;
    step(ctx, kind, t, rngFor(ctx.seed, kind, 'version', key, v), at, key > 0 && kind === 'incident');
  }
  return t;
}

function step(ctx: TenantContext, kind: 'incident' | 'alert', t: Triage, r: Rng, at: number, mayRedirect: boolean): void {
  const analyst = ctx.userBasics(r.pick(ctx.adminKeys));
  t.lastUpdateMs = at;
  if (t.status === 'active' || t.status === 'new') {
    if (mayRedirect && r.chance(0.05)) {
      t.status = 'redirected';
      t.redirected = true;
      return;
    }
    t.status = 'inProgress';
    t.assignedTo = analyst.userPrincipalName;
    if (r.chance(0.6)) t.comments.push(comment(r.pick(PROGRESS_NOTES), analyst.displayName, at));
  } else if (t.status === 'inProgress') {
    t.status = 'resolved';
    t.resolvedMs = at;
    t.assignedTo ??= analyst.userPrincipalName;
    const c = r.weighted([['truePositive', 5], ['falsePositive', 2], ['informationalExpectedActivity', 2]] as const);
    t.classification = c;
    t.determination = c === 'truePositive' ? r.pick(TRUE_POSITIVE) : c === 'falsePositive' ? r.pick(FALSE_POSITIVE) : r.pick(EXPECTED);
    t.comments.push(comment(r.pick(RESOLVE_NOTES), analyst.displayName, at));
  } else if (t.status === 'resolved' && r.chance(0.3)) {
    // Reopened: new evidence arrived after closing.
    t.status = kind === 'incident' ? 'active' : 'new';
    t.resolvedMs = null;
    t.comments.push(comment('Reopened: related activity seen again.', analyst.displayName, at));
  } else {
    t.comments.push(comment(r.pick(PROGRESS_NOTES), analyst.displayName, at));
  }
}

function comment(text: string, by: string, at: number): Triage['comments'][number] {
  return { comment: text, createdByDisplayName: by, createdDateTime: graphTime(at) };
}
