// The azsec console: plain DOM, talking only to /api/v1. Every string that comes from Graph (titles, names, user
// agents, file names) is attacker-controlled, so it is only ever set with textContent or as an attribute value,
// never parsed as HTML; the Content-Security-Policy blocks whatever would slip through.

const CHECKS = [
  'security.incidents', 'security.alerts_v2', 'auditLogs.signIns', 'auditLogs.directoryAudits',
  'identityProtection.riskDetections', 'identityProtection.riskyUsers', 'security.secureScores', 'users',
];
const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'];
let csrf = null;

// ---- helpers -------------------------------------------------------------------------------------------------

/** el('div', {class: 'x', onclick: fn}, child, 'text', ...) — text children become text nodes. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && !path.startsWith('/session')) { location.hash = '#/login'; throw new Error('Sign in first'); }
  if (!res.ok) throw new Error(data.error ? `${data.error.code}: ${data.error.message}` : `HTTP ${res.status}`);
  return data;
}

const main = () => document.getElementById('main');
function show(...nodes) { main().replaceChildren(...nodes); }
function when(iso) { return iso ? new Date(iso).toLocaleString() : 'never'; }

// ---- access ----------------------------------------------------------------------------------------------------

function loginPage() {
  const error = el('p', { class: 'error', role: 'alert' });
  const form = el('form', { class: 'panel', id: 'login-form' },
    el('h2', {}, 'Sign in'),
    el('label', { for: 'password' }, 'Admin password'),
    el('input', { id: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Sign in')), error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const r = await api('POST', '/session', { password: form.querySelector('#password').value });
      csrf = r.csrf;
      location.hash = '#/integrations';
    } catch (err) { error.textContent = err.message; }
  });
  show(form);
}

function setupPage(token) {
  const error = el('p', { class: 'error', role: 'alert' });
  const form = el('form', { class: 'panel', id: 'setup-form' },
    el('h2', {}, 'Set the admin password'),
    el('p', {}, 'At least 12 characters. This one-time link works once.'),
    el('label', { for: 'new-password' }, 'Password'),
    el('input', { id: 'new-password', type: 'password', autocomplete: 'new-password', required: true, minlength: 12 }),
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Set password')), error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const r = await api('POST', '/setup', { token, password: form.querySelector('#new-password').value });
      csrf = r.csrf;
      location.hash = '#/integrations';
    } catch (err) { error.textContent = err.message; }
  });
  show(form);
}

// ---- integrations --------------------------------------------------------------------------------------------

function integrationForm(existing, onDone) {
  const error = el('p', { class: 'error', role: 'alert' });
  const result = el('div', { id: 'test-result' });
  const field = (id, label, input) => [el('label', { for: id }, label), input];
  const cloud = el('select', { id: 'f-cloud' }, ...['global', 'usgov', 'usgov-dod', 'china', 'custom'].map((c) => el('option', { value: c, selected: existing?.cloud === c }, c)));
  const kind = el('select', { id: 'f-kind' }, el('option', { value: 'secret' }, 'Client secret'), el('option', { value: 'certificate', selected: existing?.credential.kind === 'certificate' }, 'Certificate (PEM key + certificate)'));
  const secret = el('input', { id: 'f-secret', type: 'password', autocomplete: 'off', placeholder: existing ? 'set — leave empty to keep it' : '' });
  const pem = el('textarea', { id: 'f-pem', rows: 5, placeholder: existing ? 'set — leave empty to keep it' : '-----BEGIN PRIVATE KEY----- … -----BEGIN CERTIFICATE----- …' });
  const loginUrl = el('input', { id: 'f-login-url', value: existing?.loginUrl ?? '' });
  const graphUrl = el('input', { id: 'f-graph-url', value: existing?.graphUrl ?? '' });
  const form = el('form', { class: 'panel', id: 'integration-form' },
    el('h2', {}, existing ? `Edit ${existing.name}` : 'Add Integration: Azure Security'),
    ...field('f-name', 'Name', el('input', { id: 'f-name', value: existing?.name ?? '', disabled: Boolean(existing), required: true })),
    ...field('f-tenant', 'Tenant ID', el('input', { id: 'f-tenant', value: existing?.tenantId ?? '', required: true })),
    ...field('f-client', 'Client ID', el('input', { id: 'f-client', value: existing?.clientId ?? '', required: true })),
    ...field('f-kind', 'Credential', kind),
    ...field('f-secret', 'Client Secret', secret),
    ...field('f-pem', 'Certificate', pem),
    ...field('f-cloud', 'Cloud', cloud),
    ...field('f-login-url', 'Login URL (custom cloud)', loginUrl),
    ...field('f-graph-url', 'Graph URL (custom cloud)', graphUrl),
    ...field('f-interval', 'Polling Interval', el('input', { id: 'f-interval', value: existing?.interval ?? '5m' })),
    el('label', {}, el('input', { id: 'f-enabled', type: 'checkbox', checked: existing ? existing.enabled : true }), ' Enabled'),
    el('div', { class: 'actions' }, el('button', { type: 'submit', id: 'save' }, 'Save'), el('button', { type: 'button', onclick: onDone }, 'Close')),
    error, result);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    const v = (id) => form.querySelector(`#${id}`).value.trim();
    const body = {
      tenantId: v('f-tenant'), clientId: v('f-client'), cloud: v('f-cloud'), interval: v('f-interval'),
      enabled: form.querySelector('#f-enabled').checked,
    };
    if (v('f-login-url')) body.loginUrl = v('f-login-url');
    if (v('f-graph-url')) body.graphUrl = v('f-graph-url');
    if (kind.value === 'secret' && secret.value !== '') body.credential = { kind: 'secret', secret: secret.value };
    if (kind.value === 'certificate' && pem.value !== '') body.credential = { kind: 'certificate', privateKeyPem: pem.value, certificatePem: pem.value };
    try {
      if (existing) {
        await api('PUT', `/integrations/${encodeURIComponent(existing.name)}`, body);
        result.replaceChildren(testTable(await api('POST', `/integrations/${encodeURIComponent(existing.name)}/test`)));
      } else {
        if (!body.credential) body.credential = { kind: kind.value, secret: '' };
        const r = await api('POST', '/integrations', { name: v('f-name'), ...body });
        result.replaceChildren(testTable(r.test));
      }
      secret.value = '';
      pem.value = '';
      await renderTiles();
    } catch (err) { error.textContent = err.message; }
  });
  return form;
}

function testTable(test) {
  if (!test.token.ok) return el('p', { class: 'error' }, `Token: ${test.token.code}: ${test.token.message}`);
  return el('table', { class: 'test' },
    el('tr', {}, el('th', {}, 'Check'), el('th', {}, 'Result')),
    ...test.checks.map((c) => el('tr', { 'data-check': c.id }, el('td', {}, c.id), el('td', { class: `result-${c.result}` },
      c.result === 'ok' ? 'collecting' : c.result === 'needs_licence' ? `${c.detail} (expected for this tenant's licences)` : c.detail))));
}

const CHECK_COLOURS = ['#0969da', '#8250df', '#1a7f37', '#bf8700', '#cf222e', '#bc4c00', '#57606a', '#1b7c83'];

function chart(activity) {
  // Events per hour per check over the last 24 hours: one stacked bar per hour, one colour per check.
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('viewBox', '0 0 240 60');
  svg.setAttribute('preserveAspectRatio', 'none');
  const totals = activity.hours.map((_, i) => CHECKS.reduce((n, c) => n + (activity.checks[c]?.[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  activity.hours.forEach((hour, i) => {
    let y = 58;
    CHECKS.forEach((check, k) => {
      const count = activity.checks[check]?.[i] ?? 0;
      if (count === 0) return;
      const h = Math.max(1, Math.round((count / max) * 56));
      y -= h;
      const bar = document.createElementNS(NS, 'rect');
      bar.setAttribute('x', String(i * 10 + 1));
      bar.setAttribute('y', String(y));
      bar.setAttribute('width', '8');
      bar.setAttribute('height', String(h));
      bar.setAttribute('fill', CHECK_COLOURS[k]);
      const title = document.createElementNS(NS, 'title');
      title.textContent = `${new Date(hour).toLocaleString()} · ${check}: ${count} events`;
      bar.append(title);
      svg.append(bar);
    });
  });
  return svg;
}

async function tile(integration, status) {
  const activity = await api('GET', `/integrations/${encodeURIComponent(integration.name)}/activity`).catch(() => null);
  const node = el('section', { class: 'panel tile', 'data-integration': integration.name },
    el('h3', {}, el('span', { class: `dot ${status?.colour ?? 'grey'}`, title: status?.state ?? 'pending', 'data-colour': status?.colour ?? 'grey' }), integration.name),
    el('div', {}, `Tenant ${integration.tenantId} · every ${integration.interval} · ${integration.enabled ? 'enabled' : 'disabled'}`),
    el('div', {}, `Last successful poll: ${when(status?.lastSuccess)} · next poll: ${when(status?.nextPoll)}`),
    el('a', { class: `open-alerts${integration.openAlerts ? '' : ' none'}`, href: `#/alerts?${new URLSearchParams({ integration: integration.name, status: 'open' })}`, 'data-count': integration.openAlerts ?? 0 },
      `${integration.openAlerts ?? 0} open alert${integration.openAlerts === 1 ? '' : 's'}`),
    status?.reason ? el('div', { class: 'error' }, status.reason) : null,
    activity ? chart(activity) : null,
    el('table', { class: 'checks' }, ...(status?.checks ?? []).flatMap((c) => [
      el('tr', { 'data-check': c.id }, el('td', {}, c.id), el('td', { class: `state-${c.state}` }, c.state), el('td', { class: 'num', title: 'events collected' }, String(c.collected))),
      c.reason ? el('tr', { class: 'reason' }, el('td', { colspan: 3 }, c.reason)) : null,
    ])),
    el('div', { class: 'actions' },
      el('button', { type: 'button', onclick: () => openForm(integration) }, 'Edit'),
      el('button', { type: 'button', onclick: async () => { await api('PUT', `/integrations/${encodeURIComponent(integration.name)}`, { tenantId: integration.tenantId, clientId: integration.clientId, cloud: integration.cloud, loginUrl: integration.loginUrl ?? undefined, graphUrl: integration.graphUrl ?? undefined, interval: integration.interval, enabled: !integration.enabled }); await renderTiles(); } }, integration.enabled ? 'Disable' : 'Enable'),
      el('button', { type: 'button', onclick: async () => {
        if (!confirm(`Delete ${integration.name}? Its secret, checkpoints and status are removed; the records it collected are kept.`)) return;
        await api('DELETE', `/integrations/${encodeURIComponent(integration.name)}`);
        await renderTiles();
      } }, 'Delete')));
  return node;
}

function openForm(existing) {
  const slot = document.getElementById('form-slot');
  slot.replaceChildren(integrationForm(existing, () => slot.replaceChildren()));
}

async function renderTiles() {
  const container = document.getElementById('tiles');
  if (!container) return;
  const [{ integrations }, status] = await Promise.all([api('GET', '/integrations'), api('GET', '/status')]);
  const byName = new Map(status.integrations.map((s) => [s.name, s]));
  container.replaceChildren(...(await Promise.all(integrations.map((i) => tile(i, byName.get(i.name))))));
  if (integrations.length === 0) container.replaceChildren(el('p', {}, 'No integrations yet: Add Integration → Azure Security.'));
}

async function integrationsPage() {
  const add = el('select', { id: 'add-integration', 'aria-label': 'Add Integration' }, el('option', { value: '' }, 'Add Integration'), el('option', { value: 'azure-security' }, 'Azure Security'));
  add.addEventListener('change', () => { if (add.value === 'azure-security') openForm(null); add.value = ''; });
  show(el('div', { class: 'actions' }, el('h2', {}, 'Integrations'), add), el('div', { id: 'form-slot' }), el('div', { class: 'tiles', id: 'tiles' }));
  await renderTiles();
}

// ---- search ----------------------------------------------------------------------------------------------------

function looksLikeIndicator(q) {
  return /^[\d.]+$|:.*:|@|^[0-9a-f]{32}$|^[0-9a-f]{40}$|^[0-9a-f]{64}$|^https?:\/\/|^[0-9a-f-]{36}$|^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(q.trim());
}

async function searchPage(params) {
  const q = params.get('q') ?? '';
  const type = params.get('type');
  const input = el('input', { id: 'q', value: q, placeholder: 'an IP, user, domain, URL, email, host, hash — or words' });
  const since = el('select', { id: 'since' }, ...[['', 'any time'], ['1', 'last hour'], ['24', 'last 24 hours'], ['168', 'last 7 days']].map(([v, t]) => el('option', { value: v, selected: params.get('hours') === v }, t)));
  const integration = el('input', { id: 'integration', value: params.get('integration') ?? '', placeholder: 'integration' });
  const check = el('select', { id: 'check' }, el('option', { value: '' }, 'any check'), ...CHECKS.map((c) => el('option', { value: c, selected: params.get('check') === c }, c)));
  const severity = el('select', { id: 'severity' }, el('option', { value: '' }, 'any severity'), ...SEVERITIES.map((s) => el('option', { value: s, selected: params.get('severity') === s }, s)));
  const form = el('form', { class: 'panel filters', id: 'search-form' }, input, since, integration, check, severity, el('button', { type: 'submit' }, 'Search'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (input.value.trim()) p.set('q', input.value.trim());
    if (type && input.value.trim() === q) p.set('type', type);
    for (const [k, node] of [['hours', since], ['integration', integration], ['check', check], ['severity', severity]]) if (node.value.trim()) p.set(k, node.value.trim());
    location.hash = `#/search?${p}`;
  });
  const results = el('div', { id: 'results' });
  const detail = el('div', { id: 'detail' });
  show(form, results, detail);
  if (![...params.keys()].length) return;
  const query = new URLSearchParams({ limit: '100' });
  if (q) query.set(type || looksLikeIndicator(q) ? 'indicator' : 'text', q);
  if (q && type) query.set('type', type);
  if (params.get('hours')) query.set('since', new Date(Date.now() - Number(params.get('hours')) * 3_600_000).toISOString());
  for (const k of ['integration', 'check', 'severity']) if (params.get(k)) query.set(k, params.get(k));
  try {
    const page = await api('GET', `/signals?${query}`);
    const pivot = (value) => el('button', { type: 'button', class: 'indicator', onclick: () => { location.hash = `#/search?${new URLSearchParams({ q: value })}`; } }, value);
    results.replaceChildren(el('table', { class: 'panel' },
      el('tr', {}, ...['Time', 'Check', 'Severity', 'Title', 'Indicators'].map((h) => el('th', {}, h))),
      ...page.results.map((r) => el('tr', { class: 'result' },
        el('td', {}, when(r.time)), el('td', {}, r.check), el('td', {}, r.severity),
        el('td', {}, el('button', { type: 'button', class: 'indicator open', onclick: () => showDetail(detail, r, pivot) }, r.title)),
        el('td', {}, ...Object.entries(r.indicators).flatMap(([type, values]) => ['ip', 'upn', 'email', 'domain', 'host', 'sha256'].includes(type) ? values.slice(0, 3).map(pivot) : []))))),
      ...(page.results.length === 0 ? [el('p', {}, 'No matching signals.')] : []));
  } catch (err) { results.replaceChildren(el('p', { class: 'error' }, err.message)); }
}

async function showDetail(detail, r, pivot) {
  const path = [r.integration, r.check, r.id, r.version].map(encodeURIComponent).join('/');
  const [{ signal }, record] = await Promise.all([api('GET', `/signals/${path}`), api('GET', `/records/${path}`)]);
  detail.replaceChildren(el('section', { class: 'panel', id: 'signal-detail' },
    el('h3', {}, signal.title),
    el('table', {}, ...Object.entries(signal.indicators).map(([type, values]) => el('tr', {}, el('td', {}, type), el('td', {}, ...values.map(pivot))))),
    el('h4', {}, `Artifacts (${signal.artifacts.length})`),
    ...signal.artifacts.map((a) => el('pre', {}, `${a.type}\n${JSON.stringify(a.fields, null, 2)}`)),
    el('h4', {}, 'Normalized signal'), el('pre', {}, JSON.stringify({ ...signal, artifacts: undefined }, null, 2)),
    el('h4', {}, 'Raw Graph JSON'), el('pre', { id: 'raw' }, JSON.stringify(record.raw, null, 2))));
}

// ---- alerts ----------------------------------------------------------------------------------------------------

const ALERT_STATUSES = ['open', 'acknowledged', 'closed'];
const STATUS_ACTIONS = [['acknowledged', 'Acknowledge'], ['closed', 'Close'], ['open', 'Reopen']];

/** A link to signal search with one indicator filled in. */
function indicatorLink(type, value) {
  return el('a', { class: 'indicator', href: `#/search?${new URLSearchParams({ q: value, type })}`, 'data-type': type }, value);
}

/** A field's value: text as it is, numbers and booleans as written, objects (evidence lists) as indented JSON. */
function fieldValue(value) {
  if (value !== null && typeof value === 'object') return el('pre', {}, JSON.stringify(value, null, 2));
  return typeof value === 'string' ? value : JSON.stringify(value);
}

async function alertsPage(params) {
  const [rules, integrations] = await Promise.all([
    api('GET', '/rules').then((r) => r.rules).catch(() => []),
    api('GET', '/integrations').then((r) => r.integrations).catch(() => []),
  ]);
  const select = (id, anyLabel, options) => el('select', { id, 'aria-label': anyLabel }, el('option', { value: '' }, anyLabel),
    ...options.map(([value, label]) => el('option', { value, selected: params.get(id) === value }, label)));
  const status = select('status', 'any status', ALERT_STATUSES.map((s) => [s, s]));
  const severity = select('severity', 'any severity', SEVERITIES.map((s) => [s, s]));
  const knownRule = params.get('rule') && !rules.some((r) => r.id === params.get('rule')) ? [[params.get('rule'), params.get('rule')]] : [];
  const rule = select('rule', 'any rule', [...rules.map((r) => [r.id, `${r.title} (${r.id})`]), ...knownRule]);
  const knownIntegration = params.get('integration') && !integrations.some((i) => i.name === params.get('integration')) ? [[params.get('integration'), params.get('integration')]] : [];
  const integration = select('integration', 'any integration', [...integrations.map((i) => [i.name, i.name]), ...knownIntegration]);
  const hours = select('hours', 'any time', [['1', 'last hour'], ['24', 'last 24 hours'], ['168', 'last 7 days'], ['720', 'last 30 days']]);
  const form = el('form', { class: 'panel filters alert-filters', id: 'alert-filters' }, status, severity, rule, integration, hours, el('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const node of [status, severity, rule, integration, hours]) if (node.value) p.set(node.id, node.value);
    location.hash = `#/alerts?${p}`;
  });
  const rows = el('tbody', {});
  const table = el('table', { class: 'panel', id: 'alerts' },
    el('thead', {}, el('tr', {}, ...['Time', 'Severity', 'Status', 'Integration', 'Rule', 'Title'].map((h) => el('th', {}, h)))), rows);
  const more = el('button', { type: 'button', id: 'more', hidden: true }, 'More');
  const message = el('p', { id: 'alerts-message' });
  const detail = el('div', { id: 'detail' });
  show(el('h2', {}, 'Alerts'), form, table, el('div', { class: 'actions' }, more), message, detail);

  const query = new URLSearchParams({ limit: '50' });
  for (const k of ['status', 'severity', 'rule', 'integration']) if (params.get(k)) query.set(k, params.get(k));
  if (params.get('hours')) query.set('since', new Date(Date.now() - Number(params.get('hours')) * 3_600_000).toISOString());
  let cursor = null;
  const load = async () => {
    try {
      const page = await api('GET', `/alerts?${query}${cursor ? `&${new URLSearchParams({ cursor })}` : ''}`);
      rows.append(...page.alerts.map((a) => alertRow(a, detail)));
      cursor = page.next;
      more.hidden = cursor === null;
      message.textContent = rows.children.length === 0 ? 'No matching alerts.' : '';
    } catch (err) { message.className = 'error'; message.textContent = err.message; }
  };
  more.addEventListener('click', () => { void load(); });
  await load();
}

function alertRow(a, detail) {
  return el('tr', { class: 'alert', 'data-alert-id': a.id },
    el('td', {}, when(a.time)),
    el('td', { class: `sev-${a.severity}` }, a.severity),
    el('td', { class: `status status-${a.status}` }, a.status),
    el('td', {}, a.integration),
    el('td', { title: a.rule }, a.ruleTitle ?? a.rule),
    el('td', {}, el('button', { type: 'button', class: 'indicator open', onclick: () => { void showAlert(detail, a.id); } }, a.title),
      a.absorbed > 0 ? el('span', { class: 'muted' }, ` (+${a.absorbed} more)`) : null));
}

async function showAlert(detail, id) {
  let a;
  try { a = await api('GET', `/alerts/${encodeURIComponent(id)}`); } catch (err) { detail.replaceChildren(el('p', { class: 'error' }, err.message)); return; }
  const error = el('p', { class: 'error', role: 'alert' });
  const setStatus = async (status) => {
    try {
      const updated = await api('POST', `/alerts/${encodeURIComponent(id)}/status`, { status });
      // The list row follows, so the table and the detail agree without reloading the page.
      const cell = [...document.querySelectorAll('tr.alert')].find((tr) => tr.dataset.alertId === id)?.querySelector('td.status');
      if (cell) { cell.textContent = updated.status; cell.className = `status status-${updated.status}`; }
      await showAlert(detail, id);
    } catch (err) { error.textContent = err.message; }
  };
  const row = (label, ...value) => el('tr', {}, el('th', {}, label), el('td', {}, ...value));
  detail.replaceChildren(el('section', { class: 'panel', id: 'alert-detail', 'data-alert-id': a.id },
    el('h3', {}, a.title),
    el('table', { class: 'kv' },
      row('Rule', a.ruleTitle ? `${a.ruleTitle} (${a.rule})` : a.rule, a.ruleDescription ? el('div', { class: 'muted' }, a.ruleDescription) : null),
      row('Severity', el('span', { class: `sev-${a.severity}` }, a.severity)),
      row('Status', el('span', { id: 'alert-status', class: `status-${a.status}` }, a.status), ' ',
        ...STATUS_ACTIONS.filter(([s]) => s !== a.status).map(([s, label]) => el('button', { type: 'button', class: `set-${s}`, onclick: () => { void setStatus(s); } }, label))),
      row('Time', when(a.time)),
      row('Integration', a.integration),
      row('Group key', a.groupKey),
      row('Raised', when(a.raisedAt)),
      row('Updated', when(a.updatedAt)),
      a.absorbed > 0 ? row('Absorbed', `${a.absorbed} later matches folded into this alert`) : null),
    error,
    el('h4', {}, 'Fields'),
    el('table', { class: 'kv', id: 'alert-fields' }, ...Object.entries(a.fields).map(([k, v]) => row(k, fieldValue(v)))),
    el('h4', {}, `Matched signals (${a.matchedSignals.length})`),
    el('table', { id: 'matched-signals' },
      el('tr', {}, ...['Time', 'Check', 'Severity', 'Title', 'Indicators'].map((h) => el('th', {}, h))),
      ...a.matchedSignals.map((s) => s.missing
        ? el('tr', { class: 'signal missing' }, el('td', { colspan: 5, class: 'muted' }, `${s.check} ${s.recordId} (version ${s.version}): no longer stored`))
        : el('tr', { class: 'signal' },
          el('td', {}, when(s.time)), el('td', {}, s.check), el('td', { class: `sev-${s.severity}` }, s.severity), el('td', {}, s.title),
          el('td', {}, ...Object.entries(s.indicators).map(([type, values]) => el('div', {}, el('span', { class: 'muted' }, `${type}: `), ...values.map((v) => indicatorLink(type, v))))))))));
}

// ---- routing ---------------------------------------------------------------------------------------------------

async function route() {
  const [path, query = ''] = location.hash.slice(1).split('?');
  const params = new URLSearchParams(query);
  const session = await api('GET', '/session');
  csrf = session.csrf;
  document.getElementById('nav').hidden = !session.authenticated;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', path === `/${a.dataset.page}`);
  if (path === '/setup' && session.setupRequired) return setupPage(params.get('token') ?? '');
  if (!session.authenticated) return loginPage();
  if (path === '/search') return searchPage(params);
  if (path === '/alerts') return alertsPage(params);
  return integrationsPage();
}

document.getElementById('sign-out').addEventListener('click', async () => { await api('DELETE', '/session'); location.hash = '#/login'; });
window.addEventListener('hashchange', () => { void route(); });
void route();
