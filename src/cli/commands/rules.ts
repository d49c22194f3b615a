// `azsec rules`: the detection rules this installation runs (built-in and imported Sigma rules) and their tunables.
// Everything is kept in the store's settings, so every process (and every PostgreSQL worker) runs the same rules; a
// running signal stage picks changes up within its lease renewal (about 10 s).
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import type { App } from '../../app/open-app.ts';
import { formatDuration, parseDuration } from '../../config/duration.ts';
import { AzsecError } from '../../core/errors.ts';
import { RULE_SETTINGS_KEY, SIGMA_RULES_KEY, buildInstallationRules, storedSigmaRules } from '../../detections/installation-rules.ts';
import type { StoredSigmaRule } from '../../detections/installation-rules.ts';
import { applyRuleSettings, ruleSettingsSchema } from '../../detections/rule.ts';
import type { RuleSettings, RuleTunables } from '../../detections/rule.ts';
import { ruleCatalogue } from '../../detections/rule-catalogue.ts';
import { loadSigmaDir } from '../../detections/sigma/load-sigma-dir.ts';
import { parseSigmaRule } from '../../detections/sigma/parse-sigma-rule.ts';
import { sigmaRuleId } from '../../detections/sigma/sigma-engine-rule.ts';
import { SEVERITIES } from '../../signals/signal.ts';
import type { Severity } from '../../signals/signal.ts';
import type { JsonValue } from '../../store/store.ts';
import type { CliCommand, CliIo, GlobalOptions } from '../command.ts';

const USAGE = [
  'Usage:',
  '  azsec rules list [--json]',
  '  azsec rules import DIR [--dry-run] [--json]',
  '  azsec rules enable|disable ID',
  '  azsec rules set ID [--count N] [--window DURATION] [--severity S] [--min-severity S] [--dedupe DURATION]',
  '  azsec rules reset ID',
  '  azsec rules remove ID',
  '',
  '`list` shows every rule with its effective settings. `import` loads a folder of Sigma rules (product azure:',
  'signinlogs, auditlogs, riskdetection), prints per rule "loaded" or "not supported" with the reason, and installs the',
  'loaded ones (a rule with the same id is replaced); --dry-run only checks. `enable`/`disable` switch a rule, `set`',
  'tunes it (count and window: threshold rules only; durations like 10m, 1h, 1d), `reset` restores its defaults,',
  '`remove` uninstalls an imported Sigma rule. A running collector applies changes within about 10 seconds.',
].join('\n');

async function withApp<T>(globals: GlobalOptions, io: CliIo, work: (app: App) => Promise<T>): Promise<T> {
  const app = await openApp({ dataDir: globals.dataDir, storeUrl: globals.storeUrl, env: io.env, logFormat: globals.logFormat });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

async function readSettings(app: App): Promise<{ settings: RuleSettings; sigma: StoredSigmaRule[] }> {
  const raw = await app.store.getSetting(RULE_SETTINGS_KEY);
  const parsed = ruleSettingsSchema.safeParse(raw ?? {});
  return { settings: parsed.success ? parsed.data : {}, sigma: storedSigmaRules(await app.store.getSetting(SIGMA_RULES_KEY)) };
}

/** Validates the settings against the installed rules (every problem at once) before anything is saved. */
function checkSettings(settings: RuleSettings, sigma: StoredSigmaRule[]): void {
  const installation = buildInstallationRules({}, sigma);
  try {
    applyRuleSettings(installation.rules, settings);
  } catch (error) {
    throw new AzsecError('ERR_CONFIG_INVALID', (error as Error).message);
  }
}

async function list(args: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } }, strict: true });
  return withApp(globals, io, async (app) => {
    const { settings, sigma } = await readSettings(app);
    const installation = buildInstallationRules(settings, sigma);
    const effective = new Map(applyRuleSettings(installation.rules, installation.settings).map((e) => [e.rule.id, e]));
    const catalogue = ruleCatalogue(installation.rules).map((entry) => {
      const e = effective.get(entry.id);
      return {
        ...entry,
        source: entry.id.startsWith('sigma-') ? 'sigma' : 'built-in',
        tuned: installation.settings[entry.id] ?? {},
        effective: {
          enabled: e?.enabled ?? entry.defaults.enabled,
          severity: e?.severity ?? entry.defaults.severity,
          minSeverity: e?.minSeverity ?? entry.defaults.minSeverity,
          dedupeWindowMs: e?.dedupeWindowMs ?? entry.defaults.dedupeWindowMs,
          count: e?.threshold?.count ?? null,
          windowMs: e?.threshold?.windowMs ?? null,
        },
      };
    });
    if (values.json === true) {
      io.out(JSON.stringify({ rules: catalogue, problems: installation.problems }));
      return 0;
    }
    for (const r of catalogue) {
      const x = r.effective;
      const threshold = x.count === null ? '' : ` · ${x.count}${r.defaults.distinct ? ' distinct' : ''} in ${formatDuration(x.windowMs ?? 0)}`;
      const tuned = Object.keys(r.tuned).length > 0 ? ' (tuned)' : '';
      io.out(`${x.enabled ? 'on ' : 'off'}  ${r.id}  [${x.severity}]${threshold}${tuned}  ${r.title}`);
    }
    for (const p of installation.problems) io.err(`warning: ${p}`);
    return 0;
  });
}

async function importDir(args: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' }, 'dry-run': { type: 'boolean' } }, allowPositionals: true, strict: true });
  const dir = positionals[0];
  if (dir === undefined || positionals.length !== 1) throw new AzsecError('ERR_CONFIG_INVALID', 'Usage: azsec rules import DIR [--dry-run] [--json]');
  let results;
  try {
    results = await loadSigmaDir(dir);
  } catch (error) {
    throw new AzsecError('ERR_CONFIG_INVALID', `Cannot read the folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const loaded = results.filter((r) => r.status === 'loaded');
  let installed: number | null = null;
  if (values['dry-run'] !== true && loaded.length > 0) {
    installed = await withApp(globals, io, async (app) => {
      const { sigma } = await readSettings(app);
      const { readFile } = await import('node:fs/promises');
      const path = await import('node:path');
      const byId = new Map(sigma.map((s) => [ruleIdOf(s), s]));
      for (const r of loaded) {
        const stored = { file: r.file, text: await readFile(path.join(dir, r.file), 'utf8') };
        byId.set(sigmaRuleId(r.rule, r.file), stored);
      }
      const all = [...byId.values()];
      await app.store.putSetting(SIGMA_RULES_KEY, all as unknown as JsonValue);
      return all.length;
    });
  }
  if (values.json === true) {
    io.out(
      JSON.stringify({
        loaded: loaded.length,
        notSupported: results.length - loaded.length,
        installed,
        rules: results.map((r) =>
          r.status === 'loaded'
            ? { file: r.file, status: r.status, id: sigmaRuleId(r.rule, r.file), sigmaId: r.rule.id, title: r.rule.title }
            : { file: r.file, status: r.status, sigmaId: r.id, title: r.title, reason: r.reason },
        ),
      }),
    );
    return 0;
  }
  for (const r of results) io.out(r.status === 'loaded' ? `loaded         ${r.file}  (${r.rule.title})` : `not supported  ${r.file}: ${r.reason}`);
  io.out(`${loaded.length} of ${results.length} rules load.`);
  if (installed !== null) io.out(`Installed; this installation now runs ${installed} Sigma rules (see azsec rules list).`);
  else if (values['dry-run'] === true) io.out('Dry run: nothing installed.');
  return 0;
}

/** The engine id of a stored Sigma rule (one that no longer parses keeps its file name as its identity). */
function ruleIdOf(stored: StoredSigmaRule): string {
  const parsed = parseSigmaRule(stored.text);
  return parsed.ok ? sigmaRuleId(parsed.rule, stored.file) : `unparsable:${stored.file}`;
}

async function tune(id: string, change: (current: RuleTunables) => RuleTunables | null, globals: GlobalOptions, io: CliIo, done: string): Promise<number> {
  return withApp(globals, io, async (app) => {
    const { settings, sigma } = await readSettings(app);
    if (!buildInstallationRules({}, sigma).rules.some((r) => r.id === id)) {
      throw new AzsecError('ERR_CONFIG_INVALID', `No rule has the id "${id}" (see azsec rules list).`, { rule: id });
    }
    const next = change(settings[id] ?? {});
    const updated: RuleSettings = { ...settings };
    if (next === null || Object.keys(next).length === 0) delete updated[id];
    else updated[id] = next;
    checkSettings(updated, sigma);
    await app.store.putSetting(RULE_SETTINGS_KEY, updated as unknown as JsonValue);
    io.out(done);
    return 0;
  });
}

function severityOption(name: string, value: string | undefined): Severity | undefined {
  if (value === undefined) return undefined;
  if (!(SEVERITIES as readonly string[]).includes(value)) throw new AzsecError('ERR_CONFIG_INVALID', `--${name}: "${value}" is not one of ${SEVERITIES.join(', ')}`);
  return value as Severity;
}

async function set(args: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { count: { type: 'string' }, window: { type: 'string' }, severity: { type: 'string' }, 'min-severity': { type: 'string' }, dedupe: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const id = positionals[0];
  if (id === undefined || positionals.length !== 1) throw new AzsecError('ERR_CONFIG_INVALID', 'Usage: azsec rules set ID [--count N] [--window DURATION] [--severity S] [--min-severity S] [--dedupe DURATION]');
  const t: RuleTunables = {};
  if (values.count !== undefined) {
    const count = Number(values.count);
    if (!Number.isInteger(count) || count < 1) throw new AzsecError('ERR_CONFIG_INVALID', '--count must be an integer >= 1');
    t.count = count;
  }
  if (values.window !== undefined) t.windowMs = parseDuration(values.window, '--window');
  if (values.dedupe !== undefined) t.dedupeWindowMs = parseDuration(values.dedupe, '--dedupe');
  const severity = severityOption('severity', values.severity);
  const minSeverity = severityOption('min-severity', values['min-severity']);
  if (severity !== undefined) t.severity = severity;
  if (minSeverity !== undefined) t.minSeverity = minSeverity;
  if (Object.keys(t).length === 0) throw new AzsecError('ERR_CONFIG_INVALID', 'azsec rules set: give at least one of --count, --window, --severity, --min-severity, --dedupe');
  return tune(id, (current) => ({ ...current, ...t }), globals, io, `Rule ${id} tuned: ${JSON.stringify(t)}.`);
}

async function removeSigma(id: string, globals: GlobalOptions, io: CliIo): Promise<number> {
  return withApp(globals, io, async (app) => {
    const { settings, sigma } = await readSettings(app);
    const kept = sigma.filter((s) => ruleIdOf(s) !== id);
    if (kept.length === sigma.length) {
      throw new AzsecError('ERR_CONFIG_INVALID', `No imported Sigma rule has the id "${id}" (built-in rules can be disabled, not removed).`, { rule: id });
    }
    const rest: RuleSettings = { ...settings };
    delete rest[id];
    await app.store.putSetting(SIGMA_RULES_KEY, kept as unknown as JsonValue);
    await app.store.putSetting(RULE_SETTINGS_KEY, rest as unknown as JsonValue);
    io.out(`Sigma rule ${id} removed.`);
    return 0;
  });
}

function oneId(sub: string, args: string[]): string {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
  const id = positionals[0];
  if (id === undefined || positionals.length !== 1) throw new AzsecError('ERR_CONFIG_INVALID', `Usage: azsec rules ${sub} ID`);
  return id;
}

export const rulesCommand: CliCommand = {
  name: 'rules',
  summary: 'list the detection rules, import Sigma rules, enable, disable or tune a rule',
  usage: USAGE,
  async run(args, globals, io) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'list':
        return list(rest, globals, io);
      case 'import':
        return importDir(rest, globals, io);
      case 'enable':
      case 'disable': {
        const id = oneId(sub, rest);
        return tune(id, (current) => ({ ...current, enabled: sub === 'enable' }), globals, io, `Rule ${id} ${sub}d.`);
      }
      case 'set':
        return set(rest, globals, io);
      case 'reset': {
        const id = oneId(sub, rest);
        return tune(id, () => null, globals, io, `Rule ${id} is back to its defaults.`);
      }
      case 'remove':
        return removeSigma(oneId(sub, rest), globals, io);
      default:
        io.err(sub === undefined ? USAGE : `azsec rules: unknown subcommand "${sub}"\n\n${USAGE}`);
        return 2;
    }
  },
};
