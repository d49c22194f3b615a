// PostgreSQL's indicator index (migration 6, signal_keys): what the store contract cannot see from outside. Existing
// signals move from the weight-A lexemes of their search vector into signal_keys; deleting signals (reindex, purge)
// leaves no key rows behind; every write path fills the rows the search reads.
import { Pool } from 'pg';
import { describe, expect, it } from 'vitest';
import { indicatorKey, anyTypeKey } from '../../src/store/indicator-keys.ts';
import { MIGRATIONS, migrate } from '../../src/store/postgres/migrations.ts';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import { cleanupAfterEach } from '../helpers/cleanups.ts';
import { postgresAvailable, withTempDatabase } from '../helpers/postgres.ts';
import { makeSignal, signalRecord } from './signal-contract.ts';

const available = await postgresAvailable();

describe.skipIf(!available)('PostgreSQL signal keys', () => {
  const cleanups = cleanupAfterEach();

  async function freshUrl(): Promise<string> {
    const db = await withTempDatabase();
    cleanups.add(() => db.drop());
    return db.url;
  }

  async function open(url: string): Promise<PostgresStore> {
    const store = await createPostgresStore({ url, poolSize: 2 });
    cleanups.add(() => store.close());
    return store;
  }

  async function keyRows(store: PostgresStore): Promise<{ key: string; types: string[]; record: string }[]> {
    const rows = await store.pool.query<{ key: string; types: string[]; record: string }>(
      'SELECT k.key, k.types, s.record_id AS record FROM signal_keys k LEFT JOIN signals s ON s.sid = k.sid ORDER BY s.record_id, k.key',
    );
    return rows.rows;
  }

  it('moves the keys of signals stored before migration 6 out of their search vectors, types included', async () => {
    const url = await freshUrl();
    const pool = new Pool({ connectionString: url, max: 1 });
    // Dropping the database terminates a connection that may still be closing: without a listener, the pool's
    // 'error' event for it is an uncaught exception that fails the whole run.
    pool.on('error', () => undefined);
    cleanups.add(() => pool.end());
    await migrate(pool, MIGRATIONS.filter((m) => m.version < 6));
    const values = { ip: ['203.0.113.9'], upn: ['zoë@contoso.example'], email: ['zoë@contoso.example'], url: [`https://x.example/${'a'.repeat(300)}`] };
    const signal = makeSignal({ id: 'old', title: 'Legacy vx signal', indicators: values });
    // As migration 4's write path stored it: typed and untyped keys as position-less lexemes next to the words.
    const keys = Object.entries(values).flatMap(([type, list]) => list.flatMap((v) => [indicatorKey(type, v), anyTypeKey(v)]));
    await pool.query(
      `INSERT INTO signals (integration, check_id, record_id, version, tenant_id, time, time_us, kind, severity, severity_rank,
         outcome, title, signal, search)
       VALUES ('contoso', 'auditLogs.signIns', 'old', 'v1', 't', $1, 1, 'sign_in', 'informational', 0, NULL, $2, $3,
         to_tsvector('simple', 'legacy vx signal') || setweight(array_to_tsvector($4::text[]), 'A'))`,
      [signal.time, signal.title, JSON.stringify(signal), keys],
    );
    await migrate(pool);
    const store = await open(url);

    const rows = await keyRows(store);
    // One row per distinct value; the address that is a upn and an email carries both type codes.
    expect(rows.map((r) => r.key).sort()).toEqual([...new Set(Object.values(values).flat().map(anyTypeKey))].sort());
    expect(rows.find((r) => r.key === anyTypeKey('zoë@contoso.example'))?.types).toHaveLength(2);
    for (const [type, list] of Object.entries(values)) {
      for (const value of list) {
        expect((await store.searchSignals({ indicator: value, limit: 5 })).results.map((h) => h.recordId)).toEqual(['old']);
        expect((await store.searchSignals({ indicator: value, indicatorType: type as 'ip', limit: 5 })).results).toHaveLength(1);
      }
    }
    expect((await store.searchSignals({ indicator: '203.0.113.9', indicatorType: 'upn', limit: 5 })).results).toEqual([]);
    expect((await store.searchSignals({ text: 'legacy', limit: 5 })).results.map((h) => h.recordId)).toEqual(['old']);
  });

  it('writes one key row per distinct value of new signals and none for a re-delivered record', async () => {
    const store = await open(await freshUrl());
    const record = signalRecord({ id: 'a', indicators: { ip: ['198.51.100.1', '198.51.100.2'], host: ['198.51.100.1'] } });
    await store.commit('contoso', 'auditLogs.signIns', [record], undefined);
    await store.commit('contoso', 'auditLogs.signIns', [record], undefined);
    const rows = await keyRows(store);
    expect(rows.map((r) => [r.key, r.types.length, r.record])).toEqual([
      [anyTypeKey('198.51.100.1'), 2, 'a'],
      [anyTypeKey('198.51.100.2'), 1, 'a'],
    ]);
  });

  it('pages an indicator across days years apart, before 1970 included, newest first, within since and until', async () => {
    const store = await open(await freshUrl());
    const times = ['0001-01-01T00:00:00.000Z', '1969-12-31T23:59:59.000Z', '1970-01-01T00:00:01.000Z', '2026-02-01T10:00:00.000Z', '2026-02-01T11:00:00.000Z', '2026-03-05T00:00:00.000Z'];
    const records = times.map((time, i) => signalRecord({ id: `s${i}`, time, indicators: { ip: ['192.0.2.1'] } }));
    records.push(signalRecord({ id: 'other', time: '2026-02-02T00:00:00.000Z', indicators: { ip: ['192.0.2.2'] } }));
    await store.commit('contoso', 'auditLogs.signIns', records, undefined);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.searchSignals({ indicator: '192.0.2.1', limit: 2, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...page.results.map((h) => h.recordId));
      cursor = page.next ?? undefined;
    } while (cursor !== undefined);
    expect(seen).toEqual(['s5', 's4', 's3', 's2', 's1', 's0']);
    const window = await store.searchSignals({ indicator: '192.0.2.1', since: '1969-12-31T23:59:59.000Z', until: '2026-02-01T11:00:00.000Z', limit: 10 });
    expect(window.results.map((h) => h.recordId)).toEqual(['s3', 's2', 's1']);
  });

  it('combines a value held by more than 5,000 signals with a rare word (the text then leads), types and paging included', async () => {
    const store = await open(await freshUrl());
    for (let page = 0; page < 6; page += 1) {
      const records = Array.from({ length: 1_000 }, (_, i) => {
        const n = page * 1_000 + i;
        const rare = n === 17 || n === 4_321 || n === 5_999;
        const time = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
        return signalRecord({ id: `c${n}`, time, title: rare ? 'quokka sighting' : 'routine sign-in', indicators: { ip: ['192.0.2.50'] } });
      });
      await store.commit('contoso', 'auditLogs.signIns', records, undefined);
    }
    const first = await store.searchSignals({ indicator: '192.0.2.50', text: 'quokka', limit: 2 });
    expect(first.results.map((h) => h.recordId)).toEqual(['c5999', 'c4321']);
    const rest = await store.searchSignals({ indicator: '192.0.2.50', text: 'quokka', limit: 2, cursor: first.next ?? '' });
    expect(rest.results.map((h) => h.recordId)).toEqual(['c17']);
    expect(rest.next).toBeNull();
    expect((await store.searchSignals({ indicator: '192.0.2.50', indicatorType: 'host', text: 'quokka', limit: 5 })).results).toEqual([]);
    expect((await store.searchSignals({ indicator: '192.0.2.51', text: 'quokka', limit: 5 })).results).toEqual([]);
  });

  it('drops the keys of replaced and purged signals, so no key row outlives its signal', async () => {
    const store = await open(await freshUrl());
    await store.commit('contoso', 'auditLogs.signIns', [signalRecord({ id: 'a', indicators: { ip: ['198.51.100.1'] } })], undefined);
    await store.commit('fabrikam', 'auditLogs.signIns', [signalRecord({ id: 'b', integration: 'fabrikam', indicators: { ip: ['198.51.100.9'] } })], undefined);
    await store.putSignals([makeSignal({ id: 'a', indicators: { ip: ['198.51.100.7'] } })]);
    expect((await keyRows(store)).map((r) => [r.key, r.record])).toEqual([
      [anyTypeKey('198.51.100.7'), 'a'],
      [anyTypeKey('198.51.100.9'), 'b'],
    ]);
    expect((await store.searchSignals({ indicator: '198.51.100.1', limit: 5 })).results).toEqual([]);
    await store.removeIntegration('fabrikam', { purgeRecords: true });
    expect((await keyRows(store)).map((r) => r.record)).toEqual(['a']);
  });
});
