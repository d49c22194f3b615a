// Durations: the forms operators write, the ones refused with a reason, and formatting back.
import { describe, expect, it } from 'vitest';
import { isAzsecError } from '../../src/core/errors.ts';
import { formatDuration, parseDuration, readDuration } from '../../src/config/duration.ts';

describe('parseDuration', () => {
  it('reads whole numbers with units, alone or combined from the largest unit down', () => {
    const cases: [string, number][] = [
      ['90s', 90_000],
      ['5m', 300_000],
      ['1h', 3_600_000],
      ['24h', 86_400_000],
      ['7d', 604_800_000],
      ['1h30m', 5_400_000],
      ['1d2h3m4s5ms', 93_784_005],
      ['250ms', 250],
      ['0', 0],
      ['0s', 0],
      [' 10M ', 600_000],
    ];
    for (const [text, ms] of cases) expect(parseDuration(text), text).toBe(ms);
  });

  it('refuses other forms with a message that says what to write instead', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['300', /no unit/],
      ['1.5h', /fraction.*1h30m/],
      ['30m1h', /out of order/],
      ['1h1h', /repeats a unit/],
      ['5 minutes', /not a duration.*e\.g\. 90s, 5m/],
      ['-5m', /not a duration/],
      ['5w', /not a duration/],
      ['h', /not a duration/],
      ['99999999999999999d', /too long/],
    ];
    for (const [text, message] of cases) {
      const result = readDuration(text);
      expect(result.ok, text).toBe(false);
      if (!result.ok) expect(result.message, text).toMatch(message);
    }
  });

  it('throws ERR_CONFIG_INVALID naming the field', () => {
    let error: unknown;
    try {
      parseDuration('soon', 'interval');
    } catch (e) {
      error = e;
    }
    expect(isAzsecError(error, 'ERR_CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/^interval: is not a duration; write a whole number with a unit/);
    expect((error as Error).message).not.toContain('soon');
    expect((error as { details: unknown }).details).toEqual({ issues: [{ field: 'interval', message: expect.any(String) }] });
  });
});

describe('formatDuration', () => {
  it('writes the shortest form, which parses back to the same value', () => {
    const cases: [number, string][] = [
      [0, '0s'],
      [250, '250ms'],
      [90_000, '1m30s'],
      [300_000, '5m'],
      [5_400_000, '1h30m'],
      [86_400_000, '1d'],
      [2_592_000_000, '30d'],
      [93_784_005, '1d2h3m4s5ms'],
    ];
    for (const [ms, text] of cases) {
      expect(formatDuration(ms)).toBe(text);
      expect(parseDuration(text)).toBe(ms);
    }
  });

  it('refuses negative and fractional milliseconds', () => {
    expect(() => formatDuration(-1)).toThrow(RangeError);
    expect(() => formatDuration(1.5)).toThrow(RangeError);
  });
});
