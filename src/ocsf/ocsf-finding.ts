// Pieces the Findings classes (Detection 2004, Incident 2005, Compliance 2003) share: the activity of a finding
// version, time fields in epoch ms, and the product that reported it.
import { epochMs, type OcsfObject } from './ocsf-base.ts';
import { compact } from './raw-fields.ts';

export const FINDINGS = { categoryUid: 2, categoryName: 'Findings' } as const;

const ACTIVITY_NAME: Record<number, string> = { 1: 'Create', 2: 'Update', 3: 'Close' };

/**
 * Finding activity: 3 Close when the source marks it closed; 2 Update when this version was modified after the
 * finding was created (a later version of a mutable record); else 1 Create.
 */
export function findingActivity(closed: boolean, createdIso: string | null, modifiedIso: string | null): { activityId: number; activityName: string } {
  const created = epochMs(createdIso);
  const modified = epochMs(modifiedIso);
  const activityId = closed ? 3 : created !== null && modified !== null && modified > created ? 2 : 1;
  return { activityId, activityName: ACTIVITY_NAME[activityId] ?? 'Other' };
}

export function microsoftProduct(name: string | null): OcsfObject {
  return compact({ name: name ?? 'Microsoft Graph security API', vendor_name: 'Microsoft' });
}

/** Epoch ms of an ISO time, or null (dropped by compact). */
export function ms(iso: string | null): number | null {
  return epochMs(iso);
}
