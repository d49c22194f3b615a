// Shared set-up for the simulator's behaviour tests: one simulator per test file (one CA per process, because fetch
// caches its TLS context), tokens from its token endpoint, and plain fetch calls to Graph over real HTTPS.
import { trustExtraCa } from '../../src/core/extra-ca.ts';
import { startSimulator } from '../../src/simulator/start-simulator.ts';
import type { Simulator, SimulatorOptions } from '../../src/simulator/types.ts';
import { simulatorStateDir } from '../helpers/simulator-state-dir.ts';

/** A fixed simulated clock start, so generated data is the same on every run. */
export const SIM_START = Date.UTC(2026, 2, 2, 12, 0, 0);

export async function startTestSimulator(opts: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  const sim = await startSimulator({
    port: 0,
    stateDir: simulatorStateDir(),
    seed: 'sim-tests',
    throttling: false,
    liveRatePerMinute: 0,
    startTime: SIM_START,
    ...opts,
  });
  trustExtraCa(sim.caPem);
  return sim;
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON body (undefined when the body is empty). */
  body: Record<string, unknown>;
  text: string;
}

async function asJson(res: Response): Promise<JsonResponse> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), text };
}

/** POSTs a client-credentials form to {url}/{tenant}/oauth2/v2.0/token. */
export async function postToken(sim: Simulator, tenantSegment: string, form: Record<string, string>): Promise<JsonResponse> {
  const res = await fetch(`${sim.url}/${tenantSegment}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return asJson(res);
}

/** The form a collector sends for a tenant's client secret and the Graph scope. */
export function secretForm(sim: Simulator, tenant: string, over: Record<string, string> = {}): Record<string, string> {
  const info = sim.tenant(tenant).info;
  return {
    grant_type: 'client_credentials',
    client_id: info.clientId,
    client_secret: info.clientSecret,
    scope: 'https://graph.microsoft.com/.default',
    ...over,
  };
}

/** A fresh access token for a tenant (client secret). */
export async function accessToken(sim: Simulator, tenant: string): Promise<string> {
  const info = sim.tenant(tenant).info;
  const res = await postToken(sim, info.tenantId, secretForm(sim, tenant));
  if (res.status !== 200) throw new Error(`token request for ${tenant} failed: ${res.status} ${res.text}`);
  return res.body.access_token as string;
}

/** The claims of a JWT, without verifying it. */
export function jwtClaims(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (part === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** GET a Graph path (`/v1.0/...`) or a full URL (a nextLink) with a bearer token and extra headers. */
export async function graphGet(sim: Simulator, token: string | undefined, pathOrUrl: string, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const url = pathOrUrl.startsWith('https://') ? pathOrUrl : `${sim.url}${pathOrUrl}`;
  const res = await fetch(url, { headers: { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers } });
  return asJson(res);
}

/** Graph's error code and message from an error body. */
export function graphError(res: JsonResponse): { code: string; message: string } {
  const error = res.body.error as { code: string; message: string } | undefined;
  if (error === undefined) throw new Error(`expected a Graph error, got ${res.status} ${res.text.slice(0, 200)}`);
  return { code: error.code, message: error.message };
}

export type GraphRecord = Record<string, unknown>;

/** Follows @odata.nextLink verbatim from a first path until the last page; fails on any non-200. */
export async function pageAll(
  sim: Simulator,
  token: string,
  firstPath: string,
  headers: Record<string, string> = {},
): Promise<{ records: GraphRecord[]; pages: number; pageSizes: number[] }> {
  const records: GraphRecord[] = [];
  const pageSizes: number[] = [];
  let next: string | undefined = firstPath;
  while (next !== undefined) {
    const res = await graphGet(sim, token, next, headers);
    if (res.status !== 200) throw new Error(`GET ${next} answered ${res.status}: ${res.text.slice(0, 300)}`);
    const value = res.body.value as GraphRecord[];
    records.push(...value);
    pageSizes.push(value.length);
    const link = res.body['@odata.nextLink'];
    if (link !== undefined && link === next) throw new Error(`the same nextLink came back twice: ${String(link)}`);
    next = typeof link === 'string' ? link : undefined;
  }
  return { records, pages: pageSizes.length, pageSizes };
}

export function ms(iso: unknown): number {
  return Date.parse(String(iso));
}
