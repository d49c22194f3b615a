// Row shapes of the SQLite schema and their mapping to the port's types. Booleans are 0/1 and the disabled checks a
// JSON array, because SQLite has neither a boolean nor an array type.
import type { SQLInputValue } from 'node:sqlite';
import type { CheckId } from '../../core/check-ids.ts';
import type { CheckState, CheckStateName, CloudName, CredentialKind, Integration, StoredRecord } from '../store.ts';

export interface IntegrationRow {
  name: string;
  tenant_id: string;
  client_id: string;
  credential_kind: string;
  certificate_pem: string | null;
  cloud: string;
  login_url: string | null;
  graph_url: string | null;
  interval_ms: number;
  initial_lookback_ms: number;
  late_window_ms: number;
  enabled: number;
  disabled_checks: string;
  created_at: string;
  updated_at: string;
}

/** In the order integrationValues() produces; `name` first, which updates use as the key. */
export const INTEGRATION_COLUMNS = [
  'name',
  'tenant_id',
  'client_id',
  'credential_kind',
  'certificate_pem',
  'cloud',
  'login_url',
  'graph_url',
  'interval_ms',
  'initial_lookback_ms',
  'late_window_ms',
  'enabled',
  'disabled_checks',
  'created_at',
  'updated_at',
] as const;

export function integrationValues(i: Integration): SQLInputValue[] {
  return [
    i.name,
    i.tenantId,
    i.clientId,
    i.credentialKind,
    i.certificatePem,
    i.cloud,
    i.loginUrl,
    i.graphUrl,
    i.intervalMs,
    i.initialLookbackMs,
    i.lateWindowMs,
    i.enabled ? 1 : 0,
    JSON.stringify(i.disabledChecks),
    i.createdAt,
    i.updatedAt,
  ];
}

export function integrationFromRow(row: IntegrationRow): Integration {
  return {
    name: row.name,
    tenantId: row.tenant_id,
    clientId: row.client_id,
    credentialKind: row.credential_kind as CredentialKind,
    certificatePem: row.certificate_pem,
    cloud: row.cloud as CloudName,
    loginUrl: row.login_url,
    graphUrl: row.graph_url,
    intervalMs: row.interval_ms,
    initialLookbackMs: row.initial_lookback_ms,
    lateWindowMs: row.late_window_ms,
    enabled: row.enabled !== 0,
    disabledChecks: JSON.parse(row.disabled_checks) as CheckId[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface CheckStateRow {
  integration: string;
  check_id: string;
  state: string;
  reason: string | null;
  error_code: string | null;
  last_attempt_at: string | null;
  last_success_at: string | null;
  next_due_at: string | null;
  collected: number;
  last_run_collected: number;
  consecutive_failures: number;
  warned_at: string | null;
}

export const CHECK_STATE_COLUMNS =
  'integration, check_id, state, reason, error_code, last_attempt_at, last_success_at, next_due_at, collected, ' +
  'last_run_collected, consecutive_failures, warned_at';

export function checkStateValues(s: CheckState): SQLInputValue[] {
  return [
    s.integration,
    s.check,
    s.state,
    s.reason,
    s.errorCode,
    s.lastAttemptAt,
    s.lastSuccessAt,
    s.nextDueAt,
    s.collected,
    s.lastRunCollected,
    s.consecutiveFailures,
    s.warnedAt,
  ];
}

export function checkStateFromRow(row: CheckStateRow): CheckState {
  return {
    integration: row.integration,
    check: row.check_id as CheckId,
    state: row.state as CheckStateName,
    reason: row.reason,
    errorCode: row.error_code,
    lastAttemptAt: row.last_attempt_at,
    lastSuccessAt: row.last_success_at,
    nextDueAt: row.next_due_at,
    collected: row.collected,
    lastRunCollected: row.last_run_collected,
    consecutiveFailures: row.consecutive_failures,
    warnedAt: row.warned_at,
  };
}

export interface RecordRow {
  seq: number;
  integration: string;
  check_id: string;
  id: string;
  version: string;
  time: string;
  raw: string;
  stored_at: string;
}

export const RECORD_COLUMNS = 'seq, integration, check_id, id, version, time, raw, stored_at';

export function recordFromRow(row: RecordRow): StoredRecord {
  return {
    integration: row.integration,
    check: row.check_id as CheckId,
    id: row.id,
    version: row.version,
    time: row.time,
    raw: row.raw,
    storedAt: row.stored_at,
    seq: row.seq,
  };
}
