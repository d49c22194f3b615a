// The attributes every OCSF 1.8 event class shares (base_event): classification ids, time, severity and metadata.
// Each per-check mapping builds its class-specific attributes on top of ocsfBase().
import { PRODUCT_NAME, PRODUCT_VERSION } from '../core/product.ts';
import type { Severity, Signal } from '../signals/signal.ts';

export const OCSF_VERSION = '1.8.0';

/** OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical (dictionary.json severity_id). */
export const OCSF_SEVERITY_ID: Record<Severity, number> = { informational: 1, low: 2, medium: 3, high: 4, critical: 5 };
const SEVERITY_CAPTION: Record<Severity, string> = { informational: 'Informational', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

export type OcsfObject = Record<string, unknown>;

export interface OcsfClassification {
  classUid: number;
  className: string;
  categoryUid: number;
  categoryName: string;
  activityId: number;
  activityName: string;
}

/** Epoch milliseconds of an ISO time; null when absent or unparseable. */
export function epochMs(iso: string | null | undefined): number | null {
  if (iso === null || iso === undefined) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

export function ocsfBase(signal: Signal, c: OcsfClassification): OcsfObject {
  return {
    activity_id: c.activityId,
    activity_name: c.activityName,
    category_uid: c.categoryUid,
    category_name: c.categoryName,
    class_uid: c.classUid,
    class_name: c.className,
    type_uid: c.classUid * 100 + c.activityId,
    type_name: `${c.className}: ${c.activityName}`,
    severity_id: OCSF_SEVERITY_ID[signal.severity],
    severity: SEVERITY_CAPTION[signal.severity],
    // The signal's time is always valid ISO (normalizers fall back to the stored record time); 0 only guards odd input.
    time: epochMs(signal.time) ?? 0,
    message: signal.title,
    metadata: {
      product: { name: PRODUCT_NAME, vendor_name: PRODUCT_NAME, version: PRODUCT_VERSION },
      version: OCSF_VERSION,
      original_time: signal.time,
      uid: `${signal.integration}/${signal.check}/${signal.recordId}/${signal.version}`,
      tenant_uid: signal.tenantId,
      log_name: signal.check,
      log_provider: 'Microsoft Graph',
    },
  };
}
