// Ascending creation times for a backfill, shaped like a working week: busy office hours, quiet nights and
// weekends. Times come out already sorted (a monotone map of evenly spread, jittered quantiles through the
// cumulative hourly weight), so a million of them cost one pass and no sort.
import { HOUR_MS } from './graph-time.ts';
import { Rng } from './random.ts';

/** Relative activity at a UTC instant, for a tenant whose people live `utcOffsetHours` from UTC. */
function activity(ms: number, utcOffsetHours: number): number {
  const local = new Date(ms + utcOffsetHours * HOUR_MS);
  const hour = local.getUTCHours();
  const weekend = local.getUTCDay() === 0 || local.getUTCDay() === 6;
  const daily = hour >= 8 && hour < 18 ? 1 : (hour >= 6 && hour < 8) || (hour >= 18 && hour < 22) ? 0.4 : 0.08;
  return daily * (weekend ? 0.3 : 1);
}

export function initialTimes(n: number, fromMs: number, toMs: number, seed: number, utcOffsetHours: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 0) return out;
  const span = Math.max(0, toMs - fromMs);
  if (span === 0) return out.fill(toMs);
  const hours = Math.ceil(span / HOUR_MS);
  const cum = new Float64Array(hours + 1);
  for (let h = 0; h < hours; h++) {
    const start = fromMs + h * HOUR_MS;
    const width = Math.min(HOUR_MS, toMs - start);
    cum[h + 1] = cum[h]! + activity(start, utcOffsetHours) * (width / HOUR_MS);
  }
  const total = cum[hours]!;
  const r = new Rng(seed);
  let h = 0;
  for (let i = 0; i < n; i++) {
    const u = ((i + r.next()) / n) * total;
    while (h < hours - 1 && cum[h + 1]! <= u) h++;
    const lo = cum[h]!;
    const w = cum[h + 1]! - lo;
    const within = w > 0 ? ((u - lo) / w) * Math.min(HOUR_MS, toMs - (fromMs + h * HOUR_MS)) : 0;
    out[i] = Math.min(toMs, Math.floor(fromMs + h * HOUR_MS + within));
  }
  return out;
}
