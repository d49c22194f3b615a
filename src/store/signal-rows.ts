// What both backends derive from a Signal before writing it: the severity's ordinal (so "high or worse" is a
// numeric comparison), the time in microseconds (ordering), and the indicator rows (type, value) with duplicates
// removed. Pure, so the two backends store exactly the same rows.
import { SEVERITIES } from '../signals/signal.ts';
import type { IndicatorType, Indicators, Severity, Signal } from '../signals/signal.ts';
import { isoToMicros } from './postgres/iso-micros.ts';

/** 0 = informational … 4 = critical; an unknown severity (a normalizer bug) sorts as informational. */
export function severityRank(severity: Severity): number {
  return Math.max(0, SEVERITIES.indexOf(severity));
}

/** The signal's own time in µs; the record's time when the signal's is unparsable; the epoch when both are. */
export function signalMicros(signal: Signal, recordTime: string): number {
  return isoToMicros(signal.time) ?? isoToMicros(recordTime) ?? 0;
}

export interface IndicatorRow {
  type: IndicatorType;
  value: string;
}

/** One row per distinct (type, value); non-string values (a normalizer bug) are skipped rather than failing a commit. */
export function indicatorRows(indicators: Indicators): IndicatorRow[] {
  const rows: IndicatorRow[] = [];
  for (const [type, values] of Object.entries(indicators)) {
    if (!Array.isArray(values)) continue;
    const seen = new Set<string>();
    for (const value of values) {
      if (typeof value !== 'string' || seen.has(value)) continue;
      seen.add(value);
      rows.push({ type: type as IndicatorType, value });
    }
  }
  return rows;
}
