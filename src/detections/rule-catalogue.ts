// The rule catalogue: what each rule detects, which checks feed it, and its default tunables, as plain data for
// docs, `azsec rules` and the console's forms (generated from the rules themselves so they never drift apart).
import type { Severity } from '../signals/signal.ts';
import type { Rule } from './rule.ts';
import { ruleTunablesSchema } from './rule.ts';

export interface RuleCatalogueEntry {
  id: string;
  title: string;
  description: string;
  checks: string[];
  defaults: {
    enabled: boolean;
    severity: Severity;
    minSeverity: Severity;
    dedupeWindowMs: number;
    count: number | null;
    windowMs: number | null;
    distinct: boolean;
  };
  /** The tunables this rule accepts (count and windowMs only for threshold rules), each with its description. */
  tunables: Array<{ name: string; description: string }>;
}

export function ruleCatalogue(rules: readonly Rule[]): RuleCatalogueEntry[] {
  const shape = ruleTunablesSchema.shape;
  return rules.map((r) => ({
    id: r.id,
    title: r.title,
    description: r.description,
    checks: [...r.checks],
    defaults: {
      enabled: r.enabledByDefault,
      severity: r.severity,
      minSeverity: r.minSeverity ?? 'informational',
      dedupeWindowMs: r.dedupeWindowMs,
      count: r.threshold?.count ?? null,
      windowMs: r.threshold?.windowMs ?? null,
      distinct: r.threshold?.distinct !== undefined,
    },
    tunables: Object.entries(shape)
      .filter(([name]) => r.threshold !== undefined || (name !== 'count' && name !== 'windowMs'))
      .map(([name, schema]) => ({ name, description: schema.description ?? '' })),
  }));
}
