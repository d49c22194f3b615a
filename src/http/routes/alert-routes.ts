// Alerts the detection rules raised: the filtered, paged list, one alert with its matched signals, the operator's
// status change, and the rule labels (built-in and imported Sigma rules) the console shows next to rule ids. Same
// JSON shape as `azsec alerts --json`, plus the rule's catalogue title.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { alertView, matchedSignals } from '../../app/alert-view.ts';
import { AzsecError } from '../../core/errors.ts';
import { loadInstallationRules } from '../../detections/installation-rules.ts';
import { ruleCatalogue } from '../../detections/rule-catalogue.ts';
import { SEVERITIES } from '../../signals/signal.ts';
import type { Severity } from '../../signals/signal.ts';
import { ALERT_STATUSES } from '../../store/store.ts';
import type { AlertQuery, AlertStatus, Store, StoredAlert } from '../../store/store.ts';
import type { ConsoleContext } from '../build-server.ts';

const iso = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 time');
/** A filter that may be repeated (?status=open&status=closed) or comma-separated (?status=open,closed). */
const repeatable = z.union([z.string().max(200), z.array(z.string().max(200)).max(20)]);
const listQuery = z.strictObject({
  status: repeatable.optional(),
  severity: repeatable.optional(),
  rule: z.string().min(1).max(200).optional(),
  integration: z.string().min(1).max(64).optional(),
  since: iso.optional(),
  until: iso.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().min(1).max(2000).optional(),
});
const statusBody = z.strictObject({ status: z.enum(ALERT_STATUSES) });

function invalid(error: z.ZodError): AzsecError {
  return new AzsecError('ERR_CONFIG_INVALID', error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
}

function listOf<T extends string>(name: string, value: string | string[], allowed: readonly T[]): T[] {
  const items = [value].flat().flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const bad = items.find((v) => !(allowed as readonly string[]).includes(v));
  if (bad !== undefined) throw new AzsecError('ERR_CONFIG_INVALID', `${name}: "${bad}" is not one of ${allowed.join(', ')}`);
  return items as T[];
}

interface RuleLabel {
  id: string;
  title: string;
  description: string;
}

/** The installation's rules by id: built-in ones and the imported Sigma rules that still parse. */
async function ruleLabels(store: Store): Promise<Map<string, RuleLabel>> {
  const catalogue = ruleCatalogue((await loadInstallationRules(store)).rules);
  return new Map(catalogue.map((r) => [r.id, { id: r.id, title: r.title, description: r.description }]));
}

function alertWithRule(a: StoredAlert, rules: Map<string, RuleLabel>): Record<string, unknown> {
  const { rule, ...rest } = alertView(a);
  return { id: a.id, rule, ruleTitle: rules.get(a.ruleId)?.title ?? null, ...rest };
}

export function alertRoutes(api: FastifyInstance, ctx: ConsoleContext): void {
  const { store } = ctx.app;
  const notFound = { error: { code: 'ERR_NOT_FOUND', message: 'No such alert' } };

  api.get('/api/v1/alerts', async (req) => {
    const parsed = listQuery.safeParse(req.query);
    if (!parsed.success) throw invalid(parsed.error);
    const q = parsed.data;
    const query: AlertQuery = { limit: q.limit };
    if (q.status !== undefined) query.statuses = listOf<AlertStatus>('status', q.status, ALERT_STATUSES);
    if (q.severity !== undefined) query.severities = listOf<Severity>('severity', q.severity, SEVERITIES);
    if (q.rule !== undefined) query.ruleId = q.rule;
    if (q.integration !== undefined) query.integration = q.integration;
    if (q.since !== undefined) query.since = new Date(q.since).toISOString();
    if (q.until !== undefined) query.until = new Date(q.until).toISOString();
    if (q.cursor !== undefined) query.cursor = q.cursor;
    const [page, rules] = await Promise.all([store.listAlerts(query), ruleLabels(store)]);
    return { alerts: page.alerts.map((a) => alertWithRule(a, rules)), next: page.next };
  });

  api.get<{ Params: { id: string } }>('/api/v1/alerts/:id', async (req, reply) => {
    const alert = await store.getAlert(req.params.id);
    if (alert === null) return reply.code(404).send(notFound);
    const rules = await ruleLabels(store);
    return { ...alertWithRule(alert, rules), ruleDescription: rules.get(alert.ruleId)?.description ?? null, matchedSignals: await matchedSignals(store, alert) };
  });

  api.post<{ Params: { id: string } }>('/api/v1/alerts/:id/status', async (req, reply) => {
    const parsed = statusBody.safeParse(req.body);
    if (!parsed.success) throw invalid(parsed.error);
    if (!(await store.setAlertStatus(req.params.id, parsed.data.status))) return reply.code(404).send(notFound);
    const alert = await store.getAlert(req.params.id);
    if (alert === null) return reply.code(404).send(notFound);
    return alertWithRule(alert, await ruleLabels(store));
  });

  // For the console's rule filter and labels; the rules' tunables stay with `azsec rules`.
  api.get('/api/v1/rules', async () => ({ rules: [...(await ruleLabels(store)).values()] }));
}
