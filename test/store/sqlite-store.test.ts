// The SQLite backend: the shared Store contract, plus what only an embedded database has to prove itself (connection
// settings, migrations when several processes open one new file, commits surviving a killed process).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { stat } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAzsecError } from '../../src/core/errors.ts';
import { signalDeriver } from '../../src/signals/signal-of-record.ts';
import { MIGRATIONS, migrate, migrateStore } from '../../src/store/sqlite/migrations.ts';
import { SIGNALS_SCHEMA, signalsFilePath } from '../../src/store/sqlite/signals-file.ts';
import { SIGNALS_FILE_MIGRATIONS } from '../../src/store/sqlite/signals-file-migrations.ts';
import { openDatabase } from '../../src/store/sqlite/open-database.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { FALLBACK_AUTOCHECKPOINT_PAGES, startWalCheckpointer } from '../../src/store/sqlite/wal-checkpointer.ts';
import { makeSignal } from './signal-contract.ts';
import { collect, rec, storeContract } from './store-contract.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const nodeBin = path.join(repoRoot, 'node_modules', '.bin', 'node');
const fixtures = path.join(import.meta.dirname, 'fixtures');

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'azsec-sqlite-'));
}

/** A connection to the records file with the signals file attached, as the store migrates them. */
function openBoth(file: string): DatabaseSync {
  const db = openDatabase(file);
  db.prepare(`ATTACH DATABASE ? AS ${SIGNALS_SCHEMA}`).run(signalsFilePath(file));
  return db;
}

storeContract('SQLite', async ({ clock, exportPageSize }) => {
  const dir = await tempDir();
  const store = await createSqliteStore({ path: path.join(dir, 'azsec.db'), clock, exportPageSize, signalDeriver });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('SQLite store', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  async function dbPath(): Promise<string> {
    const dir = await tempDir();
    dirs.push(dir);
    return path.join(dir, 'azsec.db');
  }

  it('opens connections in WAL mode with synchronous=FULL, a busy timeout and foreign keys on', async () => {
    const db = openDatabase(await dbPath(), 1234);
    try {
      expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(db.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 2 });
      expect(db.prepare('PRAGMA busy_timeout').get()).toEqual({ timeout: 1234 });
      expect(db.prepare('PRAGMA foreign_keys').get()).toEqual({ foreign_keys: 1 });
    } finally {
      db.close();
    }
  });

  it('applies each migration of both files once and records it in its file', async () => {
    const file = await dbPath();
    const db = openBoth(file);
    try {
      const first = migrateStore(db);
      expect(first.records.applied).toEqual(MIGRATIONS.map((m) => m.version));
      expect(first.signals.applied).toEqual(SIGNALS_FILE_MIGRATIONS.map((m) => m.version));
      expect(migrateStore(db)).toMatchObject({ records: { applied: [] }, signals: { applied: [] } });
      const rows = db.prepare('SELECT version, name FROM main.schema_migrations ORDER BY version').all();
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      const signalRows = db.prepare(`SELECT version, name FROM ${SIGNALS_SCHEMA}.schema_migrations ORDER BY version`).all();
      expect(signalRows).toEqual(SIGNALS_FILE_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      // What the signal stage writes is in the signals file only.
      const tables = (schema: string): string[] =>
        (db.prepare(`SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'signals_fts_%' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
      expect(tables('main')).toEqual(['check_states', 'checkpoints', 'integrations', 'records', 'schema_migrations', 'settings']);
      expect(tables(SIGNALS_SCHEMA)).toEqual(['alerts', 'schema_migrations', 'signal_stage', 'signals', 'signals_fts']);
    } finally {
      db.close();
    }
  });

  it('rolls back every pending migration when one of them fails', async () => {
    const db = openBoth(await dbPath());
    try {
      migrate(db, SIGNALS_FILE_MIGRATIONS, SIGNALS_SCHEMA);
      const broken = [...MIGRATIONS, { version: 99, name: 'broken', sql: 'CREATE TABLE half (a TEXT); SELECT * FROM nowhere' }];
      expect(() => migrate(db, broken)).toThrow(/nowhere/);
      const tables = db.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table'").all();
      expect(tables).toEqual([]);
      expect(migrate(db).applied).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      db.close();
    }
  });

  it('moves signals stored under migration 2 into the indicator keys of migration 3 and the record-keyed table of migration 5', async () => {
    const file = await dbPath();
    const db = openDatabase(file);
    const signal = makeSignal({ id: 'old', title: 'Legacy signal', indicators: { ip: ['203.0.113.9'], url: [`https://x.example/${'p'.repeat(300)}`] } });
    try {
      migrate(db, MIGRATIONS.filter((m) => m.version <= 2));
      // Written as migration 2's code wrote it: a signal row, its indicator rows and an FTS row without keys.
      db.prepare("INSERT INTO records (integration, check_id, id, version, time, time_us, raw, stored_at) VALUES ('contoso', 'auditLogs.signIns', 'old', 'v1', ?, 0, '{}', 'now')").run(signal.time);
      db.prepare(`INSERT INTO signals (sid, time_us, severity_rank, integration, check_id, record_id, version, tenant_id, time, kind, severity, outcome, title, signal)
        VALUES (1024, 1, 0, 'contoso', 'auditLogs.signIns', 'old', 'v1', 't', ?, 'sign_in', 'informational', NULL, ?, ?)`).run(signal.time, signal.title, JSON.stringify(signal));
      db.prepare("INSERT INTO indicators (value, sid, type) VALUES ('203.0.113.9', 1024, 'ip')").run();
      db.prepare('INSERT INTO signals_fts (rowid, title, text) VALUES (1024, ?, ?)').run(signal.title, signal.text);
    } finally {
      db.close();
    }
    const store = await createSqliteStore({ path: file });
    try {
      expect((await store.searchSignals({ indicator: '203.0.113.9', limit: 5 })).results.map((h) => h.recordId)).toEqual(['old']);
      expect((await store.searchSignals({ indicator: signal.indicators.url?.[0] ?? '', indicatorType: 'url', limit: 5 })).results).toHaveLength(1);
      expect((await store.searchSignals({ text: 'legacy', limit: 5 })).results.map((h) => h.recordId)).toEqual(['old']);
      const view = await store.querySql("SELECT type, value FROM v_indicators WHERE type = 'ip'", { timeoutMs: 10_000, maxRows: 5 });
      expect(view.rows).toEqual([['ip', '203.0.113.9']]);
      // Migration 5 re-keyed the signal by its record; migration 4 counts records already stored as processed.
      expect(await store.getSignal('contoso', 'auditLogs.signIns', 'old', 'v1')).toEqual(signal);
      expect(await store.countSignals({ integration: 'contoso' })).toBe(1);
      expect(await store.countPendingRecords()).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('stores a signal without the fields its columns hold and gives the whole signal back, in getSignal and v_signals', async () => {
    const file = await dbPath();
    const store = await createSqliteStore({ path: file });
    try {
      const plain = makeSignal({ id: 'plain', title: 'Sign-in plain', indicators: { ip: ['198.51.100.4'] } });
      // A caller may hand in a signal whose identity is not its record's, or fields holding NUL characters: those stay
      // in the JSON, because the columns could not give them back exactly.
      const foreign = { ...makeSignal({ id: 'foreign-id', integration: 'elsewhere' }), version: 'other-version' };
      const nul = { ...makeSignal({ id: 'n\u0000ul', version: 'v\u00001' }), tenantId: 't\u0000enant', time: '2026-02-01T10:00:00Z\u0000' };
      await store.commit('contoso', 'auditLogs.signIns', [
        { id: 'plain', version: 'v1', time: plain.time, raw: '{}', signal: plain },
        { id: 'mine', version: 'v1', time: plain.time, raw: '{}', signal: foreign },
        { id: nul.recordId, version: nul.version, time: '2026-02-01T10:00:00Z', raw: '{}', signal: nul },
      ], undefined);
      expect(await store.getSignal('contoso', 'auditLogs.signIns', 'plain', 'v1')).toEqual(plain);
      expect(await store.getSignal('contoso', 'auditLogs.signIns', 'mine', 'v1')).toEqual(foreign);
      expect(await store.getSignal('contoso', 'auditLogs.signIns', nul.recordId, nul.version)).toEqual(nul);
      const db = openDatabase(signalsFilePath(file));
      try {
        const stored = JSON.parse((db.prepare("SELECT signal FROM signals WHERE record_id = 'plain'").get() as { signal: string }).signal) as Record<string, unknown>;
        for (const field of ['integration', 'check', 'recordId', 'version', 'tenantId', 'time', 'kind', 'severity', 'outcome']) expect(stored).not.toHaveProperty(field);
        expect(stored).toMatchObject({ title: plain.title, text: plain.text, indicators: plain.indicators });
      } finally {
        db.close();
      }
      const view = await store.querySql("SELECT signal FROM v_signals WHERE record_id IN ('plain', 'mine') ORDER BY record_id", { timeoutMs: 10_000, maxRows: 5 });
      expect(view.rows.map((r) => JSON.parse(r[0] as string) as unknown)).toEqual([foreign, plain]);
    } finally {
      await store.close();
    }
  });

  it('refuses a database migrated by a newer azsec', async () => {
    const file = await dbPath();
    await (await createSqliteStore({ path: file })).close();
    const db = new DatabaseSync(file);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '2030-01-01T00:00:00Z')").run();
    db.close();
    const error = await createSqliteStore({ path: file }).catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_STORE')).toBe(true);
    expect((error as Error).message).toMatch(/migration 999.*upgrade azsec/);
  });

  it('migrates once when several processes open the same new database together', async () => {
    const file = await dbPath();
    const names = ['p1', 'p2', 'p3', 'p4'];
    const exits = await Promise.all(
      names.map(
        (name) =>
          new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
            const child = spawn(nodeBin, [path.join(fixtures, 'sqlite-open-commit.ts'), file, name], { stdio: ['ignore', 'ignore', 'pipe'] });
            let stderr = '';
            child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
            child.on('error', reject);
            child.on('exit', (code) => resolve({ code, stderr }));
          }),
      ),
    );
    for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0 });
    const db = new DatabaseSync(file);
    try {
      expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
    } finally {
      db.close();
    }
    const store = await createSqliteStore({ path: file });
    try {
      expect(await store.countRecords({})).toBe(names.length);
      for (const name of names) expect(await store.getCheckpoint(name, 'users')).toEqual({ by: name });
    } finally {
      await store.close();
    }
  });

  it('sees commits made through another connection to the same file', async () => {
    const file = await dbPath();
    const writer = await createSqliteStore({ path: file });
    const reader = await createSqliteStore({ path: file });
    try {
      await writer.commit('shared', 'users', [rec('s1'), rec('s2')], { n: 1 });
      expect(await reader.countRecords({ integration: 'shared' })).toBe(2);
      expect(await reader.getCheckpoint('shared', 'users')).toEqual({ n: 1 });
      expect((await reader.commit('shared', 'users', [rec('s2'), rec('s3')], { n: 2 })).inserted).toBe(1);
      expect(await writer.getCheckpoint('shared', 'users')).toEqual({ n: 2 });
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it('fails with ERR_STORE when the directory of the database does not exist', async () => {
    const file = path.join(path.dirname(await dbPath()), 'missing', 'azsec.db');
    const error = await createSqliteStore({ path: file }).catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_STORE')).toBe(true);
  });

  it('refuses an export page size that is not a positive whole number', async () => {
    const file = await dbPath();
    for (const exportPageSize of [0, -1, 2.5]) {
      const error = await createSqliteStore({ path: file, exportPageSize }).catch((e: unknown) => e);
      expect(isAzsecError(error, 'ERR_CONFIG_INVALID')).toBe(true);
    }
  });

  it('fails with ERR_STORE after close, and closing twice is harmless', async () => {
    const store = await createSqliteStore({ path: await dbPath() });
    await store.close();
    await store.close();
    const error = await store.commit('x', 'users', [rec('a')], undefined).catch((e: unknown) => e);
    expect(isAzsecError(error, 'ERR_STORE')).toBe(true);
    expect(isAzsecError(await store.countRecords({}).catch((e: unknown) => e), 'ERR_STORE')).toBe(true);
  });

  it('copies committed pages into the database file from the worker thread', async () => {
    const file = await dbPath();
    const store = await createSqliteStore({ path: file });
    try {
      const sizeBefore = (await stat(file)).size;
      // About 2,000 WAL pages: under the writer's own checkpoint mark, so only the worker can move them.
      const raw = JSON.stringify({ padding: 'x'.repeat(1_500) });
      for (let batch = 0; batch < 4; batch += 1) {
        const records = Array.from({ length: 1_000 }, (_, i) => ({ ...rec(`w${batch}-${i}`), raw }));
        await store.commit('wal', 'users', records, { batch });
      }
      await vi.waitFor(async () => expect((await stat(file)).size).toBeGreaterThan(sizeBefore + 4_000_000), { timeout: 20_000, interval: 50 });
      expect(await store.countRecords({ integration: 'wal' })).toBe(4_000);
    } finally {
      await store.close();
    }
  });

  it('falls back to in-commit checkpoints when the checkpoint worker cannot work', async () => {
    const db = openDatabase(await dbPath());
    try {
      // The worker cannot open a file in a directory that does not exist; it reports that and ends.
      const checkpointer = startWalCheckpointer(db, path.join(tmpdir(), 'azsec-no-such-dir', 'x.db'), 1_000);
      expect(db.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({ wal_autocheckpoint: FALLBACK_AUTOCHECKPOINT_PAGES });
      await vi.waitFor(() => expect(db.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({ wal_autocheckpoint: 1_000 }), {
        timeout: 20_000,
        interval: 20,
      });
      checkpointer.nudge();
      await checkpointer.close();
    } finally {
      db.close();
    }
  });

  it('keeps records and checkpoint in agreement when the committing process is killed with SIGKILL', async () => {
    const file = await dbPath();
    const size = 3_000;
    let killedWhileCommitting = 0;
    for (let round = 0; round < 6; round += 1) {
      const child = spawn(nodeBin, [path.join(fixtures, 'sqlite-commit-loop.ts'), file, String(size)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      // Kill as soon as the child announces the start of a commit, a different one each round: the kill then lands
      // inside (or right around) a transaction of 3,000 inserts.
      const killAtBegin = 1 + (round % 3);
      let begins = 0;
      let lastLine = '';
      for await (const line of createInterface({ input: child.stdout })) {
        lastLine = line;
        if (line.startsWith('begin ') && ++begins === killAtBegin) {
          child.kill('SIGKILL');
          break;
        }
      }
      expect(await exited, stderr).toBe('SIGKILL');
      if (lastLine.startsWith('begin ')) killedWhileCommitting += 1;

      const store = await createSqliteStore({ path: file });
      try {
        const checkpoint = (await store.getCheckpoint('crash', 'auditLogs.signIns')) as { batch: number } | null;
        const perBatch = new Map<number, number>();
        for (const r of await collect(store.exportRecords({ integration: 'crash' }))) {
          const batch = Number(/^b(\d+)-/.exec(r.id)?.[1]);
          perBatch.set(batch, (perBatch.get(batch) ?? 0) + 1);
        }
        // Every batch up to the checkpoint is complete, and nothing of a later batch exists.
        const committed = checkpoint === null ? 0 : checkpoint.batch + 1;
        expect([...perBatch.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: committed }, (_, i) => i));
        for (const count of perBatch.values()) expect(count).toBe(size);
        expect(await store.countRecords({ integration: 'crash' })).toBe(committed * size);
      } finally {
        await store.close();
      }
    }
    // Informational: how often the kill arrived after "begin" and before "committed" was read.
    console.info(`SQLite crash test: ${killedWhileCommitting} of 6 kills arrived while a commit was in progress`);
  });
});
