import { describe, expect, it } from 'vitest';
import { defenderAlertPassthrough } from '../../src/detections/rules/defender-alert-passthrough.ts';
import { defenderIncidentPassthrough } from '../../src/detections/rules/defender-incident-passthrough.ts';
import { DetectionEngine } from '../../src/detections/engine.ts';
import { records, run } from './detection-fixtures.ts';

type R = Record<string, unknown>;
const RANK = ['informational', 'low', 'medium', 'high', 'critical'];
const atLeastMedium = (r: R): boolean => RANK.indexOf(String(r.severity).toLowerCase()) >= 2;

describe('defender-alert-passthrough', () => {
  const alerts = records('security.alerts_v2');

  it('passes every open simulator alert of medium severity or more through with its severity and evidence', () => {
    const open = alerts.filter((r) => r.status !== 'resolved');
    const expected = open.filter(atLeastMedium);
    expect(expected.length).toBeGreaterThan(0);
    const out = run([defenderAlertPassthrough], alerts.map((record) => ({ check: 'security.alerts_v2' as const, record })));
    expect(out.map((a) => a.groupKey).sort()).toEqual(expected.map((r) => r.id as string).sort());
    for (const a of out) {
      const src = expected.find((r) => r.id === a.groupKey)!;
      expect(a.severity).toBe(String(src.severity).toLowerCase());
      expect(a.title).toBe(`Defender alert: ${src.title as string} (${a.severity})`);
      expect(Array.isArray(a.fields.evidence)).toBe(true);
      expect((a.fields.evidence as unknown[]).length).toBe((src.evidence as unknown[]).length);
    }
  });

  it('is silent on resolved alerts and on low or informational ones, unless minSeverity is lowered', () => {
    const low = alerts.find((r) => r.severity === 'low' && r.status !== 'resolved');
    expect(low).toBeDefined();
    expect(run([defenderAlertPassthrough], [{ check: 'security.alerts_v2', record: low! }])).toHaveLength(0);
    const tuned = new DetectionEngine({ rules: [defenderAlertPassthrough], settings: { 'defender-alert-passthrough': { minSeverity: 'low' } } });
    expect(run([defenderAlertPassthrough], [{ check: 'security.alerts_v2', record: low! }], tuned)).toHaveLength(1);
    const resolved = { ...alerts.find(atLeastMedium)!, status: 'resolved' };
    expect(run([defenderAlertPassthrough], [{ check: 'security.alerts_v2', record: resolved }])).toHaveLength(0);
  });

  it('absorbs a new version of the same alert instead of raising it again', () => {
    const a = alerts.find((r) => atLeastMedium(r) && r.status !== 'resolved')!;
    const next = { ...a, status: 'inProgress', lastUpdateDateTime: '2026-11-05T10:00:00.0000000Z' };
    const out = run([defenderAlertPassthrough], [{ check: 'security.alerts_v2', record: a }, { check: 'security.alerts_v2', record: next }]);
    expect(out.map((x) => [x.id, x.absorbed])).toEqual([
      [out[0]!.id, 0],
      [out[0]!.id, 1],
    ]);
  });
});

describe('defender-incident-passthrough', () => {
  const incidents = records('security.incidents');

  it('passes every open simulator incident of medium severity or more through, and nothing else', () => {
    const expected = incidents.filter((r) => r.status !== 'resolved' && atLeastMedium(r));
    expect(expected.length).toBeGreaterThan(0);
    const out = run([defenderIncidentPassthrough], incidents.map((record) => ({ check: 'security.incidents' as const, record })));
    expect(out.map((a) => a.groupKey).sort()).toEqual(expected.map((r) => r.id as string).sort());
    for (const a of out) expect(a.title).toMatch(/^Defender incident: .+ \((medium|high|critical)\)$/);
  });

  it('carries the evidence of the incident\'s expanded alerts', () => {
    const inc = incidents.find((r) => atLeastMedium(r) && r.status !== 'resolved')!;
    const withAlerts = { ...inc, alerts: records('security.alerts_v2').filter((a) => a.incidentId === inc.id) };
    const evidence = (withAlerts.alerts as R[]).reduce((n, a) => n + (a.evidence as unknown[]).length, 0);
    const [a] = run([defenderIncidentPassthrough], [{ check: 'security.incidents', record: withAlerts }]);
    expect((a!.fields.evidence as unknown[]).length).toBe(evidence);
  });
});
