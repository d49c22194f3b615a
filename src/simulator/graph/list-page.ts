// One page of a Graph list endpoint: query options validated the way Graph validates them ($filter grammar per
// endpoint, $top limits, $orderby/$skip only where allowed), results in Graph's order, and an opaque
// @odata.nextLink whose $skiptoken remembers the last (order value, id) served, so paging stays correct while new
// records keep arriving. Sign-ins (up to millions) are answered from the sorted index without rendering the rest.
import { createHash } from 'node:crypto';
import type { EndpointData, GraphObject } from '../data/dataset.ts';
import type { SimEndpointSpec } from '../endpoints.ts';
import { FilterSyntaxError, filterTerms, matches, parseFilter, timeRange } from '../odata/filter.ts';
import type { FilterNode } from '../odata/filter.ts';
import { GraphHttpError } from './graph-http-error.ts';

export interface ListQuery {
  params: URLSearchParams;
  /** Base of nextLinks: https://host:port/v1.0 */
  graphBase: string;
  includeUnknownEnums: boolean;
  /** Prefer: odata.maxpagesize */
  maxPageSize: number | undefined;
}

export interface ListPage {
  value: GraphObject[];
  nextLink: string | undefined;
}

type OrderKey = [number | string, string];

interface SkipToken {
  /** Fingerprint of the query the token belongs to. */
  q: string;
  /** Last (order value, id) served. */
  k: OrderKey;
}

const KNOWN_OPTIONS = new Set(['$filter', '$top', '$skip', '$orderby', '$select', '$skiptoken', '$count', '$expand', '$search', '$format']);

function badRequest(message: string, code = 'BadRequest'): GraphHttpError {
  return new GraphHttpError(400, code, message);
}

function option(params: URLSearchParams, name: string): string | undefined {
  for (const [k, v] of params) if (k.toLowerCase() === name) return v;
  return undefined;
}

function capitalized(option: string): string {
  const bare = option.slice(1);
  return bare.charAt(0).toUpperCase() + bare.slice(1);
}

export function parseFilterFor(spec: SimEndpointSpec, text: string | undefined): FilterNode | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  let node: FilterNode;
  try {
    node = parseFilter(text);
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      const property = error.property;
      if (property !== undefined && !Object.keys(spec.filters).some((k) => k.toLowerCase() === property.toLowerCase())) {
        throw badRequest(`Invalid filter clause: Could not find a property named '${property}' on type '${spec.entityType}'.`);
      }
      throw badRequest(`Invalid filter clause: ${error.message}`);
    }
    throw error;
  }
  const allowed = new Map(Object.entries(spec.filters).map(([k, ops]) => [k.toLowerCase(), ops]));
  for (const term of filterTerms(node)) {
    const ops = allowed.get(term.path.toLowerCase());
    if (ops === undefined) {
      throw badRequest(`Invalid filter clause: Could not find a property named '${term.path}' on type '${spec.entityType}'.`);
    }
    if (!ops.includes(term.op)) {
      throw badRequest(`Invalid filter clause: The operator '${term.op}' is not supported for the property '${term.path}'.`);
    }
  }
  return node;
}

function orderFor(spec: SimEndpointSpec, text: string | undefined): { property: string; descending: boolean } {
  if (text === undefined || text.trim() === '') return spec.defaultOrder;
  if (spec.orderBy.length === 0) {
    throw badRequest(
      "Query option 'OrderBy' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.",
    );
  }
  const m = /^\s*([\w/]+)(\s+(asc|desc))?\s*$/i.exec(text);
  const property = spec.orderBy.find((p) => p.toLowerCase() === m?.[1]?.toLowerCase());
  if (m === null || property === undefined) throw badRequest(`OrderBy not supported for '${text.trim()}' on type '${spec.entityType}'.`);
  return { property, descending: m[3]?.toLowerCase() === 'desc' };
}

function pageSize(spec: SimEndpointSpec, text: string | undefined, preferred: number | undefined): number {
  if (text === undefined) return Math.min(spec.pageMax, preferred ?? spec.pageDefault);
  if (!/^\d+$/.test(text.trim())) throw badRequest(`Invalid value '${text}' for $top query option found.`);
  const top = Number(text);
  if (top > spec.pageMax) {
    throw badRequest(`The limit of '${spec.pageMax}' for Top query has been exceeded. The value from the incoming request is '${top}'.`);
  }
  return Math.max(1, top);
}

function fingerprint(spec: SimEndpointSpec, params: URLSearchParams): string {
  const parts = ['$filter', '$orderby', '$select', '$top'].map((o) => `${o}=${option(params, o) ?? ''}`);
  return createHash('sha256').update(`${spec.endpoint}|${parts.join('&')}`).digest('base64url').slice(0, 12);
}

function encodeToken(token: SkipToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string, expectedQuery: string): SkipToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as SkipToken;
    if (token.q === expectedQuery && Array.isArray(token.k) && token.k.length === 2) return token;
  } catch {
    // fall through to the error Graph gives for a skip token it cannot use
  }
  throw badRequest('Invalid Skip Token, skip token is null or invalid for this request.');
}

function compareKeys(a: OrderKey, b: OrderKey): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

function orderValue(obj: GraphObject, property: string): number | string {
  const v = obj[property];
  if (typeof v === 'string') {
    const ms = /^\d{4}-\d{2}-\d{2}T/.test(v) ? Date.parse(v) : Number.NaN;
    return Number.isNaN(ms) ? v.toLowerCase() : ms;
  }
  if (typeof v === 'number') return v;
  return '';
}

/** Applies $select (id is always returned, as Graph does) and masks evolvable enum members unless asked for. */
export function shapeRecord(spec: SimEndpointSpec, obj: GraphObject, select: string[] | undefined, includeUnknownEnums: boolean): GraphObject {
  let out = obj;
  if (!includeUnknownEnums && spec.evolvableEnums !== undefined) {
    for (const [property, members] of Object.entries(spec.evolvableEnums)) {
      const v = out[property];
      if (typeof v === 'string' && members.includes(v)) out = { ...out, [property]: 'unknownFutureValue' };
    }
  }
  if (select !== undefined) {
    const wanted = new Set(select.map((s) => s.toLowerCase()));
    wanted.add('id');
    out = Object.fromEntries(Object.entries(out).filter(([k]) => wanted.has(k.toLowerCase()) || k.startsWith('@')));
  }
  return out;
}

export function listPage(spec: SimEndpointSpec, data: EndpointData, query: ListQuery): ListPage {
  const { params } = query;
  for (const [k] of params) {
    const key = k.toLowerCase();
    if (key.startsWith('$') && !KNOWN_OPTIONS.has(key)) throw badRequest(`Query option '${capitalized(key)}' is not supported.`);
  }
  const skipText = option(params, '$skip');
  if (skipText !== undefined && !spec.skip) {
    throw badRequest(
      "Query option 'Skip' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.",
    );
  }
  if (option(params, '$expand') !== undefined && spec.endpoint !== 'security.incidents') {
    throw badRequest(`Query option 'Expand' is not allowed on type '${spec.entityType}'.`);
  }
  const skip = skipText === undefined ? 0 : Number(skipText);
  if (!Number.isInteger(skip) || skip < 0) throw badRequest(`Invalid value '${skipText}' for $skip query option found.`);
  const filter = parseFilterFor(spec, option(params, '$filter'));
  const order = orderFor(spec, option(params, '$orderby'));
  const top = pageSize(spec, option(params, '$top'), query.maxPageSize);
  const selectText = option(params, '$select');
  const select = selectText === undefined ? undefined : selectText.split(',').map((s) => s.trim()).filter(Boolean);
  const q = fingerprint(spec, params);
  const tokenText = option(params, '$skiptoken');
  const after = tokenText === undefined ? undefined : decodeToken(tokenText, q).k;
  const initialSkip = after === undefined ? skip : 0;

  const page =
    order.property === data.timeProperty
      ? indexedPage(data, filter, order.descending, top, after, initialSkip)
      : scannedPage(data, filter, order, top, after, initialSkip);

  const value = page.records.map((r) => shapeRecord(spec, r, select, query.includeUnknownEnums));
  let nextLink: string | undefined;
  if (page.last !== undefined && !(spec.topIsTotal === true && option(params, '$top') !== undefined)) {
    const next = new URLSearchParams();
    for (const [k, v] of params) if (k.toLowerCase() !== '$skiptoken' && k.toLowerCase() !== '$skip') next.append(k, v);
    next.append('$skiptoken', encodeToken({ q, k: page.last }));
    nextLink = `${query.graphBase}${spec.path}?${next.toString().replace(/%24/g, '$').replace(/%2C/gi, ',')}`;
  }
  return { value, nextLink };
}

interface RawPage {
  records: GraphObject[];
  /** Key of the last record served when more remain. */
  last: OrderKey | undefined;
}

function indexedPage(
  data: EndpointData,
  filter: FilterNode | undefined,
  descending: boolean,
  top: number,
  after: OrderKey | undefined,
  skip: number,
): RawPage {
  const range = timeRange(filter, data.timeProperty);
  const lo = range.from === -Infinity ? 0 : range.fromStrict ? data.upperBound(range.from) : data.lowerBound(range.from);
  const hi = range.to === Infinity ? data.size() : range.toStrict ? data.lowerBound(range.to) : data.upperBound(range.to);
  const records: GraphObject[] = [];
  let skipped = 0;
  let lastKey: OrderKey | undefined;
  const accept = (i: number): boolean => {
    // Returns false when the page is full and one more match exists (so a nextLink is due).
    const obj = data.render(i);
    if (!range.timeOnly && filter !== undefined && !matches(filter, obj)) return true;
    if (skipped < skip) {
      skipped++;
      return true;
    }
    if (records.length === top) return false;
    records.push(obj);
    lastKey = [data.timeAt(i), data.idAt(i)];
    return true;
  };
  if (!descending) {
    let i = lo;
    if (after !== undefined) {
      const t = after[0] as number;
      i = Math.max(lo, data.lowerBound(t));
      while (i < hi && data.timeAt(i) === t && data.idAt(i) <= after[1]) i++;
    }
    for (; i < hi; i++) if (!accept(i)) return { records, last: lastKey };
  } else {
    let i = hi - 1;
    if (after !== undefined) {
      const t = after[0] as number;
      i = Math.min(hi, data.upperBound(t)) - 1;
      while (i >= lo && data.timeAt(i) === t && data.idAt(i) >= after[1]) i--;
    }
    for (; i >= lo; i--) if (!accept(i)) return { records, last: lastKey };
  }
  return { records, last: undefined };
}

function scannedPage(
  data: EndpointData,
  filter: FilterNode | undefined,
  order: { property: string; descending: boolean },
  top: number,
  after: OrderKey | undefined,
  skip: number,
): RawPage {
  const rows: Array<{ key: OrderKey; obj: GraphObject }> = [];
  for (let i = 0; i < data.size(); i++) {
    const obj = data.render(i);
    if (filter !== undefined && !matches(filter, obj)) continue;
    rows.push({ key: [orderValue(obj, order.property), String(obj.id)], obj });
  }
  const sign = order.descending ? -1 : 1;
  rows.sort((a, b) => sign * compareKeys(a.key, b.key));
  let start = skip;
  if (after !== undefined) {
    start = rows.findIndex((r) => sign * compareKeys(r.key, after) > 0);
    if (start === -1) start = rows.length;
  }
  const slice = rows.slice(start, start + top);
  const more = start + top < rows.length;
  return { records: slice.map((r) => r.obj), last: more ? slice[slice.length - 1]?.key : undefined };
}
