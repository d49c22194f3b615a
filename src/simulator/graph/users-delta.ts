// GET /users/delta: a full listing paged by $skiptoken ending in an @odata.deltaLink, then the changes since that
// link (latest state per user, deleted users as {"id","@removed":{"reason":"deleted"}}). Delta tokens last 7 days
// and die when a test expires them: 410 Gone with a Location header, as Graph answers for directory objects.
import type { GraphObject } from '../data/dataset.ts';
import { ENDPOINT_SPECS } from '../endpoints.ts';
import type { SimTenant } from '../sim-tenant.ts';
import { GraphHttpError } from './graph-http-error.ts';
import { parseFilterFor, shapeRecord } from './list-page.ts';

const DELTA_TOKEN_LIFETIME_MS = 7 * 86_400_000;
const PAGE_SIZE = 200;

interface DeltaState {
  t: string;
  /** Changes after this sequence number are due (0: a full listing). */
  from: number;
  /** Changes up to this sequence number belong to this round. */
  upto: number;
  /** Paging position: the last id (full listing) or sequence number (incremental) served. */
  after: string | number | null;
  epoch: number;
  /** Simulated time the round started, for the 7-day lifetime. */
  at: number;
  select: string | null;
}

function encode(state: DeltaState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decode(text: string, tenant: SimTenant): DeltaState | undefined {
  try {
    const s = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as DeltaState;
    return s.t === tenant.info.tenantId && typeof s.upto === 'number' ? s : undefined;
  } catch {
    return undefined;
  }
}

export interface DeltaPage {
  body: Record<string, unknown>;
}

export function usersDelta(
  tenant: SimTenant,
  params: URLSearchParams,
  graphBase: string,
  simNow: number,
  maxPageSize: number | undefined,
): DeltaPage {
  const spec = ENDPOINT_SPECS.users;
  const get = (name: string): string | undefined => {
    for (const [k, v] of params) if (k.toLowerCase() === name) return v;
    return undefined;
  };
  for (const option of ['$top', '$orderby', '$expand', '$skip', '$search']) {
    if (get(option) !== undefined) {
      const name = option.slice(1);
      throw new GraphHttpError(400, 'BadRequest', `The query parameter '${option}' is not supported with '${name === 'top' ? 'Top' : name}' on delta queries.`);
    }
  }
  const filterText = get('$filter');
  const filter = parseFilterFor({ ...spec, filters: { id: ['eq'] } }, filterText);
  const link = `${graphBase}/users/delta`;
  const gone = (): GraphHttpError =>
    new GraphHttpError(410, 'syncStateNotFound', 'The sync state generation is not found. Start a full synchronization again.', { Location: link });

  const tokenText = get('$deltatoken') ?? get('$skiptoken');
  const latest = tenant.dataset.userChangesSince(Number.MAX_SAFE_INTEGER).latestSeq;
  let state: DeltaState;
  if (tokenText === 'latest') {
    const s: DeltaState = { t: tenant.info.tenantId, from: latest, upto: latest, after: null, epoch: tenant.deltaEpoch, at: simNow, select: get('$select') ?? null };
    return { body: { '@odata.context': `${graphBase}/$metadata#users`, '@odata.deltaLink': `${link}?$deltatoken=${encode(s)}`, value: [] } };
  }
  if (tokenText === undefined) {
    state = { t: tenant.info.tenantId, from: 0, upto: latest, after: null, epoch: tenant.deltaEpoch, at: simNow, select: get('$select') ?? null };
  } else {
    const decoded = decode(tokenText, tenant);
    if (decoded === undefined) throw gone();
    if (decoded.epoch !== tenant.deltaEpoch || simNow - decoded.at > DELTA_TOKEN_LIFETIME_MS) throw gone();
    state = decoded;
    if (get('$deltatoken') !== undefined) {
      // A delta link starts a new round: everything after its sequence number, up to now.
      state = { ...decoded, from: decoded.upto, upto: latest, after: null, at: simNow };
    }
  }
  const select = state.select?.split(',').map((s) => s.trim()).filter(Boolean);
  const size = Math.min(maxPageSize ?? PAGE_SIZE, 999);
  const shape = (u: GraphObject): GraphObject => shapeRecord(spec, u, select, true);

  let items: Array<{ pos: string | number; obj: GraphObject }>;
  if (state.from === 0) {
    // Full listing: every user that exists now, by id.
    const users = tenant.dataset.endpoint('users');
    items = [];
    for (let i = 0; i < users.size(); i++) {
      const u = users.render(i);
      items.push({ pos: String(u.id), obj: shape(u) });
    }
    items.sort((a, b) => (a.pos < b.pos ? -1 : a.pos > b.pos ? 1 : 0));
    if (state.after !== null) items = items.filter((x) => (x.pos as string) > (state.after as string));
  } else {
    const { changes } = tenant.dataset.userChangesSince(state.from);
    items = changes
      .filter((c) => c.seq <= state.upto && (state.after === null || c.seq > (state.after as number)))
      .sort((a, b) => a.seq - b.seq)
      .map((c) => {
        if (c.removed !== undefined) {
          return { pos: c.seq, obj: { '@odata.type': '#microsoft.graph.user', id: c.id, '@removed': { reason: c.removed } } };
        }
        return { pos: c.seq, obj: shape(tenant.dataset.user(c.id) ?? { id: c.id }) };
      });
  }
  if (filter !== undefined) {
    items = items.filter((x) => parseIdFilter(filterText ?? '').has(String(x.obj.id).toLowerCase()));
  }
  const page = items.slice(0, size);
  const body: Record<string, unknown> = { '@odata.context': `${graphBase}/$metadata#users(${select?.join(',') ?? ''})`, value: page.map((x) => x.obj) };
  if (items.length > size) {
    const last = page[page.length - 1];
    body['@odata.nextLink'] = `${link}?$skiptoken=${encode({ ...state, after: last?.pos ?? null })}`;
  } else {
    body['@odata.deltaLink'] = `${link}?$deltatoken=${encode({ ...state, after: null, from: state.upto, at: simNow })}`;
  }
  return { body };
}

/** Delta accepts only `id eq '…'` terms joined by `or` (up to 50 ids). */
function parseIdFilter(text: string): Set<string> {
  const ids = [...text.matchAll(/id\s+eq\s+'([^']+)'/gi)].map((m) => (m[1] as string).toLowerCase());
  if (ids.length > 50) throw new GraphHttpError(400, 'BadRequest', 'The number of ids in the filter exceeds the limit of 50.');
  return new Set(ids);
}
