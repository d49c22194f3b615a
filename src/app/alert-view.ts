// What an alert looks like to an operator (`azsec alerts --json`, the console API): one shape for both, and its
// matched signals looked up for the detail views.
import { isCheckId } from '../core/check-ids.ts';
import type { AlertSignalRef, Store, StoredAlert } from '../store/store.ts';

export function alertView(a: StoredAlert): Record<string, unknown> {
  return {
    id: a.id,
    rule: a.ruleId,
    severity: a.severity,
    status: a.status,
    time: a.time,
    integration: a.integration,
    groupKey: a.groupKey,
    title: a.title,
    absorbed: a.absorbed,
    signals: a.signals,
    fields: a.fields,
    raisedAt: a.raisedAt,
    updatedAt: a.updatedAt,
  };
}

export type MatchedSignal = AlertSignalRef & ({ missing: true } | { time: string; title: string; severity: string; indicators: Record<string, string[] | undefined> });

/** The alert's matched signals; one that is gone (its integration's records purged) is listed by its reference. */
export function matchedSignals(store: Store, alert: StoredAlert): Promise<MatchedSignal[]> {
  return Promise.all(
    alert.signals.map(async (ref): Promise<MatchedSignal> => {
      const s = isCheckId(ref.check) ? await store.getSignal(ref.integration, ref.check, ref.recordId, ref.version) : null;
      return s === null ? { ...ref, missing: true } : { ...ref, time: s.time, title: s.title, severity: s.severity, indicators: s.indicators };
    }),
  );
}
