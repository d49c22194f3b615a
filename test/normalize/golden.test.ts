// Golden files: the signals of Microsoft's documentation samples and of a fixed-seed simulator tenant, per check,
// committed under test/fixtures/golden/<check>.json. A normalizer change shows up as a diff of those files; rewrite
// them on purpose with UPDATE_GOLDEN=1 npx vitest run test/normalize/golden.test.ts and review the diff.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../src/core/check-ids.ts';
import type { CheckId } from '../../src/core/check-ids.ts';
import { normalize } from '../../src/normalize/normalizers.ts';
import type { Signal } from '../../src/signals/signal.ts';
import { contextFor, haveSamples, repoRoot, sampleRecords, samplesDir, simulatorDataset, simulatorRecords } from './normalize-fixtures.ts';
import type { Rec } from './normalize-fixtures.ts';

const START_PLUS_HOUR = Date.UTC(2025, 5, 10, 11, 0, 0);
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const goldenDir = path.join(repoRoot, 'test', 'fixtures', 'golden');
if (!haveSamples) console.warn(`golden files: comparing simulator signals only, ${samplesDir} is missing`);

interface Golden {
  samples: Signal[];
  simulator: Signal[];
}

/** The first record of each distinct value of `keyOf`, then the first `n` records: a small set that shows every case. */
function variety(records: Rec[], keyOf: (r: Rec) => string, n: number): Rec[] {
  const picked = new Set<Rec>(records.slice(0, n));
  const seen = new Set<string>();
  for (const r of records) {
    const k = keyOf(r);
    if (!seen.has(k)) {
      seen.add(k);
      picked.add(r);
    }
  }
  return [...picked];
}

const s = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v ?? null));

function simulatorSelection(check: CheckId): Rec[] {
  const ds = simulatorDataset({ 'security.alerts_v2': 60, 'security.incidents': 20 });
  const removed = check === 'users' ? ds.deleteUsers(2, START_PLUS_HOUR) : [];
  const all = simulatorRecords(ds, check, Infinity, removed);
  switch (check) {
    case 'auditLogs.signIns':
      return variety(all, (r) => `${s((r.status as Rec).errorCode)}|${s(r.riskLevelAggregated)}`, 6);
    case 'auditLogs.directoryAudits':
      return variety(all, (r) => `${s(r.activityDisplayName)}|${s(r.result)}|${(r.initiatedBy as Rec).app === null ? 'user' : 'app'}`, 2);
    case 'security.alerts_v2':
      return variety(all, (r) => (r.evidence as Rec[]).map((e) => e['@odata.type']).join(','), 2);
    case 'security.incidents':
      return variety(all, (r) => `${s(r.severity)}|${s(r.status)}`, 4);
    case 'identityProtection.riskDetections':
      return variety(all, (r) => `${s(r.riskEventType)}|${s(r.riskState)}`, 2);
    case 'identityProtection.riskyUsers':
      return variety(all, (r) => `${s(r.riskLevel)}|${s(r.riskState)}`, 2);
    case 'security.secureScores':
      return all.slice(-3);
    case 'users':
      return [...all.slice(0, 5), ...all.filter((r) => r['@removed'] !== undefined)];
  }
}



const signalsOf = (check: CheckId, records: Rec[]): Signal[] => records.map((r) => normalize(r, contextFor(check, r)));

describe('normalizer golden files', () => {
  for (const check of CHECK_IDS) {
    it(`${check}: signals match test/fixtures/golden/${check}.json`, () => {
      const file = path.join(goldenDir, `${check}.json`);
      const simulator = signalsOf(check, simulatorSelection(check));
      const samples = haveSamples ? signalsOf(check, sampleRecords(check)) : null;
      const stored: Golden | null = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Golden) : null;
      if (UPDATE) {
        mkdirSync(goldenDir, { recursive: true });
        // Without the samples, keep the committed sample section rather than erase it.
        const next: Golden = { samples: samples ?? stored?.samples ?? [], simulator };
        writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
        return;
      }
      expect(stored, `${file} is missing: run with UPDATE_GOLDEN=1`).not.toBeNull();
      // Round-tripped through JSON, as the golden file holds it.
      expect(JSON.parse(JSON.stringify(simulator))).toEqual(stored?.simulator);
      if (samples !== null) expect(JSON.parse(JSON.stringify(samples))).toEqual(stored?.samples);
      expect(simulator.length).toBeGreaterThan(0);
    });
  }
});
