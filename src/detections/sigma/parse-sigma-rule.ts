// YAML text of one Sigma rule (specification 2.x) → a validated rule, or "not supported: <why>". Everything a rule
// needs at match time is checked here — logsource, every field's mapping, every modifier, the condition — so a rule
// that loads can always be compiled, and an operator sees at import time why one cannot be used.
//
// Supported: one YAML document per file; logsource product "azure" with service signinlogs, auditlogs or
// riskdetection; detection made of named selections (a map = AND of fields, a list of maps = OR, a list of plain
// values = keywords searched in every string of the record) and a condition (a string, or a list of strings = OR).
// Not supported, with the reason given: other logsources, rule collections (several documents, `action: global`),
// correlation rules, `timeframe` and `| count()` aggregations, `near`, unmapped fields, unknown modifiers, nested maps.
import { parseAllDocuments } from 'yaml';
import { parseCondition } from './sigma-condition.ts';
import type { ConditionNode } from './sigma-condition.ts';
import { SIGMA_SERVICES, resolveSigmaField } from './field-mapping.ts';
import type { SigmaService } from './field-mapping.ts';
import { buildFieldRef, hasFieldRef } from './sigma-fieldref.ts';
import { buildValueMatcher } from './sigma-modifiers.ts';
import type { SigmaScalar } from './sigma-modifiers.ts';

/** `Field|mod1|mod2: values`; field null for keywords (values searched in every string of the record). */
export interface SigmaFieldClause {
  field: string | null;
  modifiers: string[];
  values: SigmaScalar[];
}

/** OR over alternatives, each an AND of clauses. */
export interface SigmaSelection {
  alternatives: SigmaFieldClause[][];
}

export interface SigmaRule {
  id: string | null;
  title: string;
  status: string | null;
  level: string | null;
  description: string | null;
  author: string | null;
  references: string[];
  logsource: { product: string; service: SigmaService; category: string | null };
  detection: {
    selections: Record<string, SigmaSelection>;
    /** The condition as written (several conditions joined with " or "). */
    conditionText: string;
    condition: ConditionNode;
  };
  falsepositives: string[];
  tags: string[];
}

export type ParseSigmaResult = { ok: true; rule: SigmaRule } | { ok: false; reason: string; id: string | null; title: string | null };

const STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'];
const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];

class Unsupported extends Error {}
const unsupported = (reason: string): never => {
  throw new Unsupported(reason);
};

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalString(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

function stringList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) return [];
  return v.map((x) => (typeof x === 'string' ? x : typeof x === 'number' ? String(x) : null)).filter((x): x is string => x !== null);
}

function isScalar(v: unknown): v is SigmaScalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

export function parseSigmaRule(text: string): ParseSigmaResult {
  let id: string | null = null;
  let title: string | null = null;
  try {
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs)) return { ok: false, reason: 'not supported: the file holds no YAML document', id, title };
    const nonEmpty = docs.filter((d) => d.contents !== null);
    if (nonEmpty.length !== 1) {
      return { ok: false, reason: `not supported: rule collections (${nonEmpty.length} YAML documents) are not supported`, id, title };
    }
    const doc = nonEmpty[0]!;
    if (doc.errors.length > 0) return { ok: false, reason: `invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, id, title };
    const raw: unknown = doc.toJS({ maxAliasCount: 100 });
    if (!isMap(raw)) return { ok: false, reason: 'invalid rule: the document is not a map', id, title };
    id = optionalString(raw['id']);
    title = optionalString(raw['title']);
    const rule = buildRule(raw, id, title);
    return { ok: true, rule };
  } catch (err) {
    if (err instanceof Unsupported) return { ok: false, reason: err.message, id, title };
    return { ok: false, reason: `invalid rule: ${(err as Error).message}`, id, title };
  }
}

function buildRule(raw: Record<string, unknown>, id: string | null, title: string | null): SigmaRule {
  if (raw['action'] !== undefined) unsupported('not supported: rule collections ("action") are not supported');
  if (raw['correlation'] !== undefined) unsupported('not supported: correlation rules need state across records');
  if (title === null || title.trim() === '') unsupported('invalid rule: "title" is missing');
  const status = optionalString(raw['status']);
  if (status !== null && !STATUSES.includes(status)) unsupported(`invalid rule: status "${status}" is not one of ${STATUSES.join(', ')}`);
  // The spec's "unsupported" status means the rule cannot be used as it stands (special log sources, made-up fields).
  if (status === 'unsupported') unsupported('not supported: the rule\'s status is "unsupported"');
  const level = optionalString(raw['level']);
  if (level !== null && !LEVELS.includes(level)) unsupported(`invalid rule: level "${level}" is not one of ${LEVELS.join(', ')}`);
  const logsource = raw['logsource'];
  if (!isMap(logsource)) return unsupported('invalid rule: "logsource" is missing');
  const product = optionalString(logsource['product'])?.toLowerCase() ?? null;
  const serviceText = optionalString(logsource['service'])?.toLowerCase() ?? null;
  const service = SIGMA_SERVICES.find((s) => s === serviceText);
  if (product !== 'azure' || !service) {
    unsupported(
      `not supported: logsource product ${product ?? '(none)'} service ${serviceText ?? '(none)'} (only azure signinlogs, auditlogs and riskdetection)`,
    );
  }
  const detection = raw['detection'];
  if (!isMap(detection)) return unsupported('invalid rule: "detection" is missing');
  if (detection['timeframe'] !== undefined) unsupported('not supported: "timeframe" (an aggregation over time) is not supported');

  const selections: Record<string, SigmaSelection> = {};
  for (const [name, body] of Object.entries(detection)) {
    if (name === 'condition' || name === 'timeframe') continue;
    selections[name] = parseSelection(name, body, service!);
  }
  const conditionRaw = detection['condition'];
  const conditions = typeof conditionRaw === 'string' ? [conditionRaw] : stringList(conditionRaw);
  if (conditions.length === 0) unsupported('invalid rule: "detection.condition" is missing');
  // A list of conditions means any of them (the spec); parenthesize each so "or" keeps them apart.
  const conditionText = conditions.length === 1 ? conditions[0]! : conditions.map((c) => `(${c})`).join(' or ');
  const parsed = parseCondition(conditionText, Object.keys(selections));
  if (!parsed.ok) unsupported(parsed.reason.includes('not supported') ? `not supported: ${parsed.reason}` : `invalid condition: ${parsed.reason}`);

  return {
    id,
    title: title!,
    status,
    level,
    description: optionalString(raw['description']),
    author: optionalString(raw['author']),
    references: stringList(raw['references']),
    logsource: { product: 'azure', service: service!, category: optionalString(logsource['category']) },
    detection: { selections, conditionText, condition: (parsed as { ok: true; node: ConditionNode }).node },
    falsepositives: stringList(raw['falsepositives']),
    tags: stringList(raw['tags']),
  };
}

function parseSelection(name: string, body: unknown, service: SigmaService): SigmaSelection {
  if (isMap(body)) return { alternatives: [parseFieldMap(name, body, service)] };
  if (Array.isArray(body)) {
    if (body.length === 0) return unsupported(`invalid rule: selection "${name}" is an empty list`);
    if (body.every(isMap)) return { alternatives: body.map((m) => parseFieldMap(name, m, service)) };
    if (body.every(isScalar)) return { alternatives: [[checkedClause(name, null, [], body, service)]] };
    return unsupported(`not supported: selection "${name}" mixes maps and plain values`);
  }
  if (isScalar(body)) return { alternatives: [[checkedClause(name, null, [], [body], service)]] };
  return unsupported(`invalid rule: selection "${name}" is neither a map nor a list`);
}

function parseFieldMap(name: string, map: Record<string, unknown>, service: SigmaService): SigmaFieldClause[] {
  const clauses: SigmaFieldClause[] = [];
  for (const [key, value] of Object.entries(map)) {
    const [fieldPart, ...modifiers] = key.split('|');
    const field = fieldPart === undefined || fieldPart === '' ? null : fieldPart;
    let values: SigmaScalar[];
    if (Array.isArray(value)) {
      if (!value.every(isScalar)) unsupported(`not supported: field "${key}" in selection "${name}" has nested values`);
      values = value as SigmaScalar[];
    } else if (isScalar(value)) {
      values = [value];
    } else {
      return unsupported(`not supported: field "${key}" in selection "${name}" has a nested map`);
    }
    clauses.push(checkedClause(name, field, modifiers, values, service));
  }
  if (clauses.length === 0) unsupported(`invalid rule: selection "${name}" is empty`);
  return clauses;
}

function checkedClause(name: string, field: string | null, modifiers: string[], values: SigmaScalar[], service: SigmaService): SigmaFieldClause {
  if (field !== null && resolveSigmaField(service, field) === null) {
    unsupported(`not supported: field "${field}" has no mapping for service ${service}`);
  }
  const built = hasFieldRef(modifiers) ? buildFieldRef(service, field, modifiers, values) : buildValueMatcher(modifiers, values);
  if (!built.ok) unsupported(`not supported: ${built.reason} (selection "${name}", field "${field ?? '(keywords)'}")`);
  return { field, modifiers, values };
}
