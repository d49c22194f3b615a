// The signal of a stored record, from its raw text: what `azsec reindex` and exports recompute, and what the SQLite
// store computes on read for the signals whose JSON it does not keep (signalDeriver).
import { normalize } from '../normalize/normalizers.ts';
import type { DerivableRecord, SignalDeriver, StoredRecord } from '../store/store.ts';
import type { Signal } from './signal.ts';

export function signalOfRecord(record: Pick<StoredRecord, 'integration' | 'check' | 'id' | 'version' | 'time' | 'raw'>, tenantId: string): Signal {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.raw);
  } catch {
    parsed = {};
  }
  const object = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  return signalOfObject(object, { ...record, tenantId });
}

/** The signal of a record whose raw JSON is already parsed: what the signal stage stores, and deriveSignal computes. */
export function signalOfObject(object: Record<string, unknown>, record: Omit<DerivableRecord, 'raw'>): Signal {
  return normalize(object, { integration: record.integration, check: record.check, recordId: record.id, version: record.version, tenantId: record.tenantId, time: record.time });
}

/** The signal the signal stage stored for a record (with its integration's tenant), computed again. */
export function deriveSignal(record: DerivableRecord): Signal {
  return signalOfRecord(record, record.tenantId);
}

export const signalDeriver: SignalDeriver = { derive: deriveSignal, moduleUrl: import.meta.url };
