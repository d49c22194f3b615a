// What a check is: which Graph endpoint, what it needs (permissions, licence), and how its cursor moves. A check
// never does HTTP, SQL or sleeping itself; the pipeline (pipeline/run-check.ts) drives it.
import type { CheckId } from '../core/check-ids.ts';
import type { JsonValue } from '../store/store.ts';

/** The identity of one stored version of a Graph object. */
export interface RecordKey {
  id: string;
  /** Changes when the object changes (a timestamp, or a content hash); equal to the id for immutable records. */
  version: string;
  /** The record's own time, ISO 8601. */
  time: string;
}

export interface PlanContext {
  now: number;
  /** How far back the first run reads, already capped by the check's retention. */
  lookbackMs: number;
  /** How far behind its high-water mark a time-window cursor re-reads. */
  lateWindowMs: number;
}

export interface Plan {
  /** A v1.0 path with query ("/auditLogs/signIns?..."), or an absolute link (users delta/next links). */
  url: string;
  /** Cursor to commit with the run's last page when pages carry no progress of their own. */
  state: JsonValue;
}

export interface CheckDefinition {
  id: CheckId;
  /** Short operator-facing name. */
  title: string;
  /** Graph documentation page. */
  docsUrl: string;
  /** Application permissions the check needs, all of them (Graph app roles). */
  permissions: readonly string[];
  /** The licence the endpoint needs, in words, or null. */
  licence: string | null;
  /** How long Graph keeps the data; the first run's lookback is capped by it. */
  retentionMs: number;
  /** $top used when probing and listing. */
  pageSize: number;
  /** Ask for evolvable enum members (Prefer: include-unknown-enum-members). */
  preferUnknownEnums: boolean;
  /** A v1.0 URL that reads one record, for `integrations test`. */
  probeUrl: string;
  /** Whether a run is due now, beyond the integration's interval (secure score: once a day). Default: always. */
  isDue?(cursor: JsonValue | null, now: number): boolean;
  /** The first URL of a run, from the stored cursor. */
  plan(cursor: JsonValue | null, ctx: PlanContext): Plan;
  /** The cursor after a page has been stored, from the cursor before it and the page's records. */
  advance(cursor: JsonValue, page: { values: Array<Record<string, unknown>>; nextLink: string | undefined; deltaLink: string | undefined }): JsonValue;
  /** The cursor to restart a round from when Graph refuses a nextLink mid-round (users: drop the nextLink). */
  restartRound?(cursor: JsonValue): JsonValue;
  /** Identity and version of one record; `raw` is its text as received. */
  keyOf(record: Record<string, unknown>, raw: string, now: number): RecordKey;
}

export const DAY_MS = 86_400_000;
