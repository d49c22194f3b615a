// The simulator process: one HTTPS server that plays Entra ID's token endpoint and Microsoft Graph v1.0 for several
// tenants. Routing, authentication, faults, permissions/licences and throttling are decided here, in the order Graph
// applies them; paging and data live in graph/ and data/.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AzsecError } from '../core/errors.ts';
import { loadOrCreateCertificates } from './certificates.ts';
import { ENDPOINT_SPECS, endpointForPath, missingPermission } from './endpoints.ts';
import type { SimEndpointSpec } from './endpoints.ts';
import { createJwtSigner } from './entra/jwt.ts';
import { instanceDiscovery, openIdConfiguration, tokenRequest } from './entra/token-endpoint.ts';
import { FaultQueue } from './faults.ts';
import type { FaultContext, QueuedFault } from './faults.ts';
import { GraphHttpError, graphErrorBody } from './graph/graph-http-error.ts';
import { listPage } from './graph/list-page.ts';
import { Throttler } from './graph/throttling.ts';
import { usersDelta } from './graph/users-delta.ts';
import { withHostileStrings } from './hostile-strings.ts';
import { createSimTenant } from './sim-tenant.ts';
import type { SimTenant } from './sim-tenant.ts';
import type { SimEndpoint, SimRequestLogEntry, SimTenantControl, Simulator, SimulatorOptions, SimTenantSpec } from './types.ts';

const DEFAULT_TENANTS: SimTenantSpec[] = [{ name: 'contoso', profile: 'full' }];
const REQUEST_LOG_LIMIT = 200_000;

interface Handled {
  status: number;
  body: string;
  headers: Record<string, string>;
  records: number;
  endpoint: SimRequestLogEntry['endpoint'];
  tenant: SimTenant | undefined;
  clientId: string | undefined;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? 1;
  const stateDir = options.stateDir ?? join(tmpdir(), 'azsec-simulator');
  const certs = await loadOrCreateCertificates(stateDir, host);
  const signer = createJwtSigner();
  const realStart = performance.now();
  const simStart = options.startTime ?? Date.now();
  let offset = 0;
  const now = (): number => Math.floor(simStart + (performance.now() - realStart) + offset);
  let liveRate = options.liveRatePerMinute ?? 20;
  const tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 3599;
  const throttler = new Throttler(options.throttling ?? true);
  const faults = new FaultQueue();
  let tokenSeq = 0;
  let log: SimRequestLogEntry[] = [];

  const tenants: SimTenant[] = [];
  for (const spec of options.tenants ?? DEFAULT_TENANTS) {
    if (tenants.some((t) => t.info.name === spec.name)) throw new Error(`Duplicate simulated tenant name '${spec.name}'`);
    tenants.push(createSimTenant(spec, seed, simStart));
  }
  const findTenant = (key: string): SimTenant | undefined => {
    const k = key.toLowerCase();
    return tenants.find((t) => t.info.tenantId === k || t.info.name.toLowerCase() === k || t.domain === k);
  };
  const tick = (t: SimTenant): void => t.dataset.tick(now(), liveRate);
  for (const t of tenants) tick(t);

  let baseUrl = '';

  function graphError(error: GraphHttpError, requestId: string, clientRequestId: string | undefined): Pick<Handled, 'status' | 'body' | 'headers'> {
    return { status: error.status, body: graphErrorBody(error.code, error.message, requestId, clientRequestId, now()), headers: error.headers };
  }

  async function handle(req: IncomingMessage, url: URL, requestId: string, faultCtx: FaultContext): Promise<Handled> {
    const segments = url.pathname.split('/').filter(Boolean);
    const clientRequestId = header(req, 'client-request-id');
    const base: Omit<Handled, 'status' | 'body' | 'headers'> = { records: 0, endpoint: 'other', tenant: undefined, clientId: undefined };

    // Entra ID: /{tenant}/oauth2/v2.0/token and the metadata msal-node reads.
    if (segments[0] !== 'v1.0') {
      const tenantSegment = segments[0] ?? '';
      const tenant = findTenant(tenantSegment);
      const rest = segments.slice(1).join('/');
      if (req.method === 'POST' && rest === 'oauth2/v2.0/token') {
        Object.assign(faultCtx, { endpoint: 'token', tenantId: tenant?.info.tenantId, tenantName: tenant?.info.name });
        const fault = await applyFault(faults.take(faultCtx), 'token');
        if (fault !== undefined) return { ...base, ...fault, endpoint: 'token', tenant };
        const form = new URLSearchParams(await readBody(req));
        const result = tokenRequest(tenantSegment, form, header(req, 'authorization'), {
          baseUrl,
          resources: [baseUrl, 'https://graph.microsoft.com'],
          signer,
          simNow: now(),
          tokenLifetimeSeconds,
          nextTokenSeq: () => ++tokenSeq,
          findTenant,
        });
        return { ...base, status: result.status, body: JSON.stringify(result.body), headers: {}, endpoint: 'token', tenant, clientId: form.get('client_id') ?? undefined };
      }
      if (req.method === 'GET' && (rest === 'v2.0/.well-known/openid-configuration' || rest === '.well-known/openid-configuration')) {
        if (tenant === undefined && !['common', 'organizations'].includes(tenantSegment)) {
          const body = tokenRequest(tenantSegment, new URLSearchParams(), undefined, {
            baseUrl, resources: [], signer, simNow: now(), tokenLifetimeSeconds, nextTokenSeq: () => 0, findTenant,
          }).body;
          return { ...base, status: 400, body: JSON.stringify(body), headers: {}, endpoint: 'metadata' };
        }
        return { ...base, status: 200, body: JSON.stringify(openIdConfiguration(baseUrl, tenantSegment, tenant)), headers: {}, endpoint: 'metadata', tenant };
      }
      if (req.method === 'GET' && rest === 'discovery/instance') {
        return { ...base, status: 200, body: JSON.stringify(instanceDiscovery(baseUrl, url.searchParams.get('authorization_endpoint'))), headers: {}, endpoint: 'metadata' };
      }
      if (req.method === 'GET' && rest === 'discovery/v2.0/keys') {
        return { ...base, status: 200, body: JSON.stringify({ keys: [] }), headers: {}, endpoint: 'metadata' };
      }
      return { ...base, status: 404, body: JSON.stringify({ error: 'not_found', error_description: `No route for ${req.method} ${url.pathname}` }), headers: {} };
    }

    // Graph v1.0: the caller's tenant comes from the access token.
    const graphPath = '/' + segments.slice(1).join('/');
    const isDelta = graphPath.toLowerCase() === '/users/delta';
    const spec: SimEndpointSpec | undefined = isDelta ? ENDPOINT_SPECS.users : endpointForPath(graphPath);
    const endpoint: SimEndpoint | 'other' = spec?.endpoint ?? 'other';
    const token = /^Bearer (.+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
    const claims = token === undefined ? undefined : signer.verify(token);
    const tenant = typeof claims?.tid === 'string' ? findTenant(claims.tid) : undefined;
    const clientId = typeof claims?.appid === 'string' ? claims.appid : undefined;
    Object.assign(faultCtx, {
      endpoint,
      tenantId: tenant?.info.tenantId,
      tenantName: tenant?.info.name,
      pageAfterFirst: url.searchParams.has('$skiptoken') || url.searchParams.has('$skip'),
    });
    const at = { ...base, endpoint, tenant, clientId };
    try {
      if (token === undefined) throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
      if (claims === undefined || tenant === undefined) throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid signature.');
      if (typeof claims.exp === 'number' && claims.exp * 1000 <= now()) {
        throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
      }
      if (typeof claims.xms_sim_seq === 'number' && claims.xms_sim_seq < tenant.revokedBelow) {
        throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
      }
      if (claims.aud !== baseUrl && claims.aud !== 'https://graph.microsoft.com') {
        throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
      }
      const fault = await applyFault(faults.take(faultCtx), endpoint);
      if (fault !== undefined) return { ...at, ...fault };
      if (spec === undefined) {
        throw new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${segments[segments.length - 1] ?? ''}'.`);
      }
      if (req.method !== 'GET') throw new GraphHttpError(405, 'Request_BadRequest', `The HTTP method '${req.method ?? ''}' is not allowed for this resource.`);
      const roles = Array.isArray(claims.roles) ? (claims.roles as string[]) : [];
      const missing = missingPermission(spec, roles);
      if (missing !== undefined) {
        throw new GraphHttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
      }
      if (spec.quirkPermission !== undefined && !roles.includes(spec.quirkPermission.role)) {
        const e = spec.quirkPermission.error;
        throw new GraphHttpError(e.status, e.code, e.message);
      }
      if (spec.licence !== undefined && !spec.licence.anyOf.some((l) => tenant.licences.has(l))) {
        const e = spec.licence.error;
        throw new GraphHttpError(e.status, e.code, e.message);
      }
      const verdict = throttler.admit(spec.service, tenant.info.tenantId, clientId ?? '');
      if (verdict !== undefined) {
        const headers: Record<string, string> = { 'x-ms-throttle-scope': verdict.scope, 'x-ms-throttle-information': 'ResourceUnitLimitExceeded' };
        if (verdict.retryAfterSeconds !== undefined) headers['Retry-After'] = String(verdict.retryAfterSeconds);
        throw new GraphHttpError(429, 'TooManyRequests', 'Too many requests. Please retry again later.', headers);
      }
      tick(tenant);
      const graphBase = `${baseUrl}/v1.0`;
      const prefer = header(req, 'prefer') ?? '';
      const maxPage = /odata\.maxpagesize=(\d+)/i.exec(prefer)?.[1];
      if (isDelta) {
        const page = usersDelta(tenant, url.searchParams, graphBase, now(), maxPage === undefined ? undefined : Number(maxPage));
        const records = (page.body.value as unknown[]).length;
        return { ...at, status: 200, body: JSON.stringify(page.body), headers: {}, records };
      }
      const page = listPage(spec, tenant.dataset.endpoint(spec.endpoint), {
        params: url.searchParams,
        graphBase,
        includeUnknownEnums: /include-unknown-enum-members/i.test(prefer),
        maxPageSize: maxPage === undefined ? undefined : Number(maxPage),
      });
      const body: Record<string, unknown> = { '@odata.context': `${graphBase}/$metadata#${spec.path.slice(1)}` };
      if (page.nextLink !== undefined) body['@odata.nextLink'] = page.nextLink;
      body.value = tenant.hostileStrings ? page.value.map(withHostileStrings) : page.value;
      const headers: Record<string, string> = {};
      if (/include-unknown-enum-members/i.test(prefer)) headers['Preference-Applied'] = 'include-unknown-enum-members';
      return { ...at, status: 200, body: JSON.stringify(body), headers, records: page.value.length };
    } catch (error) {
      if (error instanceof GraphHttpError) return { ...at, ...graphError(error, requestId, clientRequestId) };
      throw error;
    }
  }

  /** Turns a queued fault into a response, or waits (slow) and lets the request continue. 'reset' is handled by the caller. */
  async function applyFault(
    fault: QueuedFault | undefined,
    endpoint: SimRequestLogEntry['endpoint'],
  ): Promise<Pick<Handled, 'status' | 'body' | 'headers'> | undefined> {
    if (fault === undefined) return undefined;
    const requestId = randomUUID();
    switch (fault.kind) {
      case 'slow':
        await new Promise((r) => setTimeout(r, fault.delayMs));
        return undefined;
      case 'throttle': {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
        return { status: 429, body: graphErrorBody('TooManyRequests', 'Too many requests. Please retry again later.', requestId, undefined, now()), headers };
      }
      case 'status': {
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
        const body =
          fault.body !== undefined
            ? JSON.stringify(fault.body)
            : endpoint === 'token'
              ? JSON.stringify({ error: 'temporarily_unavailable', error_description: 'AADSTS90055: TenantThrottlingError', error_codes: [90055] })
              : graphErrorBody(fault.status >= 500 ? (fault.status === 503 ? 'serviceNotAvailable' : 'generalException') : 'BadRequest', 'Simulated failure.', requestId, undefined, now());
        return { status: fault.status, body, headers };
      }
      case 'truncate':
      case 'reset':
        // Marked for the caller, which owns the socket.
        return { status: -1, body: fault.kind, headers: {} };
    }
  }

  const server = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    void serve(req, res);
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const simTime = now();
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', baseUrl);
    const faultCtx: FaultContext = { tenantId: undefined, tenantName: undefined, endpoint: 'other', pageAfterFirst: false };
    let result: Handled;
    try {
      result = await handle(req, url, requestId, faultCtx);
    } catch (error) {
      result = {
        status: 500,
        body: graphErrorBody('generalException', `Simulator failure: ${(error as Error).message}`, requestId, undefined, now()),
        headers: {},
        records: 0,
        endpoint: 'other',
        tenant: undefined,
        clientId: undefined,
      };
    }
    const entry: SimRequestLogEntry = {
      startedAt,
      endedAt: Date.now(),
      simTime,
      tenantId: result.tenant?.info.tenantId,
      clientId: result.clientId,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      endpoint: result.endpoint,
      status: result.status,
      records: result.records,
      clientRequestId: header(req, 'client-request-id'),
      userAgent: header(req, 'user-agent'),
    };
    if (log.length >= REQUEST_LOG_LIMIT) log = log.slice(REQUEST_LOG_LIMIT / 2);
    log.push(entry);
    if (result.status === -1 && result.body === 'reset') {
      entry.status = 0;
      req.socket.destroy();
      return;
    }
    const headers: Record<string, string> = {
      'content-type': 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8',
      'request-id': requestId,
      'client-request-id': header(req, 'client-request-id') ?? requestId,
      'x-ms-ags-diagnostic': JSON.stringify({ ServerInfo: { DataCenter: 'Simulated', Slice: 'E', Ring: '1', ScaleUnit: '000', RoleInstance: 'SIM' } }),
      'strict-transport-security': 'max-age=31536000',
      'odata-version': '4.0',
      ...result.headers,
    };
    if (result.status === -1) {
      // Truncated body: a 200 whose JSON stops halfway, ended cleanly (a short read the client must notice).
      entry.status = 200;
      const full = JSON.stringify({ '@odata.context': 'truncated', value: [{ id: 'x'.repeat(64) }, { id: 'y'.repeat(64) }] });
      res.writeHead(200, headers);
      res.end(full.slice(0, Math.floor(full.length / 2)));
      return;
    }
    res.writeHead(result.status, { ...headers, 'content-length': String(Buffer.byteLength(result.body)) });
    res.end(result.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? `port ${options.port ?? 0} on ${host} is already in use (pick another with --port, or 0 for any free port)` : error.message;
      reject(new AzsecError('ERR_SIMULATOR', `The simulator cannot listen: ${why}`, { errno: error.code }));
    });
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  const control = (t: SimTenant): SimTenantControl => ({
    info: t.info,
    add: (endpoint, count, opts) => t.dataset.add(endpoint, count, now(), opts),
    addAtSameTime: (endpoint, count, at) => t.dataset.add(endpoint, count, now(), { at }),
    update: (endpoint, count) => t.dataset.update(endpoint, count, now()),
    deleteUsers: (count) => t.dataset.deleteUsers(count, now()),
    records: (endpoint) => {
      tick(t);
      const data = t.dataset.endpoint(endpoint);
      const out = [];
      for (let i = 0; i < data.size(); i++) out.push(data.render(i));
      return out;
    },
    setLicences: (licences) => {
      t.licences = new Set(licences);
    },
    setPermissions: (permissions) => {
      t.permissions = new Set(permissions);
    },
    expireDeltaTokens: () => {
      t.deltaEpoch++;
    },
  });

  const matchTenant = (entry: SimRequestLogEntry, key: string | undefined): boolean => {
    if (key === undefined) return true;
    const t = findTenant(key);
    return t !== undefined && entry.tenantId === t.info.tenantId;
  };

  return {
    url: baseUrl,
    caFile: certs.caFile,
    caPem: certs.caPem,
    tenants: tenants.map((t) => t.info),
    tenant(nameOrId) {
      const t = findTenant(nameOrId);
      if (t === undefined) throw new Error(`No simulated tenant '${nameOrId}'`);
      return control(t);
    },
    now,
    advance(ms) {
      offset += ms;
    },
    setThrottling(on) {
      throttler.enabled = on;
    },
    setLiveRate(perMinute) {
      for (const t of tenants) tick(t);
      liveRate = perMinute;
    },
    injectFault(fault) {
      if (fault.kind === 'revokeTokens') {
        const t = findTenant(fault.tenant);
        if (t === undefined) throw new Error(`No simulated tenant '${fault.tenant}'`);
        t.revokedBelow = tokenSeq + 1;
        return;
      }
      faults.add(fault);
    },
    clearFaults() {
      faults.clear();
    },
    requestLog: () => [...log],
    requestCount(filter = {}) {
      return log.filter(
        (e) =>
          matchTenant(e, filter.tenant) &&
          (filter.endpoint === undefined || e.endpoint === filter.endpoint) &&
          (filter.status === undefined || e.status === filter.status),
      ).length;
    },
    clearRequestLog() {
      log = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
