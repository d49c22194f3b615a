// Graph's timestamp format: ISO 8601 UTC with seven fractional digits ("2020-03-13T19:15:41.6195833Z").
// The simulator keeps millisecond times, so the last four digits are zero: parsing the string gives back exactly
// the timeMs the record is sorted and filtered by.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export function graphTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, -1)}0000Z`;
}

/** Whole seconds, as secure scores carry them ("2019-03-19T15:21:00Z"). */
export function graphTimeSeconds(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** yyyy-MM-dd of the UTC day containing ms. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function utcDayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** .NET ticks (100 ns since 0001-01-01) as a decimal string: alert ids embed them ("da637551227677560813_..."). */
export function dotNetTicks(ms: number, extraTicks: number): string {
  return (BigInt(ms) * 10_000n + 621_355_968_000_000_000n + BigInt(extraTicks)).toString();
}
