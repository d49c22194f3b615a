// The signal of a stored record, from its raw text: what `azsec reindex` and exports recompute.
import { normalize } from '../normalize/normalizers.ts';
import type { StoredRecord } from '../store/store.ts';
import type { Signal } from './signal.ts';

export function signalOfRecord(record: Pick<StoredRecord, 'integration' | 'check' | 'id' | 'version' | 'time' | 'raw'>, tenantId: string): Signal {
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.raw);
  } catch {
    parsed = {};
  }
  const object = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  return normalize(object, { integration: record.integration, check: record.check, recordId: record.id, version: record.version, tenantId, time: record.time });
}
