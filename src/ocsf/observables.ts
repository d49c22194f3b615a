// observables[]: one OCSF observable per indicator value of the signal. type_id follows OCSF 1.8's observable type
// ids (dictionary.json types and observable attributes); indicator types OCSF has no id for are 99 Other, with
// `type` naming our indicator type so a consumer can still pivot on it.
import type { IndicatorType, Indicators } from '../signals/signal.ts';
import { INDICATOR_TYPES } from '../signals/signal.ts';
import type { OcsfObject } from './ocsf-base.ts';

interface ObservableKind {
  typeId: number;
  /** OCSF caption of the type id, or our indicator type for 99 Other. */
  type: string;
}

const OTHER = 99;

/** The OCSF observable type of each indicator type. */
export const OBSERVABLE_KIND: Record<IndicatorType, ObservableKind> = {
  ip: { typeId: 2, type: 'IP Address' },
  domain: { typeId: 1, type: 'Hostname' },
  url: { typeId: 6, type: 'URL String' },
  email: { typeId: 5, type: 'Email Address' },
  // A UPN is the user's sign-in name (user.name in OCSF, a username_t), even though it looks like an email address.
  upn: { typeId: 4, type: 'User Name' },
  user_id: { typeId: 31, type: 'User: uid' },
  user_name: { typeId: 4, type: 'User Name' },
  host: { typeId: 1, type: 'Hostname' },
  device_id: { typeId: 47, type: 'Device: uid' },
  file_name: { typeId: 7, type: 'File Name' },
  file_path: { typeId: 45, type: 'File Path' },
  sha1: { typeId: 8, type: 'Hash' },
  sha256: { typeId: 8, type: 'Hash' },
  md5: { typeId: 8, type: 'Hash' },
  command_line: { typeId: 13, type: 'Command Line' },
  process_id: { typeId: 15, type: 'Process ID' },
  // A mailbox is addressed by its primary SMTP address.
  mailbox: { typeId: 5, type: 'Email Address' },
  message_id: { typeId: 42, type: 'Message UID' },
  registry_key: { typeId: OTHER, type: 'registry_key' },
  registry_value: { typeId: OTHER, type: 'registry_value' },
  app_id: { typeId: OTHER, type: 'app_id' },
  app_name: { typeId: OTHER, type: 'app_name' },
  service_principal_id: { typeId: OTHER, type: 'service_principal_id' },
  correlation_id: { typeId: OTHER, type: 'correlation_id' },
  incident_id: { typeId: OTHER, type: 'incident_id' },
  alert_id: { typeId: OTHER, type: 'alert_id' },
  country: { typeId: 14, type: 'Country' },
};

export function observablesOf(indicators: Indicators): OcsfObject[] {
  const out: OcsfObject[] = [];
  for (const t of INDICATOR_TYPES) {
    const kind = OBSERVABLE_KIND[t];
    for (const value of indicators[t] ?? []) out.push({ type_id: kind.typeId, type: kind.type, value });
  }
  return out;
}
