import { describe, expect, it } from 'vitest';
import { highSeverityRiskDetection } from '../../src/detections/rules/high-severity-risk-detection.ts';
import { records, run } from './detection-fixtures.ts';

type R = Record<string, unknown>;
const detections = records('identityProtection.riskDetections');
const SEVERE = ['leakedCredentials', 'passwordSpray', 'adminConfirmedUserCompromised', 'investigationsThreatIntelligence', 'maliciousIPAddress'];
const active = (r: R): boolean => r.riskState === 'atRisk' || r.riskState === 'confirmedCompromised';

describe('high-severity-risk-detection', () => {
  it('fires on the simulator\'s active high or severe-type detections and on no others', () => {
    const expected = detections.filter((r) => active(r) && (r.riskLevel === 'high' || SEVERE.includes(r.riskEventType as string)));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.some((r) => r.riskEventType === 'leakedCredentials')).toBe(true);
    const out = run([highSeverityRiskDetection], detections.map((record) => ({ check: 'identityProtection.riskDetections' as const, record })));
    expect(out.map((a) => a.groupKey).sort()).toEqual(expected.map((r) => r.id as string).sort());
    for (const a of out) expect(a.title).toMatch(/^Risk detection \w+ \((low|medium|high)\) for .+$/);
  });

  it('fires on a password spray detection at medium level, and is silent on medium unfamiliar features', () => {
    const base = detections[0]!;
    expect(run([highSeverityRiskDetection], [{ check: 'identityProtection.riskDetections', record: { ...base, riskState: 'atRisk', riskLevel: 'medium', riskEventType: 'passwordSpray' } }])).toHaveLength(1);
    expect(run([highSeverityRiskDetection], [{ check: 'identityProtection.riskDetections', record: { ...base, riskState: 'atRisk', riskLevel: 'medium', riskEventType: 'unfamiliarFeatures' } }])).toHaveLength(0);
  });

  it('is silent on dismissed and remediated detections, whatever their level', () => {
    const base = detections[0]!;
    for (const riskState of ['dismissed', 'remediated']) {
      expect(run([highSeverityRiskDetection], [{ check: 'identityProtection.riskDetections', record: { ...base, riskState, riskLevel: 'high', riskEventType: 'leakedCredentials' } }])).toHaveLength(0);
    }
  });

  it('absorbs a new version of the same detection', () => {
    const base = { ...detections[0]!, riskState: 'atRisk', riskLevel: 'high' };
    const out = run([highSeverityRiskDetection], [{ check: 'identityProtection.riskDetections', record: base }, { check: 'identityProtection.riskDetections', record: { ...base, riskState: 'confirmedCompromised' } }]);
    expect(out.map((a) => a.absorbed)).toEqual([0, 1]);
  });
});
