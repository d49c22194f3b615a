// The normalized signal: one per stored record version, computed at ingest by a pure function per check
// (src/normalize/), stored next to the record with its indicators, and searched across checks and tenants.
import type { CheckId } from '../core/check-ids.ts';
import type { JsonValue } from '../store/store.ts';

export const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What kind of event a signal is; one or more per check. Stored and filtered on: never rename one. */
export const SIGNAL_KINDS = [
  'sign_in',
  'directory_audit',
  'alert',
  'incident',
  'risk_detection',
  'risky_user',
  'secure_score',
  'user',
  'user_deleted',
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

/**
 * Indicator types. Values are normalized before they are stored (see src/normalize/indicators.ts): domains, emails,
 * UPNs, hashes and GUIDs lower-case; IPv6 in canonical form; every URL also yields its domain; no duplicates.
 * Stored and typed by users (`azsec search --type ip`): never rename one.
 */
export const INDICATOR_TYPES = [
  'ip',
  'domain',
  'url',
  'email',
  'upn',
  'user_id',
  'user_name',
  'host',
  'device_id',
  'file_name',
  'file_path',
  'sha1',
  'sha256',
  'md5',
  'command_line',
  'process_id',
  'mailbox',
  'message_id',
  'registry_key',
  'registry_value',
  'app_id',
  'app_name',
  'service_principal_id',
  'correlation_id',
  'incident_id',
  'alert_id',
  'country',
] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

export type Indicators = Partial<Record<IndicatorType, string[]>>;

export type Outcome = 'success' | 'failure';

/** Who did it, or what it was done to. */
export interface Entity {
  type: 'user' | 'app' | 'service_principal' | 'device' | 'group' | 'role' | 'policy' | 'tenant' | 'other';
  id: string | null;
  name: string | null;
  /** User principal name or email, for users. */
  upn: string | null;
}

export interface Location {
  city: string | null;
  state: string | null;
  country: string | null;
  latitude: number | null;
  longitude: number | null;
}

/** One alert evidence object (or another typed sub-object) with its fields and the indicators it holds. */
export interface Artifact {
  /** Evidence type without namespace, e.g. "mailboxEvidence"; "unknown:<@odata.type>" for types we do not model. */
  type: string;
  /** Typed fields of the artifact (for unknown types: every string it holds, by JSON path). */
  fields: Record<string, JsonValue>;
  verdict: string | null;
  roles: string[];
  indicators: Indicators;
}

export interface Signal {
  integration: string;
  check: CheckId;
  /** Graph id of the record and its version marker: (integration, check, recordId, version) names the record. */
  recordId: string;
  version: string;
  tenantId: string;
  /** The record's own time, ISO 8601 UTC with milliseconds ("2026-11-23T10:00:00.123Z"). */
  time: string;
  kind: SignalKind;
  /** One line, plain text. */
  title: string;
  severity: Severity;
  outcome: Outcome | null;
  actor: Entity | null;
  targets: Entity[];
  location: Location | null;
  indicators: Indicators;
  artifacts: Artifact[];
  /** The key text fields free-text search covers (title, descriptions, activity names, failure reasons, ...). */
  text: string;
}

/** What a normalizer knows besides the record itself. */
export interface NormalizeContext {
  integration: string;
  check: CheckId;
  recordId: string;
  version: string;
  /** The integration's tenant id (records of some checks do not carry it). */
  tenantId: string;
  /** The stored record time (Graph's own time property), used when the record has none of its own. */
  time: string;
}

/** A pure function from one Graph record (as parsed from its raw text) to its signal. Never throws on odd input. */
export type Normalizer = (record: Record<string, unknown>, ctx: NormalizeContext) => Signal;
