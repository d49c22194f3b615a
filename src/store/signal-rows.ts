// What both backends derive from a Signal before writing it: the severity's ordinal (so "high or worse" is a
// numeric comparison) and the time in microseconds (ordering). Pure, so the two backends agree.
import { SEVERITIES } from '../signals/signal.ts';
import type { Severity, Signal } from '../signals/signal.ts';
import { isoToMicros } from './postgres/iso-micros.ts';

/** 0 = informational … 4 = critical; an unknown severity (a normalizer bug) sorts as informational. */
export function severityRank(severity: Severity): number {
  return Math.max(0, SEVERITIES.indexOf(severity));
}

/** The signal's own time in µs; the record's time when the signal's is unparsable; the epoch when both are. */
export function signalMicros(signal: Signal, recordTime: string): number {
  return isoToMicros(signal.time) ?? isoToMicros(recordTime) ?? 0;
}
