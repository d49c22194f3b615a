// The console in a real browser (Debian's Chromium driven by playwright-core): one-time setup, Add Integration →
// Azure Security → Save with the per-check connection test, tiles turning green after a cycle, search with a pivot
// on an indicator and the detail view with the raw Graph JSON, alerts (tile count → list → detail → acknowledge →
// pivot to search), and attacker-controlled strings shown as text only.
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp } from '../../src/app/open-app.ts';
import type { App } from '../../src/app/open-app.ts';
import { trustExtraCa } from '../../src/core/extra-ca.ts';
import { buildServer } from '../../src/http/build-server.ts';
import { SignalStage } from '../../src/signals/stage/signal-stage.ts';
import { HOSTILE_STRINGS } from '../../src/simulator/hostile-strings.ts';
import { startSimulator } from '../../src/simulator/start-simulator.ts';
import type { Simulator } from '../../src/simulator/types.ts';
import { simulatorStateDir } from '../helpers/simulator-state-dir.ts';

const CHROMIUM = process.env.AZSEC_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`Skipping browser tests: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set AZSEC_CHROMIUM)`);

const TOKEN = 'browser-setup-token';

describe.skipIf(!available)('the console in Chromium', () => {
  let dir: string;
  let sim: Simulator;
  let app: App;
  let server: FastifyInstance;
  let browser: Browser;
  let page: Page;
  let base = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'azsec-browser-'));
    sim = await startSimulator({
      stateDir: simulatorStateDir(),
      throttling: false,
      liveRatePerMinute: 0,
      tenants: [{ name: 'contoso', profile: 'full' }, { name: 'litware', profile: 'free' }, { name: 'evilcorp', profile: 'full', hostileStrings: true }],
    });
    trustExtraCa(sim.caPem);
    app = await openApp({ dataDir: dir, env: { AZSEC_SECRET_KEY: randomBytes(32).toString('base64') }, logFormat: 'json', logWrite: () => undefined });
    server = await buildServer({ app, dataDir: dir, setupToken: TOKEN });
    await server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    page.on('dialog', (d) => void d.accept());
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await app?.close();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * Runs the signal stage over what was collected (signals and alerts), as `poll --once` does, and lets go of the
   * stage lease as a stopping process would, so the next drain of this test (a new stage) may take it.
   */
  async function drainSignals(): Promise<void> {
    expect(await new SignalStage({ store: app.store, logger: app.logger, owner: 'browser-test' }).drain()).toBe(true);
    await app.store.releaseSignalStage('browser-test');
  }

  /** Every run keeps a screenshot of each page under test, for a human to look at. */
  async function screenshot(name: string): Promise<void> {
    await page.screenshot({ path: path.resolve('test-results', 'screenshots', `${name}.png`), fullPage: true });
  }

  async function addIntegration(tenant: string): Promise<void> {
    const t = sim.tenant(tenant).info;
    await page.selectOption('#add-integration', 'azure-security');
    await page.fill('#f-name', tenant);
    await page.fill('#f-tenant', t.tenantId);
    await page.fill('#f-client', t.clientId);
    await page.fill('#f-secret', t.clientSecret);
    await page.selectOption('#f-cloud', 'custom');
    await page.fill('#f-login-url', sim.url);
    await page.fill('#f-graph-url', sim.url);
    await page.click('#save');
    await page.waitForSelector('#test-result tr[data-check="users"]');
  }

  it('sets the admin password through the one-time link and lands on Integrations', async () => {
    await page.goto(`${base}/#/setup?token=${TOKEN}`);
    await page.fill('#new-password', 'a long enough password');
    await page.click('#setup-form button[type=submit]');
    await page.waitForSelector('#add-integration');
    expect(await page.isVisible('#nav')).toBe(true);
  });

  it('signs out, refuses a wrong password, and signs in', async () => {
    await page.click('#sign-out');
    await page.waitForSelector('#login-form');
    await screenshot('login');
    await page.fill('#password', 'not the password');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#login-form .error:has-text("Wrong password")');
    await page.fill('#password', 'a long enough password');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#add-integration');
  });

  it('adds integrations and shows the connection test per check within seconds', async () => {
    await addIntegration('contoso');
    expect(await page.textContent('#test-result tr[data-check="auditLogs.signIns"]')).toContain('collecting');
    await screenshot('integration-form');
    await page.goto(`${base}/#/integrations`);
    await addIntegration('litware');
    expect(await page.textContent('#test-result tr[data-check="auditLogs.signIns"]')).toContain('needs licence');
  });

  it('names the invalid fields of the form', async () => {
    await page.goto(`${base}/#/integrations`);
    await page.selectOption('#add-integration', 'azure-security');
    await page.fill('#f-name', 'bad name!');
    await page.fill('#f-tenant', 'not-a-tenant');
    await page.fill('#f-client', 'nope');
    await page.fill('#f-secret', 'x');
    await page.click('#save');
    const error = await page.waitForSelector('#integration-form .error:has-text("ERR_CONFIG_INVALID")');
    for (const field of ['name', 'tenantId', 'clientId']) expect(await error.textContent()).toContain(field);
  });

  it('shows green tiles with per-check states and an activity chart after a cycle', async () => {
    await app.collector().pollOnce();
    // Signals and alerts come from the signal stage, which `poll --once` drains after collecting.
    await drainSignals();
    await page.goto(`${base}/#/search`);
    await page.goto(`${base}/#/integrations`);
    await page.waitForSelector('section.tile[data-integration="contoso"] svg.chart');
    expect(await page.getAttribute('section.tile[data-integration="contoso"] .dot', 'data-colour')).toBe('green');
    // Licence-gated checks are expected, not errors: still green.
    expect(await page.getAttribute('section.tile[data-integration="litware"] .dot', 'data-colour')).toBe('green');
    expect(await page.textContent('section.tile[data-integration="litware"]')).toContain('unavailable');
    await screenshot('integrations');
  });

  it('searches an IP taken from an alert, opens the detail with the raw Graph JSON, and pivots on an indicator', async () => {
    const alerts = await app.store.searchSignals({ check: 'security.alerts_v2', integration: 'contoso', limit: 1000 });
    const withIp = alerts.results.find((r) => (r.indicators.ip?.length ?? 0) > 0);
    const signIn = { ipAddress: withIp?.indicators.ip?.[0] as string };
    expect(signIn.ipAddress).toBeDefined();
    await page.goto(`${base}/#/search?q=${encodeURIComponent(signIn.ipAddress)}`);
    await page.waitForSelector('#results tr.result');
    await page.click('#results tr.result button.open');
    await page.waitForSelector('#raw');
    expect(await page.textContent('#raw')).toContain('"id"');
    expect(await page.textContent('#signal-detail')).toContain(signIn.ipAddress);
    await screenshot('search-detail');
    await page.click(`#signal-detail button.indicator:text-is("${signIn.ipAddress}")`);
    await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash.startsWith('#/search?q='));
    await page.waitForSelector('#results tr.result');
  });

  it('shows the open alert count on the tile, lists alerts, acknowledges one and pivots from its signal to search', async () => {
    const openAlerts = async () => (await app.store.listAlerts({ statuses: ['open'], integration: 'contoso', limit: 1000 })).alerts;
    const open = await openAlerts();
    expect(open.length).toBeGreaterThan(0);
    await page.goto(`${base}/#/integrations`);
    const count = await page.waitForSelector('section.tile[data-integration="contoso"] a.open-alerts');
    expect(await count.getAttribute('data-count')).toBe(String(open.length));
    expect(await count.textContent()).toContain(`${open.length} open alert`);

    // An alert whose matched signal is stored and carries an IP, to pivot on.
    let target: { id: string; title: string; ip: string } | undefined;
    for (const a of open) {
      for (const ref of a.signals) {
        const signal = await app.store.getSignal(ref.integration, ref.check as 'auditLogs.signIns', ref.recordId, ref.version);
        const ip = signal?.indicators.ip?.[0];
        if (ip !== undefined) target ??= { id: a.id, title: a.title, ip };
      }
    }
    expect(target).toBeDefined();
    const { id, title, ip } = target as { id: string; title: string; ip: string };

    await count.click();
    await page.waitForSelector('#alerts tr.alert');
    expect(await page.inputValue('#integration')).toBe('contoso');
    expect(await page.inputValue('#status')).toBe('open');
    const rowIntegrations = await page.locator('#alerts tr.alert td:nth-child(4)').allTextContents();
    expect(new Set(rowIntegrations)).toEqual(new Set(['contoso']));
    // Newest first, paged with "More" until the alert shows.
    const row = page.locator(`#alerts tr.alert[data-alert-id="${id}"]`);
    while ((await row.count()) === 0) {
      expect(await page.isVisible('#more')).toBe(true);
      const before = await page.locator('#alerts tr.alert').count();
      await page.click('#more');
      await page.waitForFunction((n) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('#alerts tr.alert').length > n, before);
    }
    const ids = await page.locator('#alerts tr.alert').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { alertId: string } }).dataset.alertId));
    expect(ids).toEqual(open.slice(0, ids.length).map((a) => a.id));
    await screenshot('alerts');

    await row.locator('button.open').click();
    await page.waitForSelector(`#alert-detail[data-alert-id="${id}"]`);
    expect(await page.textContent('#alert-detail h3')).toBe(title);
    expect(await page.textContent('#alert-status')).toBe('open');
    expect(await page.locator('#matched-signals tr.signal').count()).toBeGreaterThan(0);
    await screenshot('alert-detail');
    await page.click('#alert-detail button.set-acknowledged');
    await page.waitForSelector('#alert-status:text-is("acknowledged")');
    expect((await app.store.getAlert(id))?.status).toBe('acknowledged');
    expect(await row.locator('td.status').textContent()).toBe('acknowledged');

    await page.click(`#matched-signals a.indicator[data-type="ip"]:text-is("${ip}")`);
    await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash.startsWith('#/search?q='));
    await page.waitForSelector('#results tr.result');
    expect(await page.inputValue('#q')).toBe(ip);
    expect(await page.textContent('#results')).toContain(ip);

    await page.goto(`${base}/#/integrations`);
    const after = await page.waitForSelector('section.tile[data-integration="contoso"] a.open-alerts');
    expect(await after.getAttribute('data-count')).toBe(String(open.length - 1));
  });

  it('renders attacker-controlled strings from simulator records as text, never as HTML', async () => {
    // evilcorp's records carry HTML, script, SQL and control characters in titles, names, user agents, file names.
    await page.goto(`${base}/#/integrations`);
    await addIntegration('evilcorp');
    await app.collector().pollOnce('evilcorp');
    await drainSignals();
    await page.goto(`${base}/#/search?${new URLSearchParams({ q: 'onerror', integration: 'evilcorp' })}`);
    await page.waitForSelector('#results tr.result:has-text("onerror")');
    expect(await page.textContent('#results')).toContain(HOSTILE_STRINGS[0]);
    await page.click('#results tr.result button.open');
    await page.waitForSelector('#raw');
    await screenshot('search-hostile');
    await page.goto(`${base}/#/integrations`);
    await page.waitForSelector('section.tile[data-integration="evilcorp"]');
    for (const selector of ['#results img', '#signal-detail img', 'script:not([src])', 'main img']) expect(await page.locator(selector).count(), selector).toBe(0);

    // Alerts: the rules copy attacker text into titles; an alert with hostile fields and group key is added as well.
    // The store writes a batch's alerts with its records: one record of its own (its signal was never made).
    await app.store.commit('evilcorp', 'auditLogs.signIns', [{ id: 'hostile-record', version: 'v1', time: new Date().toISOString(), raw: '{}' }], undefined);
    expect(await app.store.claimSignalStage('browser-test', 60_000)).toBe(true);
    await app.store.completeRecords('browser-test', await app.store.pendingRecords(1000), {
      signals: [],
      alerts: [{
        id: 'hostile-alert', ruleId: 'sigma-hostile', title: `${HOSTILE_STRINGS[1]} title`, severity: 'high', time: new Date().toISOString(),
        groupKey: HOSTILE_STRINGS[0], integration: 'evilcorp', absorbed: 0,
        signals: [{ integration: 'evilcorp', check: 'auditLogs.signIns', recordId: 'hostile-record', version: '"><b>v' }],
        fields: { user: HOSTILE_STRINGS[0], note: HOSTILE_STRINGS[2], nested: { html: HOSTILE_STRINGS[1] } },
      }],
    });
    await app.store.releaseSignalStage('browser-test');
    const evil = (await app.store.listAlerts({ integration: 'evilcorp', limit: 1000 })).alerts;
    const tainted = evil.find((a) => a.id !== 'hostile-alert' && /<img|<script|DROP TABLE|line break/.test(a.title));
    expect(tainted).toBeDefined();
    await page.goto(`${base}/#/alerts?integration=evilcorp`);
    await page.waitForSelector('#alerts tr.alert[data-alert-id="hostile-alert"]');
    expect(await page.textContent('#alerts')).toContain(HOSTILE_STRINGS[1]);
    await page.click('#alerts tr.alert[data-alert-id="hostile-alert"] button.open');
    await page.waitForSelector('#alert-detail[data-alert-id="hostile-alert"]');
    expect(await page.textContent('#alert-detail h3')).toBe(`${HOSTILE_STRINGS[1]} title`);
    expect(await page.textContent('#alert-fields')).toContain(HOSTILE_STRINGS[0]);
    expect(await page.textContent('#alert-detail')).toContain('no longer stored');
    await page.click(`#alerts tr.alert[data-alert-id="${tainted?.id}"] button.open`);
    await page.waitForSelector(`#alert-detail[data-alert-id="${tainted?.id}"]`);
    expect(await page.textContent('#alert-detail h3')).toBe(tainted?.title);
    await screenshot('alerts-hostile');
    for (const selector of ['#alerts img', '#alert-detail img', '#alert-detail b', 'script:not([src])', 'main img']) expect(await page.locator(selector).count(), selector).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
  });
});
