import { describe, expect, it } from 'vitest';
import { secureScoreDrop } from '../../src/detections/rules/secure-score-drop.ts';
import { DAY, records, run } from './detection-fixtures.ts';
import type { Item } from './detection-fixtures.ts';

type R = Record<string, unknown>;
const scores = records('security.secureScores');
const base = scores[0]!;
const day = (d: number, currentScore: number): Item => {
  const t = Date.parse(base.createdDateTime as string) + d * DAY;
  return { check: 'security.secureScores', record: { ...base, id: `${base.azureTenantId as string}_${new Date(t).toISOString().slice(0, 10)}`, createdDateTime: new Date(t).toISOString().replace('.000Z', 'Z'), currentScore } };
};

describe('secure-score-drop', () => {
  it('fires on the simulator\'s drop days (a 5 % or larger fall from the previous day) and only on them', () => {
    const byTime = [...scores].sort((a, b) => Date.parse(a.createdDateTime as string) - Date.parse(b.createdDateTime as string));
    const expected: string[] = [];
    for (let i = 1; i < byTime.length; i++) {
      const prev = byTime[i - 1]!.currentScore as number;
      const cur = byTime[i]!.currentScore as number;
      const gap = Date.parse(byTime[i]!.createdDateTime as string) - Date.parse(byTime[i - 1]!.createdDateTime as string);
      if (gap <= 1.5 * DAY && (prev - cur) / prev >= 0.05) expected.push((byTime[i]!.createdDateTime as string).slice(0, 10));
    }
    expect(expected.length).toBeGreaterThan(0);
    const out = run([secureScoreDrop], byTime.map((record) => ({ check: 'security.secureScores' as const, record })));
    expect(out.map((a) => a.groupKey)).toEqual(expected);
  });

  it('fires at exactly 5 % down and not at 4.9 %', () => {
    expect(run([secureScoreDrop], [day(0, 400), day(1, 380)])).toHaveLength(1);
    expect(run([secureScoreDrop], [day(0, 400), day(1, 380.4)])).toHaveLength(0);
  });

  it('reports the previous and current score and the drop in the title', () => {
    const [a] = run([secureScoreDrop], [day(0, 400), day(1, 300)]);
    expect(a!.title).toMatch(/^Secure score down 25 % on \d{4}-\d{2}-\d{2}: 400 → 300$/);
  });

  it('is silent on rises, and when the previous day is missing', () => {
    expect(run([secureScoreDrop], [day(0, 300), day(1, 400)])).toHaveLength(0);
    expect(run([secureScoreDrop], [day(0, 400), day(2, 300)])).toHaveLength(0);
  });

  it('finds the drop when the earlier day arrives late', () => {
    const out = run([secureScoreDrop], [day(1, 300), day(0, 400)]);
    expect(out).toHaveLength(1);
    expect(out[0]!.fields).toMatchObject({ previous: 400, current: 300 });
  });

  it('absorbs a new version of the same day', () => {
    expect(run([secureScoreDrop], [day(0, 400), day(1, 300), day(1, 310)]).map((a) => a.absorbed)).toEqual([0, 1]);
    expect((base as R).currentScore).toBeTypeOf('number');
  });
});
