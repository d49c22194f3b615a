// Issue 7 end to end on generated data: a default simulated tenant's own records (src/simulator/data, with the attack
// stories of attack-scenarios.ts) make every built-in rule raise an alert, also when only the first collection's
// records are read, and the stories do not leak into alerts everywhere.
import { describe, expect, it } from 'vitest';
import { checkById } from '../../src/checks/all-checks.ts';
import type { CheckId } from '../../src/core/check-ids.ts';
import { DetectionEngine } from '../../src/detections/engine.ts';
import type { Alert } from '../../src/detections/engine.ts';
import { BUILT_IN_RULES } from '../../src/detections/rules/index.ts';
import { normalize } from '../../src/normalize/normalizers.ts';
import type { Signal } from '../../src/signals/signal.ts';
import { createTenantDataset } from '../../src/simulator/data/create-tenant-dataset.ts';
import type { TenantDataset } from '../../src/simulator/data/dataset.ts';
import { stableGuid } from '../../src/simulator/sim-tenant.ts';

type Rec = Record<string, unknown>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Users first: their signals carry the collection time, so the engine's clock jumps to "now" before the rest. */
const CHECKS: CheckId[] = [
  'users',
  'auditLogs.signIns',
  'auditLogs.directoryAudits',
  'security.incidents',
  'security.alerts_v2',
  'identityProtection.riskDetections',
  'identityProtection.riskyUsers',
  'security.secureScores',
];

/** The property each time-window check's first run filters on (ge now - lookback); see src/checks/*.ts. */
const CURSOR_PROPERTY: Partial<Record<CheckId, string>> = {
  'auditLogs.signIns': 'createdDateTime',
  'auditLogs.directoryAudits': 'activityDateTime',
  'security.incidents': 'lastUpdateDateTime',
  'security.alerts_v2': 'lastUpdateDateTime',
  'identityProtection.riskDetections': 'lastUpdatedDateTime',
  'identityProtection.riskyUsers': 'riskLastUpdatedDateTime',
};

interface Tenant {
  name: string;
  seed: string | number;
  start: number;
  dataset: TenantDataset;
}

/** A tenant as the simulator makes it by default (startSimulator/createSimTenant): default volumes, 7 days of history. */
function defaultTenant(name: string, seed: string | number, start: number): Tenant {
  const tenantId = stableGuid('tenant', seed, name);
  return { name, seed, start, dataset: createTenantDataset({ seed, tenantId, domain: `${name}.onmicrosoft.com`, startTime: start, historyMs: 7 * DAY, volume: {} }) };
}

const TENANTS: Tenant[] = [
  defaultTenant('contoso', 1, Date.UTC(2026, 10, 23, 15, 20, 0)),
  defaultTenant('fabrikam', 'scenarios', Date.UTC(2026, 2, 2, 3, 45, 0)),
];

interface Item {
  signal: Signal;
  raw: Rec;
}

/** Every record of a check as JSON delivers it, made into the signal ingest would store (the check's own keyOf). */
function items(t: Tenant, check: CheckId, now: number): Item[] {
  const d = t.dataset.endpoint(check);
  const out: Item[] = [];
  for (let i = 0; i < d.size(); i++) {
    const text = JSON.stringify(d.render(i));
    const raw = JSON.parse(text) as Rec;
    const key = checkById(check).keyOf(raw, text, now);
    const tenantId = stableGuid('tenant', t.seed, t.name);
    out.push({ raw, signal: normalize(raw, { integration: t.name, tenantId, check, recordId: key.id, version: key.version, time: key.time }) });
  }
  return out;
}

function evaluate(list: readonly Item[]): Alert[] {
  const engine = new DetectionEngine({ rules: BUILT_IN_RULES });
  const alerts = new Map<string, Alert>();
  // Absorbed matches come back as updates of the same alert id: keep the latest.
  for (const it of list) for (const a of engine.evaluate(it.signal, it.raw)) alerts.set(a.id, a);
  return [...alerts.values()];
}

function silentRules(alerts: readonly Alert[]): string[] {
  const fired = new Set(alerts.map((a) => a.ruleId));
  return BUILT_IN_RULES.map((r) => r.id).filter((id) => !fired.has(id));
}

function groupsOf(alerts: readonly Alert[], ruleId: string): Set<string> {
  return new Set(alerts.filter((a) => a.ruleId === ruleId).map((a) => a.groupKey));
}

describe('built-in rules on a default simulated tenant', () => {
  for (const t of TENANTS) {
    describe(`${t.name} (seed ${String(t.seed)})`, () => {
      const now = t.start + 5 * 60_000;
      const all = CHECKS.flatMap((c) => items(t, c, now)).sort((a, b) => Date.parse(a.signal.time) - Date.parse(b.signal.time));
      const alerts = evaluate(all);

      it('raises at least one alert of every built-in rule from the whole history, in time order', () => {
        const silent = silentRules(alerts);
        expect(silent, `rules without an alert: ${silent.join(', ')}`).toEqual([]);
      });

      it('raises every rule already from what a first collection reads (24 h lookback, check by check)', () => {
        const firstRun: Item[] = [];
        for (const c of CHECKS) {
          let list = items(t, c, now);
          const prop = CURSOR_PROPERTY[c];
          // Secure score's first run asks for $top = lookback days + 1: today's and yesterday's score.
          if (c === 'security.secureScores') list = list.slice(-2);
          else if (prop !== undefined) {
            list = list.filter((it) => Date.parse(String(it.raw[prop])) >= now - DAY).sort((a, b) => Date.parse(String(a.raw[prop])) - Date.parse(String(b.raw[prop])));
          }
          firstRun.push(...list);
        }
        expect(firstRun.length).toBeLessThan(all.length);
        const silent = silentRules(evaluate(firstRun));
        expect(silent, `rules without an alert in the first collection: ${silent.join(', ')}`).toEqual([]);
      });

      it('keeps the attack stories to a handful of alerts (they do not leak into every user or address)', () => {
        const bruteForce = groupsOf(alerts, 'brute-force');
        const spray = groupsOf(alerts, 'password-spray');
        const fatigue = groupsOf(alerts, 'mfa-fatigue');
        const throwaway = groupsOf(alerts, 'user-created-and-deleted');
        expect(bruteForce.size).toBeGreaterThanOrEqual(1);
        expect(bruteForce.size).toBeLessThanOrEqual(2);
        expect(spray.size).toBeLessThanOrEqual(2);
        expect(fatigue.size).toBeLessThanOrEqual(2);
        expect(throwaway.size).toBeLessThanOrEqual(2);
        // The stories' victims are distinct people: brute force, spray and MFA fatigue are not one user's sign-ins.
        for (const u of fatigue) expect(bruteForce.has(u)).toBe(false);
        // The spray is one address against many users, each failing once: not a brute force against any of them.
        const sprayAlert = alerts.find((a) => a.ruleId === 'password-spray')!;
        expect(Number(sprayAlert.fields.distinct)).toBeGreaterThanOrEqual(5);
        expect(Number(sprayAlert.fields.count)).toBe(Number(sprayAlert.fields.distinct));
      });

      it('quotes users that exist in the tenant in the sign-in stories\' alerts', () => {
        const upns = new Set<string>();
        const d = t.dataset.endpoint('users');
        for (let i = 0; i < d.size(); i++) upns.add(String(d.render(i).userPrincipalName));
        for (const ruleId of ['brute-force', 'mfa-fatigue', 'account-lockout', 'impossible-travel', 'legacy-protocol-sign-in', 'risky-sign-in-succeeded']) {
          for (const a of alerts.filter((x) => x.ruleId === ruleId)) expect(upns.has(String(a.fields.user)), `${ruleId}: ${String(a.fields.user)}`).toBe(true);
        }
      });
    });
  }

  it('keeps attacking a live tenant now and then: new sign-ins raise brute force, spray or MFA fatigue alerts', () => {
    const t = defaultTenant('live', 'live-attacks', Date.UTC(2026, 4, 4, 8, 0, 0));
    const signIns = t.dataset.endpoint('auditLogs.signIns');
    const backfill = signIns.size();
    // Two simulated days at 2 records a minute, read every 10 minutes as a collector would make it tick.
    for (let now = t.start; now <= t.start + 2 * DAY; now += 10 * 60_000) t.dataset.tick(now, 2);
    expect(signIns.size() - backfill).toBeGreaterThan(3000);
    const live = items(t, 'auditLogs.signIns', t.start + 2 * DAY).filter((it) => Date.parse(it.signal.time) > t.start);
    const alerts = evaluate(live.sort((a, b) => Date.parse(a.signal.time) - Date.parse(b.signal.time)));
    const attacks = ['brute-force', 'password-spray', 'mfa-fatigue'].reduce((n, id) => n + groupsOf(alerts, id).size, 0);
    // About one attack per 6 simulated hours: several in two days, not one per tick.
    expect(attacks).toBeGreaterThanOrEqual(2);
    expect(attacks).toBeLessThanOrEqual(20);
  });

  it('stages no stories in a tenant too small to hide them (40 sign-ins, a few audits)', () => {
    const start = Date.UTC(2026, 10, 23, 15, 20, 0);
    const small: Tenant = {
      name: 'small',
      seed: 1,
      start,
      dataset: createTenantDataset({ seed: 1, tenantId: stableGuid('tenant', 1, 'small'), domain: 'small.onmicrosoft.com', startTime: start, historyMs: 7 * DAY, volume: { 'auditLogs.signIns': 40, 'auditLogs.directoryAudits': 10 } }),
    };
    const alerts = evaluate(CHECKS.flatMap((c) => items(small, c, start)).sort((a, b) => Date.parse(a.signal.time) - Date.parse(b.signal.time)));
    for (const id of ['brute-force', 'password-spray', 'mfa-fatigue', 'user-created-and-deleted']) expect(groupsOf(alerts, id).size, id).toBe(0);
  });
});
