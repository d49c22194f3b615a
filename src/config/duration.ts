// Durations as operators write them: a whole number and a unit, units from largest to smallest, each at most once —
// "90s", "5m", "1h30m", "7d", "250ms" — or "0". Decimal numbers and bare numbers are refused: "1.5h" and "300"
// are ambiguous enough (hours? seconds? milliseconds?) that asking is better than guessing.
import { AzsecError } from '../core/errors.ts';

const UNITS = [
  { unit: 'd', ms: 86_400_000 },
  { unit: 'h', ms: 3_600_000 },
  { unit: 'm', ms: 60_000 },
  { unit: 's', ms: 1_000 },
  { unit: 'ms', ms: 1 },
] as const;

const PART = /(\d+)(ms|d|h|m|s)/gy;

const EXAMPLES = 'a whole number with a unit (ms, s, m, h, d), e.g. 90s, 5m, 1h30m, 7d';

export type DurationResult = { ok: true; ms: number } | { ok: false; message: string };

/** Parses a duration without throwing; `message` explains the problem in words an operator can act on. */
export function readDuration(input: string): DurationResult {
  // Messages never repeat the input: a value typed into the wrong option may be a secret.
  const text = input.trim().toLowerCase();
  if (text === '') return { ok: false, message: `is empty; write ${EXAMPLES}` };
  if (/^\d+$/.test(text)) {
    return text === '0' ? { ok: true, ms: 0 } : { ok: false, message: `has no unit; write ${EXAMPLES}` };
  }
  if (/\d[.,]\d/.test(text)) return { ok: false, message: `has a fraction; use whole numbers, e.g. 1h30m instead of 1.5h` };
  let ms = 0;
  let smallestSoFar = Number.POSITIVE_INFINITY;
  let end = 0;
  PART.lastIndex = 0;
  for (let match = PART.exec(text); match !== null; match = PART.exec(text)) {
    const [, amount = '', unit = ''] = match;
    const scale = UNITS.find((u) => u.unit === unit)?.ms ?? 0;
    if (scale >= smallestSoFar) {
      return { ok: false, message: `repeats a unit or has them out of order; write larger units first, e.g. 1h30m` };
    }
    smallestSoFar = scale;
    ms += Number(amount) * scale;
    end = PART.lastIndex;
  }
  if (end !== text.length) return { ok: false, message: `is not a duration; write ${EXAMPLES}` };
  if (!Number.isSafeInteger(ms)) return { ok: false, message: 'is too long a duration' };
  return { ok: true, ms };
}

/** Parses a duration or throws ERR_CONFIG_INVALID naming `field`. */
export function parseDuration(input: string, field = 'duration'): number {
  const result = readDuration(input);
  if (!result.ok) throw new AzsecError('ERR_CONFIG_INVALID', `${field}: ${result.message}`, { issues: [{ field, message: result.message }] });
  return result.ms;
}

/** The shortest text readDuration() turns back into `ms`: 300000 → "5m", 5400000 → "1h30m", 0 → "0s". */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`formatDuration needs a non-negative whole number of milliseconds, got ${ms}`);
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const { unit, ms: scale } of UNITS) {
    const amount = Math.floor(rest / scale);
    if (amount > 0) out += `${amount}${unit}`;
    rest -= amount * scale;
  }
  return out;
}
