// The SQLite store's second file (src/store/sqlite/signals-file.ts): what the signal stage writes lives there, signals
// computed from their records are stored without JSON and computed again on read, each file has its own write lock,
// and an installation from before the split has its signals, alerts and stage state moved over.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAzsecError } from '../../src/core/errors.ts';
import { deriveSignal, signalDeriver } from '../../src/signals/signal-of-record.ts';
import { MIGRATIONS, migrate, migrateStore } from '../../src/store/sqlite/migrations.ts';
import { openDatabase } from '../../src/store/sqlite/open-database.ts';
import { SIGNALS_SCHEMA, signalsFilePath } from '../../src/store/sqlite/signals-file.ts';
import { SIGNALS_FILE_MIGRATIONS } from '../../src/store/sqlite/signals-file-migrations.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { Store } from '../../src/store/store.ts';
import { cleanupAfterEach } from '../helpers/cleanups.ts';
import { makeSignal } from './signal-contract.ts';
import { integration } from './store-contract.ts';

const cleanups = cleanupAfterEach();

async function dbPath(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'azsec-signals-file-'));
  cleanups.addLast(() => rm(dir, { recursive: true, force: true }));
  return path.join(dir, 'azsec.db');
}

async function open(file: string, opts: { deriver?: boolean; busyTimeoutMs?: number } = {}): Promise<Store> {
  const store = await createSqliteStore({
    path: file,
    backgroundCheckpoints: false,
    ...(opts.deriver === false ? {} : { signalDeriver }),
    ...(opts.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: opts.busyTimeoutMs }),
  });
  cleanups.add(() => store.close());
  return store;
}

function signInRaw(id: string, ip: string, app = 'Azure Portal'): string {
  return JSON.stringify({
    id,
    createdDateTime: '2026-02-01T10:00:00Z',
    userPrincipalName: `${id}@contoso.com`,
    userId: `00000000-0000-0000-0000-00000000000${id.length}`,
    ipAddress: ip,
    appDisplayName: app,
    status: { errorCode: 50126, failureReason: 'Invalid username or password.' },
    location: { city: 'Oslo', countryOrRegion: 'NO' },
  });
}

/** Commits sign-ins and runs them through the stage's store calls as the signal stage does (derived signals). */
async function ingest(store: Store, ids: string[]): Promise<void> {
  await store.commit(
    'contoso',
    'auditLogs.signIns',
    ids.map((id, i) => ({ id, version: 'v1', time: `2026-02-01T10:00:0${i}Z`, raw: signInRaw(id, `203.0.113.${10 + i}`) })),
    'c',
  );
  const pending = await store.pendingRecords(100);
  expect(await store.claimSignalStage('stage', 60_000)).toBe(true);
  await store.completeRecords('stage', pending, { signals: pending.map((r) => deriveSignal(r)), alerts: [], derived: true });
}

describe('SQLite signals file', () => {
  it('is named after the records file', () => {
    expect(signalsFilePath('/data/azsec.db')).toBe('/data/azsec-signals.db');
    expect(signalsFilePath('/data/store')).toBe('/data/store-signals');
  });

  it('stores derived signals without JSON and computes them again in getSignal, search and the analyst views', async () => {
    const file = await dbPath();
    const store = await open(file);
    await store.addIntegration(integration('contoso'), { ciphertext: 's' });
    await ingest(store, ['alice', 'bob']);
    const db = openDatabase(signalsFilePath(file));
    cleanups.add(async () => db.close());
    expect(db.prepare('SELECT record_id, signal FROM signals ORDER BY seq').all()).toEqual([
      { record_id: 'alice', signal: null },
      { record_id: 'bob', signal: null },
    ]);

    const record = (await store.getRecord('contoso', 'auditLogs.signIns', 'alice', 'v1'))!;
    const expected = deriveSignal({ ...record, tenantId: integration('contoso').tenantId });
    expect(await store.getSignal('contoso', 'auditLogs.signIns', 'alice', 'v1')).toEqual(expected);
    const hits = (await store.searchSignals({ indicator: '203.0.113.10', limit: 5 })).results;
    expect(hits).toEqual([expect.objectContaining({ recordId: 'alice', title: expected.title, indicators: expected.indicators })]);
    expect((await store.searchSignals({ text: 'azure portal', limit: 5 })).results.map((h) => h.recordId)).toEqual(['bob', 'alice']);

    const views = await store.querySql("SELECT signal FROM v_signals WHERE record_id = 'alice'", { timeoutMs: 20_000, maxRows: 5 });
    expect(JSON.parse(views.rows[0]?.[0] as string)).toEqual(expected);
    const ips = await store.querySql("SELECT record_id, value FROM v_indicators WHERE type = 'ip' ORDER BY record_id", { timeoutMs: 20_000, maxRows: 5 });
    expect(ips.rows).toEqual([['alice', '203.0.113.10'], ['bob', '203.0.113.11']]);
  });

  it('keeps the JSON of every signal when the store has no normalizer, even in a batch marked derived', async () => {
    const file = await dbPath();
    const store = await open(file, { deriver: false });
    await store.addIntegration(integration('contoso'), { ciphertext: 's' });
    await ingest(store, ['carol']);
    const db = openDatabase(signalsFilePath(file));
    cleanups.add(async () => db.close());
    expect((db.prepare('SELECT signal FROM signals').get() as { signal: string | null }).signal).toEqual(expect.any(String));
  });

  it('names the signals file when it cannot be opened, and leaves the records file as it was', async () => {
    const file = await dbPath();
    const store = await open(file);
    await store.commit('contoso', 'users', [{ id: 'u', version: '1', time: '2026-02-01T10:00:00Z', raw: '{}' }], 'c');
    await store.close();
    await rm(signalsFilePath(file), { force: true });
    await rm(`${signalsFilePath(file)}-wal`, { force: true });
    await rm(`${signalsFilePath(file)}-shm`, { force: true });
    await mkdir(signalsFilePath(file));
    const error = await createSqliteStore({ path: file, signalDeriver }).catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_STORE')).toBe(true);
    expect((error as Error).message).toContain(`Cannot open the SQLite file ${signalsFilePath(file)}`);
    const db = openDatabase(file);
    cleanups.add(async () => db.close());
    expect(db.prepare('SELECT count(*) AS n FROM records').get()).toEqual({ n: 1 });
  });

  it('refuses, with ERR_STORE, to read a derived signal without the normalizer', async () => {
    const file = await dbPath();
    const writer = await open(file);
    await writer.addIntegration(integration('contoso'), { ciphertext: 's' });
    await ingest(writer, ['dave']);
    const reader = await open(file, { deriver: false });
    const error = await reader.getSignal('contoso', 'auditLogs.signIns', 'dave', 'v1').catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_STORE')).toBe(true);
    expect((error as Error).message).toMatch(/without the normalizer/);
  });

  it('lets the signal stage write while another connection holds the records file, and the collector while the signals file is held', async () => {
    const file = await dbPath();
    const store = await open(file, { busyTimeoutMs: 200 });
    await store.addIntegration(integration('contoso'), { ciphertext: 's' });
    await store.commit('contoso', 'auditLogs.signIns', [{ id: 'erin', version: 'v1', time: '2026-02-01T10:00:00Z', raw: signInRaw('erin', '203.0.113.40') }], 'c');
    const pending = await store.pendingRecords(10);
    expect(await store.claimSignalStage('stage', 60_000)).toBe(true);

    const records = openDatabase(file, 200);
    cleanups.add(async () => records.close());
    records.exec('BEGIN IMMEDIATE');
    await store.completeRecords('stage', pending, { signals: pending.map((r) => deriveSignal(r)), alerts: [], derived: true });
    const blocked = await store.commit('contoso', 'users', [{ id: 'u', version: '1', time: '2026-02-01T10:00:00Z', raw: '{}' }], 'c').catch((e: unknown) => e);
    expect(isAzsecError(blocked, 'ERR_STORE')).toBe(true);
    records.exec('ROLLBACK');

    const signals = openDatabase(signalsFilePath(file), 200);
    cleanups.add(async () => signals.close());
    signals.exec('BEGIN IMMEDIATE');
    expect(await store.commit('contoso', 'users', [{ id: 'u', version: '1', time: '2026-02-01T10:00:00Z', raw: '{}' }], 'c')).toEqual({ inserted: 1 });
    signals.exec('ROLLBACK');
    expect(await store.countSignals({})).toBe(1);
  });

  it('keeps both files in one connection for an in-memory store', async () => {
    const store = await createSqliteStore({ path: ':memory:', signalDeriver });
    cleanups.add(() => store.close());
    await store.addIntegration(integration('contoso'), { ciphertext: 's' });
    await ingest(store, ['hank', 'iris']);
    expect((await store.searchSignals({ indicator: '203.0.113.11', limit: 5 })).results.map((h) => h.recordId)).toEqual(['iris']);
    expect((await store.getSignal('contoso', 'auditLogs.signIns', 'hank', 'v1'))?.indicators.ip).toEqual(['203.0.113.10']);
    expect(await store.countPendingRecords()).toBe(0);
    expect(await store.removeIntegration('contoso', { purgeRecords: true })).toBe(true);
    expect(await store.countSignals({})).toBe(0);
  });

  it('removes an integration with its records from both files', async () => {
    const file = await dbPath();
    const store = await open(file);
    await store.addIntegration(integration('contoso'), { ciphertext: 's' });
    await ingest(store, ['frank', 'gina']);
    expect(await store.removeIntegration('contoso', { purgeRecords: true })).toBe(true);
    expect(await store.countRecords({})).toBe(0);
    expect(await store.countSignals({})).toBe(0);
    expect((await store.searchSignals({ indicator: '203.0.113.10', limit: 5 })).results).toEqual([]);
  });

  describe('upgrade from a single file (records file migration 7)', () => {
    const legacySignal = makeSignal({ id: 'old', title: 'Legacy sign-in', text: 'Legacy sign-in from Oslo', indicators: { ip: ['198.51.100.77'] } });

    /** A records file as azsec wrote it before the signals file: a signal, an alert, stage state, one pending record. */
    async function legacyFile(): Promise<string> {
      const file = await dbPath();
      const db = openDatabase(file);
      try {
        migrate(db, MIGRATIONS.filter((m) => m.version <= 7));
        const insertRecord = db.prepare("INSERT INTO records (integration, check_id, id, version, time, time_us, raw, stored_at) VALUES ('contoso', 'auditLogs.signIns', ?, 'v1', ?, 0, ?, 'now')");
        insertRecord.run('old', legacySignal.time, '{}');
        insertRecord.run('new', '2026-02-01T11:00:00Z', signInRaw('new', '203.0.113.99'));
        db.prepare(`INSERT INTO signals (seq, sid, time_us, severity_rank, integration, check_id, record_id, version, tenant_id, time, kind, severity, outcome, title, signal)
          VALUES (1, 2048, 2, 0, 'contoso', 'auditLogs.signIns', 'old', 'v1', ?, ?, 'sign_in', 'informational', 'success', ?, ?)`).run(legacySignal.tenantId, legacySignal.time, legacySignal.title, JSON.stringify({ title: legacySignal.title, actor: legacySignal.actor, targets: [], location: null, indicators: legacySignal.indicators, artifacts: [], text: legacySignal.text }));
        db.prepare("INSERT INTO signals_fts (rowid, title, text, keys) VALUES (2048, '', ?, '')").run(legacySignal.text);
        db.prepare(`INSERT INTO alerts (id, rule_id, integration, group_key, title, severity, severity_rank, time, time_us, status, absorbed, signals, fields, raised_at, updated_at)
          VALUES ('alert-1', 'brute-force', 'contoso', 'alice', 'Brute force', 'high', 3, ?, 0, 'acknowledged', 0, '[]', '{}', 'then', 'then')`).run(legacySignal.time);
        db.prepare("UPDATE signal_stage SET done_seq = 1, detection_state = '{\"watermark\":7}' WHERE id = 1").run();
      } finally {
        db.close();
      }
      return file;
    }

    async function expectMoved(file: string): Promise<void> {
      const store = await open(file);
      expect(await store.getSignal('contoso', 'auditLogs.signIns', 'old', 'v1')).toEqual(legacySignal);
      expect((await store.searchSignals({ indicator: '198.51.100.77', limit: 5 })).results.map((h) => h.recordId)).toEqual(['old']);
      expect((await store.searchSignals({ text: 'oslo', limit: 5 })).results.map((h) => h.recordId)).toEqual(['old']);
      expect(await store.getAlert('alert-1')).toMatchObject({ status: 'acknowledged', severity: 'high' });
      expect(await store.getDetectionState()).toEqual({ watermark: 7 });
      expect((await store.pendingRecords(10)).map((r) => r.id)).toEqual(['new']);
      const alerts = await store.querySql('SELECT id, status FROM v_alerts', { timeoutMs: 20_000, maxRows: 5 });
      expect(alerts.rows).toEqual([['alert-1', 'acknowledged']]);
      const db = openDatabase(file);
      cleanups.add(async () => db.close());
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE name IN ('signals', 'signals_fts', 'alerts', 'signal_stage', 'v_signals')").all() as { name: string }[]).map((r) => r.name);
      expect(tables).toEqual([]);
    }

    it('moves signals, their index, alerts and the stage state into the signals file', async () => {
      await expectMoved(await legacyFile());
    });

    it('moves them once even when a crash left an earlier copy in the signals file', async () => {
      const file = await legacyFile();
      // As if migration 8 had committed in the signals file but not in the records file: the copy is already there.
      const db = openDatabase(file);
      db.prepare(`ATTACH DATABASE ? AS ${SIGNALS_SCHEMA}`).run(signalsFilePath(file));
      migrate(db, SIGNALS_FILE_MIGRATIONS, SIGNALS_SCHEMA);
      db.exec(`INSERT INTO ${SIGNALS_SCHEMA}.signals SELECT * FROM main.signals`);
      db.exec(`INSERT INTO ${SIGNALS_SCHEMA}.signals_fts (rowid, title, text, keys) VALUES (2048, '', 'legacy', '')`);
      db.exec(`INSERT INTO ${SIGNALS_SCHEMA}.alerts SELECT * FROM main.alerts`);
      db.close();
      await expectMoved(file);
      const again = openDatabase(file);
      again.prepare(`ATTACH DATABASE ? AS ${SIGNALS_SCHEMA}`).run(signalsFilePath(file));
      cleanups.add(async () => again.close());
      expect(migrateStore(again)).toMatchObject({ records: { applied: [] }, signals: { applied: [] } });
      expect(again.prepare(`SELECT count(*) AS n FROM ${SIGNALS_SCHEMA}.signals`).get()).toEqual({ n: 1 });
    });
  });
});
