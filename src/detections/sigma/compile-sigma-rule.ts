// A parsed Sigma rule → a predicate over raw Graph records. The predicate answers false for every check other than
// the one the rule's logsource names, so the engine can offer it every stored record without routing by itself.
// Field values are read lazily and each selection is tested at most once per record (conditions may name a
// selection twice, e.g. "sel and not (sel and filter)").
import type { CheckId } from '../../core/check-ids.ts';
import { resolveSigmaField } from './field-mapping.ts';
import type { FieldGetter, SigmaService } from './field-mapping.ts';
import type { SigmaFieldClause, SigmaRule } from './parse-sigma-rule.ts';
import { evaluateCondition } from './sigma-condition.ts';
import { buildFieldRef, hasFieldRef } from './sigma-fieldref.ts';
import type { RecordTest } from './sigma-fieldref.ts';
import { buildValueMatcher, candidateStrings } from './sigma-modifiers.ts';
import type { ValueMatcher } from './sigma-modifiers.ts';

export type SigmaPredicate = (check: CheckId, record: Record<string, unknown>) => boolean;

/** Which check's records each Sigma service describes. */
export const SIGMA_SERVICE_CHECKS: Readonly<Record<SigmaService, CheckId>> = {
  signinlogs: 'auditLogs.signIns',
  auditlogs: 'auditLogs.directoryAudits',
  riskdetection: 'identityProtection.riskDetections',
};


/** Every string (and number/boolean as text) in the record: what keyword selections search. */
function allStrings(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) allStrings(v, out);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) allStrings(v, out);
  else out.push(...candidateStrings(value));
  return out;
}

function compileClause(service: SigmaService, clause: SigmaFieldClause): RecordTest {
  if (hasFieldRef(clause.modifiers)) {
    const ref = buildFieldRef(service, clause.field, clause.modifiers, clause.values);
    if (!ref.ok) throw new Error(`Sigma clause cannot compile: ${ref.reason}`);
    return ref.test;
  }
  const built = buildValueMatcher(clause.modifiers, clause.values);
  // parseSigmaRule validated the clause; a failure here means the rule object was built by hand.
  if (!built.ok) throw new Error(`Sigma clause cannot compile: ${built.reason}`);
  const match: ValueMatcher = built.match;
  if (clause.field === null) return (record) => match(allStrings(record));
  const getter: FieldGetter | null = resolveSigmaField(service, clause.field);
  if (getter === null) throw new Error(`Sigma field "${clause.field}" has no mapping for service ${service}`);
  return (record) => match(getter(record));
}

export function compileSigmaRule(rule: SigmaRule): SigmaPredicate {
  const service = rule.logsource.service;
  const check = SIGMA_SERVICE_CHECKS[service];
  const selections = new Map<string, RecordTest>();
  for (const [name, selection] of Object.entries(rule.detection.selections)) {
    const alternatives = selection.alternatives.map((clauses) => clauses.map((c) => compileClause(service, c)));
    selections.set(name, (record) => alternatives.some((tests) => tests.every((t) => t(record))));
  }
  const condition = rule.detection.condition;
  return (recordCheck, record) => {
    if (recordCheck !== check) return false;
    const seen = new Map<string, boolean>();
    return evaluateCondition(condition, (name) => {
      let hit = seen.get(name);
      if (hit === undefined) {
        hit = selections.get(name)?.(record) ?? false;
        seen.set(name, hit);
      }
      return hit;
    });
  };
}
