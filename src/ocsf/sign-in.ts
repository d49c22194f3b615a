// auditLogs.signIns → OCSF Authentication (3002, Identity & Access Management). Every Entra sign-in is a logon
// attempt (activity 1 Logon); status_id 1 Success / 2 Failure from status.errorCode, 0 Unknown when absent.
// user = the signing-in user, service = the resource signed in to (OCSF needs service or dst_endpoint),
// src_endpoint = the client IP and its geolocation, device = deviceDetail, is_mfa from authenticationRequirement.
import type { Signal } from '../signals/signal.ts';
import { ocsfBase, type OcsfObject } from './ocsf-base.ts';
import { deviceOf, endpointOf, requiredUser } from './ocsf-objects.ts';
import { observablesOf } from './observables.ts';
import { bool, compact, num, str, type Raw } from './raw-fields.ts';

export function signInToOcsf(signal: Signal, raw: Raw): OcsfObject {
  const errorCode = num(raw, 'status', 'errorCode');
  const outcome = signal.outcome ?? (errorCode === null ? null : errorCode === 0 ? 'success' : 'failure');
  const statusId = outcome === 'success' ? 1 : outcome === 'failure' ? 2 : 0;
  const user = requiredUser(signal.actor);
  const serviceName = str(raw, 'resourceDisplayName') ?? str(raw, 'appDisplayName');
  const serviceUid = str(raw, 'resourceId') ?? str(raw, 'appId');
  const requirement = str(raw, 'authenticationRequirement');
  const device = deviceOf(str(raw, 'deviceDetail', 'deviceId'), str(raw, 'deviceDetail', 'displayName'), compact({
    is_compliant: bool(raw, 'deviceDetail', 'isCompliant'),
    is_managed: bool(raw, 'deviceDetail', 'isManaged'),
  }));
  const base = ocsfBase(signal, { classUid: 3002, className: 'Authentication', categoryUid: 3, categoryName: 'Identity & Access Management', activityId: 1, activityName: 'Logon' });
  return compact({
    ...base,
    metadata: { ...(base['metadata'] as OcsfObject), ...compact({ correlation_uid: str(raw, 'correlationId') }) },
    status_id: statusId,
    status: statusId === 1 ? 'Success' : statusId === 2 ? 'Failure' : 'Unknown',
    status_code: errorCode === null ? null : String(errorCode),
    status_detail: str(raw, 'status', 'failureReason'),
    user,
    actor: compact({ user, app_name: str(raw, 'appDisplayName'), app_uid: str(raw, 'appId') }),
    // The resource is always named by Graph; "Microsoft Entra ID" stands in for the odd record without one.
    service: compact({ name: serviceName ?? 'Microsoft Entra ID', uid: serviceUid }),
    src_endpoint: endpointOf(str(raw, 'ipAddress'), signal.location),
    device,
    is_mfa: requirement === null ? null : requirement === 'multiFactorAuthentication',
    // An Entra sign-in always reaches a cloud service over the network.
    is_remote: true,
    observables: observablesOf(signal.indicators),
  });
}
