// A Graph error answer: status, Graph's error code and message, optional headers (Retry-After, Location).
export class GraphHttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** Graph's error body: {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}. */
export function graphErrorBody(code: string, message: string, requestId: string, clientRequestId: string | undefined, now: number): string {
  const innerError: Record<string, string> = {
    date: new Date(now).toISOString().slice(0, 19),
    'request-id': requestId,
    'client-request-id': clientRequestId ?? requestId,
  };
  return JSON.stringify({ error: { code, message, innerError } });
}
