// The engine on small synthetic rules: sliding windows (edges, late events), distinct counts, dedupe windows and
// absorbed counts, tenants kept apart, tunables, rule memory, and snapshot/restore giving the same alerts.
import { describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../src/detections/engine.ts';
import type { Alert } from '../../src/detections/engine.ts';
import { defineRule } from '../../src/detections/rule.ts';
import type { RawRecord, Rule } from '../../src/detections/rule.ts';
import type { Signal } from '../../src/signals/signal.ts';

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const MIN = 60_000;
let n = 0;

function sig(at: number, raw: RawRecord, integration = 'tenant-a'): { signal: Signal; raw: RawRecord } {
  n += 1;
  const signal: Signal = {
    integration,
    check: 'auditLogs.signIns',
    recordId: `r${n}`,
    version: 'v1',
    tenantId: 't',
    time: new Date(at).toISOString(),
    kind: 'sign_in',
    title: 'Sign-in',
    severity: 'low',
    outcome: 'failure',
    actor: null,
    targets: [],
    location: null,
    indicators: {},
    artifacts: [],
    text: '',
  };
  return { signal, raw };
}

const failuresPerUser = defineRule({
  id: 'test-failures',
  title: 'failures',
  description: 'test',
  severity: 'medium',
  checks: ['auditLogs.signIns'],
  threshold: { windowMs: 10 * MIN, count: 3, groupBy: (_s, raw) => (typeof raw.user === 'string' ? raw.user : null) },
  dedupeWindowMs: 30 * MIN,
  alertTitle: '{count} failures for {user}',
  match: (_s, raw) => ({ key: String(raw.user), fields: { user: raw.user as string } }),
});

const usersPerIp = defineRule({
  id: 'test-spray',
  title: 'spray',
  description: 'test',
  severity: 'high',
  checks: ['auditLogs.signIns'],
  threshold: {
    windowMs: 10 * MIN,
    count: 3,
    groupBy: (_s, raw) => (typeof raw.ip === 'string' ? raw.ip : null),
    distinct: (_s, raw) => (typeof raw.user === 'string' ? raw.user : null),
  },
  dedupeWindowMs: 0,
  alertTitle: '{distinct} users from {ip}',
  match: (_s, raw) => ({ key: String(raw.ip), fields: { ip: raw.ip as string } }),
});

const single = defineRule({
  id: 'test-single',
  title: 'single',
  description: 'test',
  severity: 'low',
  checks: ['auditLogs.signIns'],
  dedupeWindowMs: 10 * MIN,
  alertTitle: 'hit {user} {missing}',
  match: (_s, raw) => (raw.hit === true ? { key: String(raw.user), fields: { user: raw.user as string } } : false),
});

function feed(engine: DetectionEngine, events: Array<{ signal: Signal; raw: RawRecord }>): Alert[] {
  return events.flatMap((e) => engine.evaluate(e.signal, e.raw));
}

function engineOf(...rules: Rule[]): DetectionEngine {
  return new DetectionEngine({ rules });
}

describe('DetectionEngine', () => {
  it('fires when the count is reached within the window and reports the count and the matched signals', () => {
    const e = engineOf(failuresPerUser);
    const evs = [sig(T0, { user: 'u1' }), sig(T0 + MIN, { user: 'u1' }), sig(T0 + 2 * MIN, { user: 'u1' })];
    const alerts = feed(e, evs);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ ruleId: 'test-failures', title: '3 failures for u1', severity: 'medium', groupKey: 'u1', absorbed: 0, status: 'open', time: new Date(T0 + 2 * MIN).toISOString() });
    expect(alerts[0]!.signals.map((s) => s.recordId)).toEqual(evs.map((x) => x.signal.recordId));
  });

  it('counts events exactly windowMs apart together and one millisecond more apart separately', () => {
    expect(feed(engineOf(failuresPerUser), [sig(T0, { user: 'u' }), sig(T0 + 5 * MIN, { user: 'u' }), sig(T0 + 10 * MIN, { user: 'u' })])).toHaveLength(1);
    expect(feed(engineOf(failuresPerUser), [sig(T0, { user: 'u' }), sig(T0 + 5 * MIN, { user: 'u' }), sig(T0 + 10 * MIN + 1, { user: 'u' })])).toHaveLength(0);
  });

  it('stays silent one event below the count', () => {
    expect(feed(engineOf(failuresPerUser), [sig(T0, { user: 'u' }), sig(T0 + MIN, { user: 'u' })])).toHaveLength(0);
  });

  it('slides the window: old events stop counting as new ones arrive', () => {
    const e = engineOf(failuresPerUser);
    const alerts = feed(e, [sig(T0, { user: 'u' }), sig(T0 + 9 * MIN, { user: 'u' }), sig(T0 + 11 * MIN, { user: 'u' }), sig(T0 + 12 * MIN, { user: 'u' })]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.fields.count).toBe(3);
    expect(alerts[0]!.time).toBe(new Date(T0 + 12 * MIN).toISOString());
  });

  it('keeps groups apart: events of different users never add up', () => {
    expect(feed(engineOf(failuresPerUser), [sig(T0, { user: 'a' }), sig(T0 + MIN, { user: 'b' }), sig(T0 + 2 * MIN, { user: 'c' })])).toHaveLength(0);
  });

  it('keeps integrations apart: the same user key in two tenants never adds up', () => {
    const e = engineOf(failuresPerUser);
    expect(feed(e, [sig(T0, { user: 'u' }, 'a'), sig(T0 + MIN, { user: 'u' }, 'b'), sig(T0 + 2 * MIN, { user: 'u' }, 'a')])).toHaveLength(0);
  });

  it('puts a late event in the window of its own time', () => {
    const e = engineOf(failuresPerUser);
    // Ingest order: 08:00, 08:30, then 08:05 arriving late; 08:00 and 08:05 plus a 08:07 make three within 10 min.
    const alerts = feed(e, [sig(T0, { user: 'u' }), sig(T0 + 30 * MIN, { user: 'u' }), sig(T0 + 7 * MIN, { user: 'u' }), sig(T0 + 5 * MIN, { user: 'u' })]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.fields.count).toBe(3);
  });

  it('lets a late event complete a window whose other events came later in time', () => {
    const e = engineOf(failuresPerUser);
    const alerts = feed(e, [sig(T0 + 4 * MIN, { user: 'u' }), sig(T0 + 8 * MIN, { user: 'u' }), sig(T0, { user: 'u' })]);
    expect(alerts).toHaveLength(1);
  });

  it('counts distinct values, not events, when the threshold says distinct', () => {
    const e = engineOf(usersPerIp);
    const same = feed(e, [sig(T0, { ip: '1', user: 'a' }), sig(T0 + 1, { ip: '1', user: 'a' }), sig(T0 + 2, { ip: '1', user: 'b' }), sig(T0 + 3, { ip: '1', user: 'b' })]);
    expect(same).toHaveLength(0);
    const third = feed(e, [sig(T0 + 4, { ip: '1', user: 'c' })]);
    expect(third).toHaveLength(1);
    expect(third[0]).toMatchObject({ title: '3 users from 1', groupKey: '1' });
    expect(third[0]!.fields).toMatchObject({ distinct: 3, count: 5 });
  });

  it('raises one alert per key within the dedupe window and counts the events it absorbs', () => {
    const e = engineOf(single);
    const first = feed(e, [sig(T0, { user: 'u', hit: true })]);
    expect(first).toHaveLength(1);
    const again = feed(e, [sig(T0 + MIN, { user: 'u', hit: true }), sig(T0 + 10 * MIN, { user: 'u', hit: true })]);
    // Absorbed matches come back as updates of the same alert (same id), absorbed counting up.
    expect(again.map((a) => [a.id, a.absorbed])).toEqual([
      [first[0]!.id, 1],
      [first[0]!.id, 2],
    ]);
    expect(again[1]!.signals).toHaveLength(3);
    const after = feed(e, [sig(T0 + 10 * MIN + 1, { user: 'u', hit: true })]);
    expect(after).toHaveLength(1);
    expect(after[0]!.id).not.toBe(first[0]!.id);
    expect(after[0]!.absorbed).toBe(0);
  });

  it('deduplicates threshold alerts per group key', () => {
    const e = engineOf(failuresPerUser);
    const alerts = feed(e, Array.from({ length: 6 }, (_, i) => sig(T0 + i * MIN, { user: 'u' })));
    expect(alerts.filter((a) => a.absorbed === 0)).toHaveLength(1);
    expect(alerts.at(-1)!.absorbed).toBe(3);
  });

  it('renders a missing title field as a question mark', () => {
    expect(feed(engineOf(single), [sig(T0, { user: 'u', hit: true })])[0]!.title).toBe('hit u ?');
  });

  it('applies tunables: disabled rules are silent, count, window and severity are overridden', () => {
    const off = new DetectionEngine({ rules: [failuresPerUser], settings: { 'test-failures': { enabled: false } } });
    expect(feed(off, [sig(T0, { user: 'u' }), sig(T0 + 1, { user: 'u' }), sig(T0 + 2, { user: 'u' })])).toHaveLength(0);
    const tuned = new DetectionEngine({ rules: [failuresPerUser], settings: { 'test-failures': { count: 2, windowMs: MIN, severity: 'critical' } } });
    expect(feed(tuned, [sig(T0, { user: 'u' }), sig(T0 + 2 * MIN, { user: 'u' })])).toHaveLength(0);
    const alerts = feed(tuned, [sig(T0 + 3 * MIN, { user: 'u' })]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.severity).toBe('critical');
  });

  it('rejects bad settings listing every problem at once', () => {
    expect(() => new DetectionEngine({ rules: [failuresPerUser, single], settings: { nope: {}, 'test-single': { count: 3 } } })).toThrow(/nope: no such rule.*test-single: count and windowMs/);
    expect(() => new DetectionEngine({ rules: [failuresPerUser], settings: { 'test-failures': { count: 0, severity: 'huge' } } })).toThrow(/count.*severity|severity.*count/);
  });

  it('drops alerts below the minimum severity', () => {
    const e = new DetectionEngine({ rules: [single], settings: { 'test-single': { minSeverity: 'medium' } } });
    expect(feed(e, [sig(T0, { user: 'u', hit: true })])).toHaveLength(0);
  });

  it('counts a rule that throws and keeps evaluating the others', () => {
    const broken = defineRule({ ...single, id: 'test-broken', match: () => { throw new Error('boom'); } });
    const e = engineOf(broken, single);
    expect(feed(e, [sig(T0, { user: 'u', hit: true })])).toHaveLength(1);
    expect(e.errors.get('test-broken')).toBe(1);
  });

  it('keeps rule memory per integration and forgets it after its time to live', () => {
    const remember = defineRule({
      id: 'test-memory',
      title: 'm',
      description: 'm',
      severity: 'low',
      checks: ['auditLogs.signIns'],
      dedupeWindowMs: 0,
      memoryTtlMs: 10 * MIN,
      alertTitle: 'seen before',
      match: (_s, raw, memory) => {
        const seen = memory.get(String(raw.user)) === true;
        memory.set(String(raw.user), true);
        return seen ? { key: String(raw.user) } : false;
      },
    });
    const e = engineOf(remember);
    expect(feed(e, [sig(T0, { user: 'u' }, 'a'), sig(T0 + MIN, { user: 'u' }, 'b')])).toHaveLength(0);
    expect(feed(e, [sig(T0 + 2 * MIN, { user: 'u' }, 'a')])).toHaveLength(1);
    expect(feed(e, [sig(T0 + 30 * MIN, { user: 'u' }, 'b')])).toHaveLength(0);
  });

  it('gives the same alerts after snapshot and restore through JSON as without a restart', () => {
    const rules = [failuresPerUser, usersPerIp, single];
    const events = [
      sig(T0, { user: 'a', ip: '1' }),
      sig(T0 + MIN, { user: 'b', ip: '1', hit: true }),
      sig(T0 + 2 * MIN, { user: 'a', ip: '1' }),
      sig(T0 + 3 * MIN, { user: 'c', ip: '1' }),
      sig(T0 + 4 * MIN, { user: 'a', ip: '2', hit: true }),
      sig(T0 + 5 * MIN, { user: 'b', ip: '1', hit: true }),
      sig(T0 + 6 * MIN, { user: 'a', ip: '1' }),
      sig(T0 + 2 * MIN, { user: 'd', ip: '1' }),
    ];
    const straight = feed(engineOf(...rules), events);
    for (let cut = 0; cut <= events.length; cut++) {
      const first = engineOf(...rules);
      const before = feed(first, events.slice(0, cut));
      const saved = JSON.parse(JSON.stringify(first.snapshot())) as unknown;
      const second = engineOf(...rules);
      second.restore(saved);
      expect([...before, ...feed(second, events.slice(cut))]).toEqual(straight);
    }
    expect(straight.length).toBeGreaterThan(2);
  });

  it('expires window state older than the longest window, so the snapshot stays small', () => {
    const e = engineOf(failuresPerUser);
    feed(e, Array.from({ length: 50 }, (_, i) => sig(T0 + i, { user: `u${i}` })));
    expect(e.snapshot().windows).toHaveLength(50);
    feed(e, [sig(T0 + 2 * 60 * MIN, { user: 'z' })]); // past the 10 min window plus the default hour of lateness
    expect(e.snapshot().windows).toHaveLength(1);
  });

  it('refuses a snapshot that is not one', () => {
    expect(() => engineOf(single).restore({ version: 2 })).toThrow(/invalid detection state snapshot/);
  });

  it('ignores signals of checks no rule watches', () => {
    const s = sig(T0, { user: 'u', hit: true });
    expect(engineOf(single).evaluate({ ...s.signal, check: 'users' }, s.raw)).toEqual([]);
  });
});

describe('DetectionEngine lateness', () => {
  it('drops window events older than the window plus the allowed lateness', () => {
    const e = new DetectionEngine({ rules: [failuresPerUser], allowedLatenessMs: 0 });
    // With no lateness allowed, 08:00 is gone once 08:30 is seen: the late 08:05 and 08:07 make only two.
    expect(feed(e, [sig(T0, { user: 'u' }), sig(T0 + 30 * MIN, { user: 'u' }), sig(T0 + 7 * MIN, { user: 'u' }), sig(T0 + 5 * MIN, { user: 'u' })])).toHaveLength(0);
  });

  it('does not count events past the lateness between two sweeps either (sweeps only bound memory)', () => {
    const short = defineRule({ ...failuresPerUser, id: 'test-short-window', threshold: { ...failuresPerUser.threshold!, windowMs: 2 * MIN } });
    // 08:00 and 08:01, then 08:05 moves the rule's time on (less than a sweep interval later), then 08:01:30 arrives.
    const events = (): Array<{ signal: Signal; raw: RawRecord }> => [sig(T0, { user: 'u' }), sig(T0 + MIN, { user: 'u' }), sig(T0 + 5 * MIN, { user: 'v' }), sig(T0 + 1.5 * MIN, { user: 'u' })];
    // Without lateness, 08:01:30 is three minutes behind the window's reach (08:05 - 2 min): it meets nothing.
    expect(feed(new DetectionEngine({ rules: [short], allowedLatenessMs: 0 }), events())).toHaveLength(0);
    // Within the default hour of lateness the three failures of 08:00-08:02 make an alert.
    expect(feed(new DetectionEngine({ rules: [short] }), events())).toHaveLength(1);
  });
});

describe('DetectionEngine clocks per integration and check', () => {
  // The signal stage feeds checks interleaved in storage order: a users record stamped "now" may come before a
  // backfill of last week's sign-ins. Sign-in state must age against sign-in time only.
  const watchesUsers = defineRule({
    id: 'test-users',
    title: 'u',
    description: 'u',
    severity: 'low',
    checks: ['users'],
    dedupeWindowMs: 0,
    alertTitle: 'never',
    match: () => false,
  });

  function usersSignal(at: number): { signal: Signal; raw: RawRecord } {
    const s = sig(at, {});
    return { signal: { ...s.signal, check: 'users', kind: 'user' }, raw: s.raw };
  }

  it('keeps a sign-in window whole when a newer record of another check came first', () => {
    const e = new DetectionEngine({ rules: [failuresPerUser, watchesUsers], allowedLatenessMs: 0 });
    const weekAgo = T0 - 7 * 24 * 60 * MIN;
    // The second users record moves the newest time on by two minutes, which runs an expiry sweep.
    const alerts = feed(e, [usersSignal(T0), sig(weekAgo, { user: 'u' }), usersSignal(T0 + 2 * MIN), sig(weekAgo + 2 * MIN, { user: 'u' }), sig(weekAgo + 4 * MIN, { user: 'u' })]);
    expect(alerts).toHaveLength(1);
  });

  it('keeps rule memory against its own checks\' time, and restores the clocks from a snapshot', () => {
    const remember = defineRule({
      id: 'test-memory-clock',
      title: 'm',
      description: 'm',
      severity: 'low',
      checks: ['auditLogs.signIns'],
      dedupeWindowMs: 0,
      memoryTtlMs: 10 * MIN,
      alertTitle: 'seen before',
      match: (_s, raw, memory) => {
        const seen = memory.get(String(raw.user)) === true;
        memory.set(String(raw.user), true);
        return seen ? { key: String(raw.user) } : false;
      },
    });
    const e = new DetectionEngine({ rules: [remember, watchesUsers] });
    const dayAgo = T0 - 24 * 60 * MIN;
    expect(feed(e, [usersSignal(T0), sig(dayAgo, { user: 'u' })])).toHaveLength(0);
    const restored = new DetectionEngine({ rules: [remember, watchesUsers] });
    restored.restore(JSON.parse(JSON.stringify(e.snapshot())));
    expect(feed(restored, [sig(dayAgo + MIN, { user: 'u' })])).toHaveLength(1);
    expect(feed(restored, [sig(dayAgo + 30 * MIN, { user: 'v' }), sig(dayAgo + 45 * MIN, { user: 'u' })])).toHaveLength(0);
  });
});

describe('DetectionEngine under a flood', () => {
  it('bounds the events kept per group and still folds the flood into one alert', () => {
    const e = new DetectionEngine({ rules: [failuresPerUser], maxEventsPerGroup: 100 });
    const alerts = feed(e, Array.from({ length: 5_000 }, (_, i) => sig(T0 + i * 10, { user: 'u' })));
    expect(alerts.filter((a) => a.absorbed === 0)).toHaveLength(1);
    expect(alerts.at(-1)!.absorbed).toBe(5_000 - 3);
    expect(alerts.at(-1)!.signals.length).toBeLessThanOrEqual(50);
    expect(e.snapshot().windows[0]!.events.length).toBe(100);
  });
});
