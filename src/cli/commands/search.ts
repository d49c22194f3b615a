// `azsec search`: signals that hold an indicator or match text, across checks and integrations, newest first.
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import { isCheckId } from '../../core/check-ids.ts';
import { AzsecError } from '../../core/errors.ts';
import { normalizeIndicator, normalizeQueryValue } from '../../normalize/indicators.ts';
import { INDICATOR_TYPES, SEVERITIES, SIGNAL_KINDS } from '../../signals/signal.ts';
import type { IndicatorType, Severity, SignalKind } from '../../signals/signal.ts';
import type { SignalQuery } from '../../store/store.ts';
import type { CliCommand } from '../command.ts';

const USAGE = [
  'Usage: azsec search [--indicator VALUE [--type TYPE]] [--text "words"] [--since ISO] [--until ISO]',
  '                    [--check ID] [--integration NAME] [--severity LIST] [--kind KIND] [--limit 50] [--next CURSOR] [--json]',
  '',
  'Finds every signal holding an indicator (an IP, user, domain, URL, email, host, hash, ...) or matching text, across',
  'all checks and integrations, newest first. --severity takes a comma list (e.g. high,critical). With --json it prints',
  '{"results":[{"integration","check","id","time","severity","title","indicators":{...}}],"next"}; pass "next" back',
  'with --next for the following page.',
  `Indicator types: ${INDICATOR_TYPES.join(', ')}.`,
].join('\n');

function enumValue<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new AzsecError('ERR_CONFIG_INVALID', `--${name}: "${value}" is not one of ${allowed.join(', ')}`);
  return value as T;
}

function isoOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (Number.isNaN(Date.parse(value))) throw new AzsecError('ERR_CONFIG_INVALID', `--${name}: "${value}" is not an ISO 8601 time`);
  return new Date(Date.parse(value)).toISOString();
}

export const searchCommand: CliCommand = {
  name: 'search',
  summary: 'find signals by indicator or text across every check and integration',
  usage: USAGE,
  async run(args, globals, io) {
    const { values } = parseArgs({
      args,
      options: {
        indicator: { type: 'string' },
        type: { type: 'string' },
        text: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        check: { type: 'string' },
        integration: { type: 'string' },
        severity: { type: 'string' },
        kind: { type: 'string' },
        limit: { type: 'string' },
        next: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
    });
    const limit = values.limit === undefined ? 50 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new AzsecError('ERR_CONFIG_INVALID', '--limit must be an integer from 1 to 1000');
    const query: SignalQuery = { limit };
    if (values.indicator !== undefined) {
      const type = values.type === undefined ? undefined : enumValue<IndicatorType>('type', values.type, INDICATOR_TYPES);
      // With a type the value is normalized as that type; without one, as the type its shape suggests.
      const value = type === undefined ? normalizeQueryValue(values.indicator)[0]?.value : (normalizeIndicator(type, values.indicator) ?? undefined);
      if (value === undefined) throw new AzsecError('ERR_CONFIG_INVALID', `--indicator: "${values.indicator}" is not a valid ${type ?? 'indicator'} value`);
      query.indicator = value;
      if (type !== undefined) query.indicatorType = type;
    } else if (values.type !== undefined) {
      throw new AzsecError('ERR_CONFIG_INVALID', '--type needs --indicator');
    }
    if (values.text !== undefined) query.text = values.text;
    const since = isoOption('since', values.since);
    const until = isoOption('until', values.until);
    if (since !== undefined) query.since = since;
    if (until !== undefined) query.until = until;
    if (values.check !== undefined) {
      if (!isCheckId(values.check)) throw new AzsecError('ERR_CONFIG_INVALID', `--check: "${values.check}" is not a check id`);
      query.check = values.check;
    }
    if (values.integration !== undefined) query.integration = values.integration;
    if (values.severity !== undefined) query.severities = values.severity.split(',').map((s) => enumValue<Severity>('severity', s.trim(), SEVERITIES));
    if (values.kind !== undefined) query.kind = enumValue<SignalKind>('kind', values.kind, SIGNAL_KINDS);
    if (values.next !== undefined) query.cursor = values.next;
    if (query.indicator === undefined && query.text === undefined && since === undefined && query.check === undefined && query.integration === undefined && query.severities === undefined && query.kind === undefined) {
      throw new AzsecError('ERR_CONFIG_INVALID', 'Give at least --indicator, --text or a filter (see azsec search --help)');
    }
    const app = await openApp({ dataDir: globals.dataDir, storeUrl: globals.storeUrl, env: io.env, logFormat: globals.logFormat });
    try {
      const page = await app.store.searchSignals(query);
      const results = page.results.map((r) => ({ integration: r.integration, check: r.check, id: r.recordId, time: r.time, severity: r.severity, title: r.title, indicators: r.indicators }));
      if (values.json === true) {
        io.out(JSON.stringify({ results, next: page.next }));
        return 0;
      }
      if (results.length === 0) io.out('No matching signals.');
      for (const r of results) io.out(`${r.time}  ${r.severity.padEnd(13)}  ${r.integration}  ${r.check}  ${r.title}`);
      if (page.next !== null) io.out(`More: azsec search … --next ${page.next}`);
      return 0;
    } finally {
      await app.close();
    }
  },
};
