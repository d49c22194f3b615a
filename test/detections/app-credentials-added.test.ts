import { describe, expect, it } from 'vitest';
import { appCredentialsAdded } from '../../src/detections/rules/app-credentials-added.ts';
import { MINUTE, graphTime, records, run, START } from './detection-fixtures.ts';

type R = Record<string, unknown>;
const audits = records('auditLogs.directoryAudits');
const CREDENTIAL_ACTIVITIES = ['Add service principal credentials', 'Update application \u2013 Certificates and secrets management'];

describe('app-credentials-added', () => {
  it('fires on successful simulator credential additions to apps and service principals, naming the key type', () => {
    const added = audits.filter((r) => CREDENTIAL_ACTIVITIES.includes(r.activityDisplayName as string) && r.result === 'success');
    expect(added.length).toBeGreaterThan(1);
    for (const r of added) {
      const [a] = run([appCredentialsAdded], [{ check: 'auditLogs.directoryAudits', record: r }]);
      const target = (r.targetResources as R[])[0]!;
      expect(a!.fields.app).toBe(target.displayName);
      expect(a!.title).toMatch(/^Credentials \((Password|AsymmetricX509Cert)\) added to (application|service principal) .+ by .+$/);
    }
  });

  it('is silent on failed additions and on other activities', () => {
    const silent = audits.filter((r) => !CREDENTIAL_ACTIVITIES.includes(r.activityDisplayName as string) || r.result !== 'success');
    expect(run([appCredentialsAdded], silent.map((record) => ({ check: 'auditLogs.directoryAudits' as const, record })))).toHaveLength(0);
  });

  it('raises one alert per app per hour and counts the additions it absorbs', () => {
    const base = audits.find((r) => r.activityDisplayName === 'Add service principal credentials' && r.result === 'success')!;
    const items = [0, 20, 61].map((m, i) => ({ check: 'auditLogs.directoryAudits' as const, record: { ...base, id: `${base.id as string}-${i}`, activityDateTime: graphTime(START + m * MINUTE) } }));
    expect(run([appCredentialsAdded], items).map((a) => a.absorbed)).toEqual([0, 1, 0]);
  });
});
