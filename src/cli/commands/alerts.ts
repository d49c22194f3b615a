// `azsec alerts`: the alerts the detection rules raised, newest first; `alerts show ID` one alert with its matched
// signals; `alerts ack|close|reopen ID` sets its status.
import { parseArgs } from 'node:util';
import { openApp } from '../../app/open-app.ts';
import { alertView, matchedSignals } from '../../app/alert-view.ts';
import { AzsecError } from '../../core/errors.ts';
import { SEVERITIES } from '../../signals/signal.ts';
import type { Severity } from '../../signals/signal.ts';
import { ALERT_STATUSES } from '../../store/store.ts';
import type { AlertQuery, AlertStatus, StoredAlert } from '../../store/store.ts';
import type { CliCommand, CliIo, GlobalOptions } from '../command.ts';

const USAGE = [
  'Usage: azsec alerts [--status LIST] [--severity LIST] [--rule ID] [--integration NAME] [--since ISO] [--until ISO]',
  '                    [--limit 50] [--next CURSOR] [--json]',
  '       azsec alerts show ID [--json]',
  '       azsec alerts ack|close|reopen ID',
  '',
  'Lists the alerts raised by the detection rules, newest first (by the time of the signal that raised them).',
  `--status and --severity take comma lists (${ALERT_STATUSES.join(', ')}; ${SEVERITIES.join(', ')}). With --json it`,
  'prints {"alerts":[{"id","rule","severity","status","time","integration","groupKey","title","absorbed","signals",',
  '"fields","raisedAt","updatedAt"}],"next"}; pass "next" back with --next for the following page.',
  '`show` adds the matched signals; `ack` marks an alert acknowledged, `close` closed, `reopen` open again.',
].join('\n');

function list<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((v) => {
    const item = v.trim();
    if (!(allowed as readonly string[]).includes(item)) throw new AzsecError('ERR_CONFIG_INVALID', `--${name}: "${item}" is not one of ${allowed.join(', ')}`);
    return item as T;
  });
}

function isoOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (Number.isNaN(Date.parse(value))) throw new AzsecError('ERR_CONFIG_INVALID', `--${name}: "${value}" is not an ISO 8601 time`);
  return new Date(Date.parse(value)).toISOString();
}

function alertLine(a: StoredAlert): string {
  return `${a.time}  ${a.severity.padEnd(13)}  ${a.status.padEnd(12)}  ${a.integration}  ${a.ruleId}  ${a.title}${a.absorbed > 0 ? ` (+${a.absorbed} more)` : ''}`;
}

async function listAlerts(args: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      status: { type: 'string' },
      severity: { type: 'string' },
      rule: { type: 'string' },
      integration: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      limit: { type: 'string' },
      next: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new AzsecError('ERR_CONFIG_INVALID', '--limit must be an integer from 1 to 1000');
  const query: AlertQuery = { limit };
  const statuses = list<AlertStatus>('status', values.status, ALERT_STATUSES);
  const severities = list<Severity>('severity', values.severity, SEVERITIES);
  const since = isoOption('since', values.since);
  const until = isoOption('until', values.until);
  if (statuses !== undefined) query.statuses = statuses;
  if (severities !== undefined) query.severities = severities;
  if (values.rule !== undefined) query.ruleId = values.rule;
  if (values.integration !== undefined) query.integration = values.integration;
  if (since !== undefined) query.since = since;
  if (until !== undefined) query.until = until;
  if (values.next !== undefined) query.cursor = values.next;
  const app = await openApp({ dataDir: globals.dataDir, storeUrl: globals.storeUrl, env: io.env, logFormat: globals.logFormat });
  try {
    const page = await app.store.listAlerts(query);
    if (values.json === true) {
      io.out(JSON.stringify({ alerts: page.alerts.map(alertView), next: page.next }));
      return 0;
    }
    if (page.alerts.length === 0) io.out('No alerts.');
    for (const a of page.alerts) io.out(alertLine(a));
    if (page.next !== null) io.out(`More: azsec alerts … --next ${page.next}`);
    return 0;
  } finally {
    await app.close();
  }
}

async function showAlert(args: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  const id = positionals[0];
  if (id === undefined || positionals.length !== 1) throw new AzsecError('ERR_CONFIG_INVALID', 'Usage: azsec alerts show ID [--json]');
  const app = await openApp({ dataDir: globals.dataDir, storeUrl: globals.storeUrl, env: io.env, logFormat: globals.logFormat });
  try {
    const alert = await app.store.getAlert(id);
    if (alert === null) throw new AzsecError('ERR_CONFIG_INVALID', `No alert has the id "${id}" (see azsec alerts).`, { alert: id });
    const signals = await matchedSignals(app.store, alert);
    if (values.json === true) {
      io.out(JSON.stringify({ ...alertView(alert), matchedSignals: signals }));
      return 0;
    }
    io.out(alertLine(alert));
    io.out(`id: ${alert.id}`);
    io.out(`group: ${alert.groupKey}`);
    io.out(`fields: ${JSON.stringify(alert.fields)}`);
    io.out(`raised: ${alert.raisedAt}  updated: ${alert.updatedAt}`);
    io.out(`matched signals (${signals.length}${alert.absorbed > 0 ? `; ${alert.absorbed} later matches absorbed` : ''}):`);
    for (const s of signals) io.out('missing' in s ? `  ${s.check} ${s.recordId} (no longer stored)` : `  ${s.time}  ${s.check}  ${s.title}`);
    return 0;
  } finally {
    await app.close();
  }
}

const STATUS_OF: Record<string, AlertStatus> = { ack: 'acknowledged', close: 'closed', reopen: 'open' };

async function setStatus(verb: string, args: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
  const id = positionals[0];
  const status = STATUS_OF[verb] as AlertStatus;
  if (id === undefined || positionals.length !== 1) throw new AzsecError('ERR_CONFIG_INVALID', `Usage: azsec alerts ${verb} ID`);
  const app = await openApp({ dataDir: globals.dataDir, storeUrl: globals.storeUrl, env: io.env, logFormat: globals.logFormat });
  try {
    if (!(await app.store.setAlertStatus(id, status))) throw new AzsecError('ERR_CONFIG_INVALID', `No alert has the id "${id}" (see azsec alerts).`, { alert: id });
    io.out(`Alert ${id} is now ${status}.`);
    return 0;
  } finally {
    await app.close();
  }
}

export const alertsCommand: CliCommand = {
  name: 'alerts',
  summary: 'list the alerts raised by the detection rules, show one, or set its status',
  usage: USAGE,
  async run(args, globals, io) {
    const [first, ...rest] = args;
    if (first === 'show') return showAlert(rest, globals, io);
    if (first !== undefined && first in STATUS_OF) return setStatus(first, rest, globals, io);
    return listAlerts(args, globals, io);
  },
};
