// Classifies every Graph response before anyone retries: ok, retry (transient), throttled, reauthenticate, or fail
// with a coded error (GRAPH-FACTS §4). Branches on Graph's error code, never on wording, except where Graph gives
// no distinguishing code (licence messages under a generic "Forbidden").
import { AzsecError } from '../core/errors.ts';

export type Classified =
  | { kind: 'ok'; body: Record<string, unknown> }
  | { kind: 'retry'; afterMs: number | undefined; error: AzsecError }
  | { kind: 'throttled'; afterMs: number | undefined }
  | { kind: 'reauth'; error: AzsecError }
  | { kind: 'fail'; error: AzsecError };

export interface GraphErrorInfo {
  code: string;
  message: string;
  requestId: string | undefined;
}

export function graphErrorInfo(body: string): GraphErrorInfo {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown; innerError?: Record<string, unknown> } };
    const e = parsed.error;
    if (e !== undefined && typeof e === 'object') {
      const inner = e.innerError ?? {};
      return {
        code: typeof e.code === 'string' ? e.code : '',
        message: typeof e.message === 'string' ? e.message : '',
        requestId: typeof inner['request-id'] === 'string' ? inner['request-id'] : undefined,
      };
    }
  } catch {
    // not JSON: fall through
  }
  return { code: '', message: body.slice(0, 300), requestId: undefined };
}

/** Retry-After: seconds, possibly fractional (Graph sends "2.128"), or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

const LICENCE_CODES = new Set(['authentication_requestfromnonpremiumtenantorb2ctenant']);
const LICENCE_WORDS = /not licensed|not provisioned|premium license|doesn't have .*license|licen[cs]e is required/i;
const PERMISSION_CODES = new Set(['authorization_requestdenied', 'accessdenied', 'forbidden']);

export function isLicenceError(info: GraphErrorInfo): boolean {
  return LICENCE_CODES.has(info.code.toLowerCase()) || LICENCE_WORDS.test(info.message);
}

export function classify(status: number, headers: Headers, body: string, nowMs: number): Classified {
  if (status === 200 || status === 206) {
    try {
      const parsed = JSON.parse(body) as unknown;
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return { kind: 'ok', body: parsed as Record<string, unknown> };
    } catch {
      // a short read or a non-JSON body: transient, retry the same URL
    }
    return { kind: 'retry', afterMs: undefined, error: new AzsecError('ERR_GRAPH_TRANSPORT', `Graph answered ${status} with a truncated or non-JSON body (${body.length} bytes)`) };
  }
  const info = graphErrorInfo(body);
  const details = { status, graphCode: info.code, requestId: info.requestId };
  const said = `${status} ${info.code}${info.message ? `: ${info.message}` : ''}`;
  if (status === 429) return { kind: 'throttled', afterMs: parseRetryAfter(headers.get('retry-after'), nowMs) };
  if (status === 401 || status === 403) {
    if (isLicenceError(info)) return { kind: 'fail', error: new AzsecError('ERR_GRAPH_FORBIDDEN_LICENSE', `Graph answered ${said}`, details) };
    if (status === 401) return { kind: 'reauth', error: new AzsecError('ERR_GRAPH_UNAUTHORIZED', `Graph answered ${said}`, details) };
    const known = PERMISSION_CODES.has(info.code.toLowerCase());
    return { kind: 'fail', error: new AzsecError('ERR_GRAPH_FORBIDDEN_PERMISSION', `Graph answered ${said}${known ? '' : ' (unrecognised 403 code, treated as a missing permission)'}`, details) };
  }
  if (status === 410 || ['syncstatenotfound', 'resyncrequired'].includes(info.code.toLowerCase())) {
    return { kind: 'fail', error: new AzsecError('ERR_GRAPH_DELTA_EXPIRED', `Graph answered ${said}`, details) };
  }
  if (status === 400) return { kind: 'fail', error: new AzsecError('ERR_GRAPH_BAD_REQUEST', `Graph rejected the query: ${said}`, details) };
  if (status === 404) return { kind: 'fail', error: new AzsecError('ERR_GRAPH_NOT_FOUND', `Graph answered ${said}`, details) };
  if (status >= 500 || status === 408) {
    return { kind: 'retry', afterMs: parseRetryAfter(headers.get('retry-after'), nowMs), error: new AzsecError('ERR_GRAPH_SERVER', `Graph answered ${said}`, details) };
  }
  return { kind: 'fail', error: new AzsecError('ERR_GRAPH_SERVER', `Graph answered an unexpected ${said}`, details) };
}
