// DetectionEngine: runs every enabled rule on each signal, in ingest order, and returns the alerts it raises.
//
// Time is the signal's own time, never the wall clock: an event that arrives late still lands in the window it
// belongs to, and replaying the same signals gives the same alerts. State (sliding windows, dedupe windows, rule
// memory) is scoped per (rule, integration, key), expires against the newest signal time seen of that integration in
// the checks the rule watches (one clock per integration and check: the signal stage feeds checks interleaved, and
// a users record stamped "now" must not age out the windows of sign-ins backfilled from last week), and
// round-trips through snapshot()/restore() as plain JSON so the caller can persist it across restarts.
import { z } from 'zod';
import { SEVERITIES } from '../signals/signal.ts';
import type { Severity, Signal } from '../signals/signal.ts';
import type { JsonValue } from '../store/store.ts';
import { applyRuleSettings, renderTitle } from './rule.ts';
import type { AlertFields, EffectiveRule, MatchResult, RawRecord, Rule, RuleMemory } from './rule.ts';

/** Names one stored record version: what an alert points back to. */
export interface SignalRef {
  integration: string;
  check: string;
  recordId: string;
  version: string;
}

export interface Alert {
  /** Stable across absorbed updates: the caller upserts by id. */
  id: string;
  ruleId: string;
  title: string;
  severity: Severity;
  /** The time of the signal that raised it (ISO 8601). */
  time: string;
  groupKey: string;
  integration: string;
  signals: SignalRef[];
  /** Matches folded into this alert by the dedupe window after it was raised. */
  absorbed: number;
  status: 'open';
  fields: AlertFields;
}

export interface EngineOptions {
  rules: readonly Rule[];
  /** Per-installation tunables by rule id (validated: every problem is listed at once). */
  settings?: unknown;
  /** Keep at most this many events per window group (the oldest go first); bounds memory under a flood. */
  maxEventsPerGroup?: number;
  /**
   * How late (behind the newest signal time seen) an event may arrive and still meet the events of its window:
   * window and dedupe state is kept this much longer than the window itself. Entra delivers sign-ins and audits
   * minutes late as a rule; default one hour.
   */
  allowedLatenessMs?: number;
}

// Sweeps only bound memory (what is past matching is ignored when read): in a backfill a minute of signal time holds
// a handful of signals, and sweeping every minute of it cost more than the rules themselves.
const SWEEP_EVERY_MS = 600_000;
const MEMORY_SWEEP_EVERY_MS = 3_600_000;

/** An alert keeps at most this many matched signals; the rest are counted in `absorbed` or the window count. */
const MAX_ALERT_SIGNALS = 50;

interface WindowEvent {
  t: number;
  d: string | null;
  ref: SignalRef;
}

interface DedupeEntry {
  alert: Alert;
  /** Time (ms) of the signal that raised the alert; matches within dedupeWindowMs of it are absorbed. */
  t: number;
}

interface MemoryEntry {
  t: number;
  v: JsonValue;
}

const refSchema = z.object({ integration: z.string(), check: z.string(), recordId: z.string(), version: z.string() });
const jsonSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonSchema), z.record(z.string(), jsonSchema)]),
);
const snapshotSchema = z.object({
  version: z.literal(1),
  watermark: z.number(),
  windows: z.array(z.object({ rule: z.string(), key: z.string(), events: z.array(z.object({ t: z.number(), d: z.string().nullable(), ref: refSchema })) })),
  dedupe: z.array(
    z.object({
      rule: z.string(),
      key: z.string(),
      t: z.number(),
      alert: z.object({
        id: z.string(),
        ruleId: z.string(),
        title: z.string(),
        severity: z.enum(SEVERITIES),
        time: z.string(),
        groupKey: z.string(),
        integration: z.string(),
        signals: z.array(refSchema),
        absorbed: z.number(),
        status: z.literal('open'),
        fields: z.record(z.string(), jsonSchema),
      }),
    }),
  ),
  memory: z.array(z.object({ rule: z.string(), key: z.string(), t: z.number(), v: jsonSchema })),
  /** Newest signal time per integration and check (absent in snapshots written before the clocks existed). */
  clocks: z.array(z.object({ integration: z.string(), check: z.string(), t: z.number() })).optional(),
});
export type EngineSnapshot = z.infer<typeof snapshotSchema>;

function refOf(s: Signal): SignalRef {
  return { integration: s.integration, check: s.check, recordId: s.recordId, version: s.version };
}

function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Scopes a rule's key to one integration: two tenants never share a window, a dedupe entry or a memory. */
function scoped(integration: string, key: string): string {
  return `${integration}\u0000${key}`;
}

function integrationOf(scopedKey: string): string {
  return scopedKey.slice(0, scopedKey.indexOf('\u0000'));
}

export class DetectionEngine {
  private readonly effective: EffectiveRule[];
  private readonly byCheck = new Map<string, EffectiveRule[]>();
  private readonly maxEventsPerGroup: number;
  /** rule id → scoped key → events sorted by time. */
  private readonly windows = new Map<string, Map<string, WindowEvent[]>>();
  private readonly dedupe = new Map<string, Map<string, DedupeEntry>>();
  private readonly memory = new Map<string, Map<string, MemoryEntry>>();
  private watermark = Number.NEGATIVE_INFINITY;
  /** Newest signal time per `integration\0check`: what state of that integration's rules expires against. */
  private readonly clocks = new Map<string, number>();
  /** Signal time (ms) of the last sweep of window/dedupe state, and of memory. */
  private lastSweep = Number.NEGATIVE_INFINITY;
  private lastMemorySweep = Number.NEGATIVE_INFINITY;
  private readonly latenessMs: number;
  /** Rules that threw, by id: a broken rule must not stop ingest, but it must be visible. */
  readonly errors = new Map<string, number>();

  constructor(opts: EngineOptions) {
    this.effective = applyRuleSettings(opts.rules, opts.settings ?? {});
    this.maxEventsPerGroup = opts.maxEventsPerGroup ?? 10_000;
    this.latenessMs = Math.max(0, opts.allowedLatenessMs ?? 3_600_000);
    for (const e of this.effective) {
      if (!e.enabled) continue;
      for (const c of e.rule.checks) {
        const list = this.byCheck.get(c) ?? [];
        list.push(e);
        this.byCheck.set(c, list);
      }
    }
  }

  /** The enabled rules with their effective tunables. */
  rules(): readonly EffectiveRule[] {
    return this.effective.filter((e) => e.enabled);
  }

  /**
   * Runs the rules that watch the signal's check. Returns new alerts and, for matches a dedupe window absorbed,
   * the updated alert (same id, absorbed + 1): callers upsert by id.
   */
  evaluate(signal: Signal, raw: RawRecord): Alert[] {
    const rules = this.byCheck.get(signal.check);
    const t = Date.parse(signal.time);
    if (rules === undefined || !Number.isFinite(t)) return [];
    const clock = `${signal.integration}\u0000${signal.check}`;
    if (t > (this.clocks.get(clock) ?? Number.NEGATIVE_INFINITY)) this.clocks.set(clock, t);
    if (t > this.watermark) {
      this.watermark = t;
      this.sweepIfDue();
    }
    const out: Alert[] = [];
    for (const e of rules) {
      let alert: Alert | null = null;
      try {
        alert = this.evaluateRule(e, signal, raw, t);
      } catch {
        this.errors.set(e.rule.id, (this.errors.get(e.rule.id) ?? 0) + 1);
      }
      if (alert !== null) out.push(alert);
    }
    return out;
  }

  /**
   * Expiry runs as signal time advances, not per signal: windows and dedupe entries every ten minutes of signal time
   * (they are the state that grows with traffic), rule memory every hour (entries live days). Reads already ignore
   * what expired (measureWindow, openAlert, memory's get), so sweeping is only about size.
   */
  private sweepIfDue(): void {
    const now = this.watermark;
    if (now - this.lastSweep >= SWEEP_EVERY_MS) {
      this.lastSweep = now;
      this.expireWindows();
    }
    if (now - this.lastMemorySweep >= MEMORY_SWEEP_EVERY_MS) {
      this.lastMemorySweep = now;
      this.expireMemory();
    }
  }

  private evaluateRule(e: EffectiveRule, signal: Signal, raw: RawRecord, t: number): Alert | null {
    const rule = e.rule;
    const m = rule.match(signal, raw, this.memoryFor(rule, signal.integration, t));
    if (m === false || m === null) return null;
    const matched: MatchResult = m === true ? { key: signal.recordId } : m;
    const fields: AlertFields = { ...(matched.fields ?? {}) };
    let key = matched.key;
    let refs: SignalRef[] = [refOf(signal)];
    if (e.threshold !== null) {
      const group = e.threshold.groupBy(signal, raw);
      if (group === null) return null;
      const distinct = e.threshold.distinct === undefined ? null : e.threshold.distinct(signal, raw);
      if (e.threshold.distinct !== undefined && distinct === null) return null;
      key = group;
      const sk = scoped(signal.integration, group);
      const ev: WindowEvent = { t, d: distinct, ref: refOf(signal) };
      const events = this.insertInWindow(e, sk, ev);
      // While an alert for the group is open, every further match is absorbed into it: no need to measure the
      // window again (which would cost a sweep per event during a flood).
      if (this.openAlert(e, sk, t) === undefined) {
        const hit = this.measureWindow(e, events, ev, this.ruleNow(e.rule, signal.integration) - e.threshold.windowMs - this.latenessMs);
        if (hit === null) return null;
        fields.count = hit.count;
        if (e.threshold.distinct !== undefined) fields.distinct = hit.distinct;
        refs = hit.refs;
      }
    }
    const severity = matched.severity ?? e.severity;
    if (severityRank(severity) < severityRank(e.minSeverity)) return null;
    return this.raise(e, signal, t, key, fields, severity, refs);
  }

  /** The open (not yet expired) dedupe entry of a key at time t, if any. */
  private openAlert(e: EffectiveRule, sk: string, t: number): DedupeEntry | undefined {
    const open = this.dedupe.get(e.rule.id)?.get(sk);
    return open !== undefined && Math.abs(t - open.t) <= e.dedupeWindowMs ? open : undefined;
  }

  /** Inserts the event in time order (late events land in their place) and returns the group's events. */
  private insertInWindow(e: EffectiveRule, groupKey: string, ev: WindowEvent): WindowEvent[] {
    let groups = this.windows.get(e.rule.id);
    if (groups === undefined) this.windows.set(e.rule.id, (groups = new Map()));
    let events = groups.get(groupKey);
    if (events === undefined) groups.set(groupKey, (events = []));
    let i = events.length;
    while (i > 0 && events[i - 1]!.t > ev.t) i--;
    events.splice(i, 0, ev);
    if (events.length > this.maxEventsPerGroup) events.splice(0, events.length - this.maxEventsPerGroup);
    return events;
  }

  /**
   * Whether some window containing ev reaches the threshold, with that window's count, distinct count and signals.
   * Events before `oldest` (the rule's newest time minus the window and the allowed lateness) are past matching,
   * whether or not a sweep has removed them yet: sweeps only bound memory, so they can run seldom.
   */
  private measureWindow(e: EffectiveRule, events: readonly WindowEvent[], ev: WindowEvent, oldest: number): { count: number; distinct: number; refs: SignalRef[] } | null {
    const th = e.threshold!;
    if (ev.t < oldest) return null;
    // Candidate windows [start, start + W] must contain the new event: starts from ev.t - W up to ev.t. A late event
    // can complete a window whose other events came earlier in ingest order but later in time.
    // One sweep with two pointers: each start s (from ev.t - W up to ev.t) extends its end j while events stay within
    // W of it, keeping a count per distinct value, so the check is linear in the events near ev.t.
    const W = th.windowMs;
    const from = Math.max(ev.t - W, oldest);
    // Binary search for the first event within W before ev (and not past matching).
    let s = 0;
    for (let hi = events.length; s < hi; ) {
      const mid = (s + hi) >>> 1;
      if (events[mid]!.t < from) s = mid + 1;
      else hi = mid;
    }
    const perValue = new Map<string | null, number>();
    let j = s;
    for (; s < events.length && events[s]!.t <= ev.t; s++) {
      const start = events[s]!.t;
      while (j < events.length && events[j]!.t <= start + W) {
        const d = events[j]!.d;
        perValue.set(d, (perValue.get(d) ?? 0) + 1);
        j++;
      }
      const count = j - s;
      const measure = th.distinct === undefined ? count : perValue.size;
      if (measure >= th.count) {
        return { count, distinct: perValue.size, refs: events.slice(Math.max(s, j - MAX_ALERT_SIGNALS), j).map((x) => x.ref) };
      }
      const d = events[s]!.d;
      const left = (perValue.get(d) ?? 1) - 1;
      if (left === 0) perValue.delete(d);
      else perValue.set(d, left);
    }
    return null;
  }

  private raise(e: EffectiveRule, signal: Signal, t: number, key: string, fields: AlertFields, severity: Severity, refs: SignalRef[]): Alert | null {
    const sk = scoped(signal.integration, key);
    let entries = this.dedupe.get(e.rule.id);
    if (entries === undefined) this.dedupe.set(e.rule.id, (entries = new Map()));
    const open = this.openAlert(e, sk, t);
    if (open !== undefined) {
      open.alert.absorbed += 1;
      const ref = refOf(signal);
      if (open.alert.signals.length < MAX_ALERT_SIGNALS && !open.alert.signals.some((r) => sameRef(r, ref))) open.alert.signals.push(ref);
      return structuredClone(open.alert);
    }
    const time = new Date(t).toISOString();
    const alert: Alert = {
      id: `${e.rule.id}:${signal.integration}:${key}:${time}`,
      ruleId: e.rule.id,
      title: renderTitle(e.rule.alertTitle, fields),
      severity,
      time,
      groupKey: key,
      integration: signal.integration,
      signals: refs,
      absorbed: 0,
      status: 'open',
      fields,
    };
    if (e.dedupeWindowMs > 0) entries.set(sk, { alert: structuredClone(alert), t });
    return alert;
  }

  private memoryFor(rule: Rule, integration: string, t: number): RuleMemory {
    const ttl = rule.memoryTtlMs;
    const all = this.memory;
    const table = (): Map<string, MemoryEntry> => {
      let m = all.get(rule.id);
      if (m === undefined) all.set(rule.id, (m = new Map()));
      return m;
    };
    let now: number | undefined;
    const stale = (entry: MemoryEntry): boolean => entry.t < (now ??= this.ruleNow(rule, integration)) - ttl;
    return {
      get: (key) => {
        const entry = all.get(rule.id)?.get(scoped(integration, key));
        return entry === undefined || stale(entry) ? undefined : entry.v;
      },
      set: (key, value) => {
        if (ttl > 0) table().set(scoped(integration, key), { t, v: value });
      },
      delete: (key) => {
        all.get(rule.id)?.delete(scoped(integration, key));
      },
    };
  }

  /**
   * Drops state nothing can match any more: window events and dedupe entries older than their window plus the
   * allowed lateness (memory is expireMemory's, past each rule's time to live).
   */
  private expireWindows(): void {
    for (const e of this.effective) {
      const id = e.rule.id;
      const groups = this.windows.get(id);
      const nowOf = this.ruleClock(e.rule);
      if (groups !== undefined && e.threshold !== null) {
        for (const [k, events] of groups) {
          const cutoff = nowOf(k) - e.threshold.windowMs - this.latenessMs;
          let n = 0;
          while (n < events.length && events[n]!.t < cutoff) n++;
          if (n === events.length) groups.delete(k);
          else if (n > 0) events.splice(0, n);
        }
      }
      const entries = this.dedupe.get(id);
      if (entries !== undefined) {
        for (const [k, d] of entries) if (d.t < nowOf(k) - e.dedupeWindowMs - this.latenessMs) entries.delete(k);
      }
    }
  }

  private expireMemory(): void {
    for (const e of this.effective) {
      const mem = this.memory.get(e.rule.id);
      const nowOf = this.ruleClock(e.rule);
      if (mem !== undefined) for (const [k, m] of mem) if (m.t < nowOf(k) - e.rule.memoryTtlMs) mem.delete(k);
    }
  }

  /** ruleNow by scoped key, computed once per integration: a sweep visits every group of every rule. */
  private ruleClock(rule: Rule): (scopedKey: string) => number {
    const byIntegration = new Map<string, number>();
    return (scopedKey) => {
      const integration = integrationOf(scopedKey);
      let now = byIntegration.get(integration);
      if (now === undefined) byIntegration.set(integration, (now = this.ruleNow(rule, integration)));
      return now;
    };
  }

  /** The newest signal time of `integration` among the checks the rule watches. */
  private ruleNow(rule: Rule, integration: string): number {
    let now = Number.NEGATIVE_INFINITY;
    for (const check of rule.checks) now = Math.max(now, this.clocks.get(`${integration}\u0000${check}`) ?? Number.NEGATIVE_INFINITY);
    return now;
  }

  /**
   * The engine's state as JSON. Taken after every batch of the signal stage, so it does no work of its own: expired
   * entries were already dropped by the sweep as signal time advanced (at most a minute of signal time ago), and the
   * alerts and memory values are the engine's own objects, not copies: serialize the snapshot before the next
   * evaluate() (the stage stores it before it evaluates again).
   */
  snapshot(): EngineSnapshot {
    return {
      version: 1,
      watermark: Number.isFinite(this.watermark) ? this.watermark : 0,
      windows: [...this.windows].flatMap(([rule, groups]) =>
        [...groups].map(([key, events]) => ({ rule, key, events: events.map((x) => ({ t: x.t, d: x.d, ref: { ...x.ref } })) })),
      ),
      dedupe: [...this.dedupe].flatMap(([rule, entries]) => [...entries].map(([key, d]) => ({ rule, key, t: d.t, alert: d.alert }))),
      memory: [...this.memory].flatMap(([rule, entries]) => [...entries].map(([key, m]) => ({ rule, key, t: m.t, v: m.v }))),
      clocks: [...this.clocks].map(([k, t]) => ({ integration: integrationOf(k), check: k.slice(k.indexOf('\u0000') + 1), t })),
    };
  }

  /** Replaces the state with a snapshot's; state of rules this installation no longer has is dropped. */
  restore(snapshot: unknown): void {
    const parsed = snapshotSchema.safeParse(snapshot);
    if (!parsed.success) throw new Error(`invalid detection state snapshot: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const s = parsed.data;
    const known = new Set(this.effective.map((e) => e.rule.id));
    this.windows.clear();
    this.dedupe.clear();
    this.memory.clear();
    this.clocks.clear();
    for (const c of s.clocks ?? []) this.clocks.set(`${c.integration}\u0000${c.check}`, c.t);
    this.watermark = s.windows.length + s.dedupe.length + s.memory.length === 0 && s.watermark === 0 ? Number.NEGATIVE_INFINITY : s.watermark;
    for (const w of s.windows) {
      if (!known.has(w.rule)) continue;
      let groups = this.windows.get(w.rule);
      if (groups === undefined) this.windows.set(w.rule, (groups = new Map()));
      groups.set(w.key, [...w.events].sort((a, b) => a.t - b.t));
    }
    for (const d of s.dedupe) {
      if (!known.has(d.rule)) continue;
      let entries = this.dedupe.get(d.rule);
      if (entries === undefined) this.dedupe.set(d.rule, (entries = new Map()));
      entries.set(d.key, { t: d.t, alert: d.alert });
    }
    for (const m of s.memory) {
      if (!known.has(m.rule)) continue;
      let entries = this.memory.get(m.rule);
      if (entries === undefined) this.memory.set(m.rule, (entries = new Map()));
      entries.set(m.key, { t: m.t, v: m.v });
    }
  }
}

function sameRef(a: SignalRef, b: SignalRef): boolean {
  return a.integration === b.integration && a.check === b.check && a.recordId === b.recordId && a.version === b.version;
}
