// The detection rule contract: a rule is data plus a few small pure functions (match, groupBy, distinct), and the
// engine (engine.ts) owns every piece of state: sliding windows, dedupe windows and the per-rule memory that
// history-aware rules (new country, impossible travel, score drop, ...) read and write. Keeping state out of the
// rules is what lets the engine snapshot it as JSON and survive a restart.
import { z } from 'zod';
import type { CheckId } from '../core/check-ids.ts';
import { SEVERITIES } from '../signals/signal.ts';
import type { Severity, Signal } from '../signals/signal.ts';
import type { JsonValue } from '../store/store.ts';

/** The raw Graph record the signal was built from (parsed JSON). Rules must read it defensively. */
export type RawRecord = Record<string, unknown>;

export type AlertFields = Record<string, JsonValue>;

/** What a match yields: the key the alert is grouped and deduplicated on, fields for the title, an optional severity. */
export interface MatchResult {
  key: string;
  fields?: AlertFields;
  /** Overrides the rule's severity for this alert (passthrough rules carry the source's severity). */
  severity?: Severity;
}

/**
 * Per-rule memory kept by the engine, scoped to the signal's integration and stamped with the signal's time.
 * Entries expire `memoryTtlMs` after their stamp (measured against the newest signal time the engine has seen).
 */
export interface RuleMemory {
  get(key: string): JsonValue | undefined;
  set(key: string, value: JsonValue): void;
  delete(key: string): void;
}

export type MatchFn = (signal: Signal, raw: RawRecord, memory: RuleMemory) => boolean | MatchResult | null;

export interface Threshold {
  /** Events of one group within this many ms of each other (inclusive) count together. */
  windowMs: number;
  /** Fire when the window holds at least this many events (or distinct values when `distinct` is set). */
  count: number;
  /** Count distinct values of this field instead of events; null skips the event. */
  distinct?: (signal: Signal, raw: RawRecord) => string | null;
  /** The group the window belongs to (a user, an IP, ...); null skips the event. */
  groupBy: (signal: Signal, raw: RawRecord) => string | null;
}

export interface RuleDefinition {
  /** Stored and typed by operators: never rename one. */
  id: string;
  title: string;
  description: string;
  severity: Severity;
  /** The checks whose signals the rule sees; the engine never calls it for others. */
  checks: readonly CheckId[];
  match: MatchFn;
  threshold?: Threshold;
  /** One alert per (rule, integration, key) within this window; later matches are absorbed and counted. */
  dedupeWindowMs: number;
  /** Title template: `{name}` is replaced by fields.name (plus `count` and `distinct` for threshold rules). */
  alertTitle: string;
  /** How long memory entries live; required when the rule uses memory (defaults to 0: no memory kept). */
  memoryTtlMs?: number;
  enabledByDefault?: boolean;
  /** Alerts below this severity are dropped (tunable); passthrough rules use it to pick what they pass. */
  minSeverity?: Severity;
}

export interface Rule extends RuleDefinition {
  readonly enabledByDefault: boolean;
  readonly memoryTtlMs: number;
}

const RULE_ID = /^[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*$/;

/** Validates a rule definition once, at module load, so a broken built-in rule fails every test at once. */
export function defineRule(def: RuleDefinition): Rule {
  const problems: string[] = [];
  if (!RULE_ID.test(def.id)) problems.push(`id "${def.id}" must be lower-case words joined by . _ or -`);
  if (def.checks.length === 0) problems.push('checks must name at least one check');
  if (!(SEVERITIES as readonly string[]).includes(def.severity)) problems.push(`severity "${def.severity}" is not one of ${SEVERITIES.join(', ')}`);
  if (!(def.dedupeWindowMs >= 0)) problems.push('dedupeWindowMs must be >= 0');
  if (def.threshold !== undefined) {
    if (!(def.threshold.windowMs > 0)) problems.push('threshold.windowMs must be > 0');
    if (!(Number.isInteger(def.threshold.count) && def.threshold.count >= 1)) problems.push('threshold.count must be an integer >= 1');
  }
  if (problems.length > 0) throw new Error(`rule ${def.id}: ${problems.join('; ')}`);
  return { ...def, enabledByDefault: def.enabledByDefault ?? true, memoryTtlMs: def.memoryTtlMs ?? 0 };
}

/** What an installation may tune per rule; everything optional, the rule's own values are the defaults. */
export const ruleTunablesSchema = z
  .object({
    enabled: z.boolean().optional().describe('Run the rule (built-in rules are enabled unless they say otherwise).'),
    severity: z.enum(SEVERITIES).optional().describe('Severity of the alerts the rule raises (passthrough rules keep their source\'s severity).'),
    minSeverity: z.enum(SEVERITIES).optional().describe('Drop alerts below this severity (passthrough rules: the least severe source alert passed through).'),
    count: z.number().int().min(1).optional().describe('Threshold rules: events (or distinct values) within the window that raise an alert.'),
    windowMs: z.number().int().min(1).optional().describe('Threshold rules: the sliding window, in milliseconds.'),
    dedupeWindowMs: z.number().int().min(0).optional().describe('One alert per key within this window, in milliseconds; later matches are absorbed.'),
  })
  .strict();
export type RuleTunables = z.infer<typeof ruleTunablesSchema>;

export const ruleSettingsSchema = z.record(z.string(), ruleTunablesSchema).describe('Tunables per rule id.');
export type RuleSettings = z.infer<typeof ruleSettingsSchema>;

/** A rule with an installation's tunables applied. */
export interface EffectiveRule {
  rule: Rule;
  enabled: boolean;
  severity: Severity;
  minSeverity: Severity;
  dedupeWindowMs: number;
  threshold: Threshold | null;
}

/**
 * Validates settings against the rules, listing every problem at once (unknown rule ids, bad values, threshold
 * tunables on rules without a threshold), and returns each rule with its tunables applied.
 */
export function applyRuleSettings(rules: readonly Rule[], input: unknown = {}): EffectiveRule[] {
  const parsed = ruleSettingsSchema.safeParse(input);
  if (!parsed.success) {
    throw new Error(`invalid rule settings: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const settings = parsed.data;
  const byId = new Map(rules.map((r) => [r.id, r]));
  const problems: string[] = [];
  for (const [id, t] of Object.entries(settings)) {
    const rule = byId.get(id);
    if (rule === undefined) problems.push(`${id}: no such rule`);
    else if (rule.threshold === undefined && (t.count !== undefined || t.windowMs !== undefined)) problems.push(`${id}: count and windowMs apply to threshold rules only`);
  }
  if (problems.length > 0) throw new Error(`invalid rule settings: ${problems.join('; ')}`);
  return rules.map((rule) => {
    const t = settings[rule.id] ?? {};
    return {
      rule,
      enabled: t.enabled ?? rule.enabledByDefault,
      severity: t.severity ?? rule.severity,
      minSeverity: t.minSeverity ?? rule.minSeverity ?? 'informational',
      dedupeWindowMs: t.dedupeWindowMs ?? rule.dedupeWindowMs,
      threshold:
        rule.threshold === undefined
          ? null
          : { ...rule.threshold, count: t.count ?? rule.threshold.count, windowMs: t.windowMs ?? rule.threshold.windowMs },
    };
  });
}

/** Replaces `{name}` with the field's value; a missing field reads as "?" so a title never shows raw braces. */
export function renderTitle(template: string, fields: AlertFields): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const v = fields[name];
    if (v === undefined || v === null) return '?';
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
  });
}
