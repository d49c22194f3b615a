// The rules an installation runs: the built-in rules, the Sigma rules imported with `azsec rules import`, and the
// operator's tunables, all kept in the store's settings so every process (and every PostgreSQL worker) runs the same
// set. A stored Sigma rule that no longer parses, or a tunable for a rule that is gone, is reported and skipped:
// detection keeps running with the rest.
import type { Store } from '../store/store.ts';
import { DetectionEngine } from './engine.ts';
import { ruleSettingsSchema } from './rule.ts';
import type { Rule, RuleSettings } from './rule.ts';
import { BUILT_IN_RULES } from './rules/index.ts';
import { parseSigmaRule } from './sigma/parse-sigma-rule.ts';
import { sigmaEngineRule } from './sigma/sigma-engine-rule.ts';

/** Setting names in the store. */
export const RULE_SETTINGS_KEY = 'detections.rule-settings';
export const SIGMA_RULES_KEY = 'detections.sigma-rules';

/** A Sigma rule as imported: its file name (relative to the imported folder) and its YAML text. */
export interface StoredSigmaRule {
  file: string;
  text: string;
}

export interface InstallationRules {
  rules: Rule[];
  /** Tunables by rule id, only for rules that exist. */
  settings: RuleSettings;
  /** Why a stored Sigma rule or tunable was skipped. */
  problems: string[];
  /** Changes whenever the settings or the Sigma rules change (a running stage reloads then). */
  fingerprint: string;
}

export function storedSigmaRules(value: unknown): StoredSigmaRule[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (v): v is StoredSigmaRule => typeof v === 'object' && v !== null && typeof (v as StoredSigmaRule).file === 'string' && typeof (v as StoredSigmaRule).text === 'string',
  );
}

export function buildInstallationRules(settingsValue: unknown, sigmaValue: unknown): InstallationRules {
  const problems: string[] = [];
  const rules: Rule[] = [...BUILT_IN_RULES];
  const ids = new Set(rules.map((r) => r.id));
  for (const stored of storedSigmaRules(sigmaValue)) {
    const parsed = parseSigmaRule(stored.text);
    if (!parsed.ok) {
      problems.push(`Sigma rule ${stored.file} skipped: ${parsed.reason}`);
      continue;
    }
    try {
      const rule = sigmaEngineRule(parsed.rule, stored.file);
      if (ids.has(rule.id)) {
        problems.push(`Sigma rule ${stored.file} skipped: its id ${rule.id} is already taken`);
        continue;
      }
      ids.add(rule.id);
      rules.push(rule);
    } catch (error) {
      problems.push(`Sigma rule ${stored.file} skipped: ${(error as Error).message}`);
    }
  }
  const parsedSettings = ruleSettingsSchema.safeParse(settingsValue ?? {});
  const settings: RuleSettings = {};
  if (!parsedSettings.success) {
    problems.push(`rule settings ignored: ${parsedSettings.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  } else {
    for (const [id, t] of Object.entries(parsedSettings.data)) {
      const rule = rules.find((r) => r.id === id);
      if (rule === undefined) problems.push(`settings for ${id} ignored: no such rule`);
      else if (rule.threshold === undefined && (t.count !== undefined || t.windowMs !== undefined)) problems.push(`settings for ${id} ignored: count and windowMs apply to threshold rules only`);
      else settings[id] = t;
    }
  }
  return { rules, settings, problems, fingerprint: JSON.stringify([settingsValue ?? null, sigmaValue ?? null]) };
}

export async function loadInstallationRules(store: Store): Promise<InstallationRules> {
  return buildInstallationRules(await store.getSetting(RULE_SETTINGS_KEY), await store.getSetting(SIGMA_RULES_KEY));
}

export function createEngine(installation: InstallationRules): DetectionEngine {
  return new DetectionEngine({ rules: installation.rules, settings: installation.settings });
}
