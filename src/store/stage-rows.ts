// Rows of the signal stage's tables as both backends read them (same column names; PostgreSQL returns bigints as
// text, SQLite as numbers), turned into the port's types in one place so the two stores cannot drift apart.
import type { CheckId } from '../core/check-ids.ts';
import type { Severity } from '../signals/signal.ts';
import type { AlertStatus, JsonValue, PendingRecord, StoredAlert } from './store.ts';

export const ALERT_COLUMNS = 'aid, id, rule_id, integration, group_key, title, severity, time, time_us, status, absorbed, signals, fields, raised_at, updated_at';

export interface AlertRow {
  aid: number | string;
  id: string;
  rule_id: string;
  integration: string;
  group_key: string;
  title: string;
  severity: string;
  time: string;
  time_us: number | string;
  status: string;
  absorbed: number | string;
  signals: string;
  fields: string;
  raised_at: string;
  updated_at: string;
}

export function alertFromRow(row: AlertRow): StoredAlert {
  return {
    id: row.id,
    ruleId: row.rule_id,
    integration: row.integration,
    groupKey: row.group_key,
    title: row.title,
    severity: row.severity as Severity,
    time: row.time,
    status: row.status as AlertStatus,
    absorbed: Number(row.absorbed),
    signals: JSON.parse(row.signals) as StoredAlert['signals'],
    fields: JSON.parse(row.fields) as Record<string, JsonValue>,
    raisedAt: row.raised_at,
    updatedAt: row.updated_at,
  };
}

export interface PendingRow {
  seq: number | string;
  integration: string;
  tenant_id: string;
  check_id: string;
  id: string;
  version: string;
  time: string;
  raw: string;
}

export function pendingFromRow(r: PendingRow): PendingRecord {
  return { seq: Number(r.seq), integration: r.integration, tenantId: r.tenant_id, check: r.check_id as CheckId, id: r.id, version: r.version, time: r.time, raw: r.raw };
}
