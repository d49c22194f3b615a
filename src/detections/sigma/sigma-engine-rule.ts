// A loaded Sigma rule as an engine rule: the compiled predicate decides the match on the raw record; the alert is
// grouped on the signal's actor (then its first IP, then the record) so a burst of matches for one user is one alert
// per dedupe window, and the severity is the rule's level (medium when it has none).
import { SEVERITIES } from '../../signals/signal.ts';
import type { Severity } from '../../signals/signal.ts';
import { defineRule } from '../rule.ts';
import type { Rule } from '../rule.ts';
import { SIGMA_SERVICE_CHECKS, compileSigmaRule } from './compile-sigma-rule.ts';
import type { SigmaRule } from './parse-sigma-rule.ts';

/** One alert per (Sigma rule, integration, actor) per hour; tunable like any rule. */
export const SIGMA_DEDUPE_WINDOW_MS = 3_600_000;

/** The engine id of a Sigma rule: "sigma-" + its id (a UUID by the specification), or its file name as a slug. */
export function sigmaRuleId(rule: SigmaRule, file: string): string {
  const base = (rule.id ?? file.replace(/\.ya?ml$/i, '')).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `sigma-${base === '' ? 'rule' : base}`;
}

export function sigmaEngineRule(rule: SigmaRule, file: string): Rule {
  const predicate = compileSigmaRule(rule);
  const level = (rule.level ?? '').toLowerCase();
  const severity: Severity = (SEVERITIES as readonly string[]).includes(level) ? (level as Severity) : 'medium';
  return defineRule({
    id: sigmaRuleId(rule, file),
    title: `Sigma: ${rule.title}`,
    description: rule.description ?? `Sigma rule ${rule.title} (${file}).`,
    severity,
    checks: [SIGMA_SERVICE_CHECKS[rule.logsource.service]],
    dedupeWindowMs: SIGMA_DEDUPE_WINDOW_MS,
    // Braces in a Sigma title must not read as template fields.
    alertTitle: `${rule.title.replace(/[{}]/g, '')}: {actor}`,
    match(signal, raw) {
      if (!predicate(signal.check, raw)) return false;
      const actor = signal.actor?.upn ?? signal.actor?.name ?? signal.actor?.id ?? null;
      const ip = signal.indicators.ip?.[0] ?? null;
      const key = actor ?? ip ?? `${signal.recordId}|${signal.version}`;
      return { key, fields: { actor: actor ?? ip ?? signal.recordId, ip, sigmaFile: file, sigmaId: rule.id } };
    },
  });
}
