// Signals search and detail, with the same query as `azsec search`.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CHECK_IDS } from '../../core/check-ids.ts';
import { AzsecError } from '../../core/errors.ts';
import { normalizeIndicator, normalizeQueryValue } from '../../normalize/indicators.ts';
import { INDICATOR_TYPES, SEVERITIES, SIGNAL_KINDS } from '../../signals/signal.ts';
import type { SignalQuery } from '../../store/store.ts';
import type { ConsoleContext } from '../build-server.ts';

const iso = z.string().refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 time');
const searchQuery = z.strictObject({
  indicator: z.string().min(1).max(4096).optional(),
  type: z.enum(INDICATOR_TYPES).optional(),
  text: z.string().min(1).max(1000).optional(),
  since: iso.optional(),
  until: iso.optional(),
  check: z.enum(CHECK_IDS).optional(),
  integration: z.string().min(1).max(64).optional(),
  severity: z.string().optional(),
  kind: z.enum(SIGNAL_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  next: z.string().max(2000).optional(),
});

export function signalRoutes(api: FastifyInstance, ctx: ConsoleContext): void {
  api.get('/api/v1/signals', async (req) => {
    const parsed = searchQuery.safeParse(req.query);
    if (!parsed.success) throw new AzsecError('ERR_CONFIG_INVALID', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const q = parsed.data;
    const query: SignalQuery = { limit: q.limit };
    if (q.indicator !== undefined) {
      const value = q.type === undefined ? normalizeQueryValue(q.indicator)[0]?.value : normalizeIndicator(q.type, q.indicator);
      if (value === undefined || value === null) throw new AzsecError('ERR_CONFIG_INVALID', `indicator: not a valid ${q.type ?? 'indicator'} value`);
      query.indicator = value;
      if (q.type !== undefined) query.indicatorType = q.type;
    }
    if (q.text !== undefined) query.text = q.text;
    if (q.since !== undefined) query.since = new Date(q.since).toISOString();
    if (q.until !== undefined) query.until = new Date(q.until).toISOString();
    if (q.check !== undefined) query.check = q.check;
    if (q.integration !== undefined) query.integration = q.integration;
    if (q.kind !== undefined) query.kind = q.kind;
    if (q.next !== undefined) query.cursor = q.next;
    if (q.severity !== undefined) {
      const list = q.severity.split(',').map((s) => s.trim());
      const bad = list.find((s) => !(SEVERITIES as readonly string[]).includes(s));
      if (bad !== undefined) throw new AzsecError('ERR_CONFIG_INVALID', `severity: "${bad}" is not one of ${SEVERITIES.join(', ')}`);
      query.severities = list as SignalQuery['severities'] & string[];
    }
    const page = await ctx.app.store.searchSignals(query);
    return {
      results: page.results.map((r) => ({ integration: r.integration, check: r.check, id: r.recordId, version: r.version, time: r.time, severity: r.severity, kind: r.kind, title: r.title, indicators: r.indicators })),
      next: page.next,
    };
  });

  api.get<{ Params: { integration: string; check: string; id: string; version: string } }>('/api/v1/signals/:integration/:check/:id/:version', async (req, reply) => {
    const { integration, check, id, version } = req.params;
    if (!(CHECK_IDS as readonly string[]).includes(check)) throw new AzsecError('ERR_CONFIG_INVALID', `check: "${check}" is not a check id`);
    const signal = await ctx.app.store.getSignal(integration, check as (typeof CHECK_IDS)[number], id, version);
    if (signal === null) return reply.code(404).send({ error: { code: 'ERR_NOT_FOUND', message: 'No such signal' } });
    return { signal };
  });

  // The record as Graph sent it, for the detail view.
  api.get<{ Params: { integration: string; check: string; id: string; version: string } }>('/api/v1/records/:integration/:check/:id/:version', async (req, reply) => {
    const { integration, check, id, version } = req.params;
    if (!(CHECK_IDS as readonly string[]).includes(check)) throw new AzsecError('ERR_CONFIG_INVALID', `check: "${check}" is not a check id`);
    const record = await ctx.app.store.getRecord(integration, check as (typeof CHECK_IDS)[number], id, version);
    if (record === null) return reply.code(404).send({ error: { code: 'ERR_NOT_FOUND', message: 'No such record' } });
    const head = JSON.stringify({ integration, check, id, version, time: record.time });
    // The raw text is spliced in as received, not re-serialised.
    return reply.type('application/json; charset=utf-8').send(`${head.slice(0, -1)},"raw":${record.raw}}`);
  });
}
