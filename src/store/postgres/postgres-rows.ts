// Row shapes of the PostgreSQL schema and their mapping to the store port's types. pg returns bigint columns as
// strings (to avoid silent precision loss); every value we keep in bigint fits a JS number (ms, µs, counters, seq).
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
  interval_ms: string;
  initial_lookback_ms: string;
  late_window_ms: string;
  enabled: boolean;
  disabled_checks: string[];
  created_at: string;
  updated_at: string;
}

export const INTEGRATION_COLUMNS =
  'name, tenant_id, client_id, credential_kind, certificate_pem, cloud, login_url, graph_url, interval_ms, ' +
  'initial_lookback_ms, late_window_ms, enabled, disabled_checks, created_at, updated_at';

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
    intervalMs: Number(row.interval_ms),
    initialLookbackMs: Number(row.initial_lookback_ms),
    lateWindowMs: Number(row.late_window_ms),
    enabled: row.enabled,
    disabledChecks: row.disabled_checks as CheckId[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Positional values for INTEGRATION_COLUMNS, in that order. */
export function integrationValues(i: Integration): unknown[] {
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
    i.enabled,
    i.disabledChecks,
    i.createdAt,
    i.updatedAt,
  ];
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
  collected: string;
  last_run_collected: string;
  consecutive_failures: number;
  warned_at: string | null;
}

export const CHECK_STATE_COLUMNS =
  'integration, check_id, state, reason, error_code, last_attempt_at, last_success_at, next_due_at, collected, ' +
  'last_run_collected, consecutive_failures, warned_at';

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
    collected: Number(row.collected),
    lastRunCollected: Number(row.last_run_collected),
    consecutiveFailures: row.consecutive_failures,
    warnedAt: row.warned_at,
  };
}

export interface RecordRow {
  seq: string;
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
    seq: Number(row.seq),
  };
}
