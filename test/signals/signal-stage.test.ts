// The signal stage over a real SQLite store: every stored record gets its signal once, detection state carries over
// a restart (a threshold reached across two processes' batches still fires), a failed batch stores nothing and is
// redone, the next batch is computed while one is written and dropped, with what the rules engine saw of it, whenever
// it will not be stored as computed, one stage at a time holds the lease, and the worker-thread wrapper wakes on
// commits and reports idle.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAzsecError } from '../../src/core/errors.ts';
import { RULE_SETTINGS_KEY } from '../../src/detections/installation-rules.ts';
import { createLogger } from '../../src/log/logger.ts';
import { SignalStage } from '../../src/signals/stage/signal-stage.ts';
import { startSignalStageThread } from '../../src/signals/stage/signal-stage-thread.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import type { NewRecord, PendingRecord, SignalBatchOutput, Store } from '../../src/store/store.ts';
import { integration } from '../store/store-contract.ts';
import { signalDeriver } from '../../src/signals/signal-of-record.ts';

/** The store with some methods replaced (the store's own methods stay bound to it: it has private fields). */
function overriding(store: Store, overrides: Partial<Store>): Store {
  return new Proxy(store, {
    get(target, property) {
      if (property in overrides) return overrides[property as keyof Store];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const T0 = Date.parse('2026-11-20T08:00:00Z');
let n = 0;

/** A failed interactive sign-in of `user` (error 50126: wrong password), `minutes` after T0. */
function failedSignIn(user: string, minutes: number): NewRecord {
  n += 1;
  const time = new Date(T0 + minutes * 60_000).toISOString();
  const raw = {
    id: `si-${n}`,
    createdDateTime: time,
    userPrincipalName: user,
    userDisplayName: user,
    userId: `user-${user}`,
    appDisplayName: 'Office 365 Exchange Online',
    ipAddress: '198.51.100.77',
    clientAppUsed: 'Browser',
    status: { errorCode: 50126, failureReason: 'Invalid username or password.' },
    location: { city: 'Lisbon', countryOrRegion: 'PT', geoCoordinates: { latitude: 38.7, longitude: -9.1 } },
  };
  return { id: raw.id, version: raw.id, time, raw: JSON.stringify(raw) };
}

describe('SignalStage', () => {
  let dir: string;
  let store: Store;
  const logs: string[] = [];
  const logger = createLogger({ format: 'json', write: (line) => logs.push(line) });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'azsec-stage-'));
    store = await createSqliteStore({ signalDeriver, path: path.join(dir, 'azsec.db') });
    await store.addIntegration(integration('contoso'), { ciphertext: 's' });
    logs.length = 0;
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('makes one signal per stored record, and a record that is not a JSON object is completed without one', async () => {
    await store.commit('contoso', 'auditLogs.signIns', [failedSignIn('alice@contoso.com', 0), failedSignIn('bob@contoso.com', 1)], 'c1');
    await store.commit('contoso', 'auditLogs.signIns', [{ id: 'odd', version: 'odd', time: new Date(T0).toISOString(), raw: '[1,2]' }], 'c2');
    const stage = new SignalStage({ store, logger, batchSize: 2 });
    expect(await stage.drain()).toBe(true);
    expect(stage.progress).toMatchObject({ records: 3, signals: 2 });
    expect(await store.countSignals({})).toBe(2);
    expect(await store.countPendingRecords()).toBe(0);
    expect(logs.some((l) => l.includes('not a JSON object'))).toBe(true);
    // Nothing new: a second drain does nothing.
    expect(await stage.drain()).toBe(true);
    expect(stage.progress.records).toBe(3);
  });

  it('carries detection state over a restart: a brute force spread over two stage instances still fires once', async () => {
    await store.commit('contoso', 'auditLogs.signIns', Array.from({ length: 6 }, (_, i) => failedSignIn('carol@contoso.com', i)), 'c1');
    expect(await new SignalStage({ store, logger, owner: 'first' }).drain()).toBe(true);
    expect((await store.listAlerts({ limit: 10 })).alerts.filter((a) => a.ruleId === 'brute-force')).toEqual([]);
    // drain() let go of the lease: the next process takes the stage at once.
    await store.commit('contoso', 'auditLogs.signIns', Array.from({ length: 6 }, (_, i) => failedSignIn('carol@contoso.com', 6 + i)), 'c2');
    expect(await new SignalStage({ store, logger, owner: 'second' }).drain()).toBe(true);
    const alerts = (await store.listAlerts({ limit: 10 })).alerts.filter((a) => a.ruleId === 'brute-force');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.groupKey).toContain('carol@contoso.com');
  });

  it('stores nothing of a batch whose commit fails, and processes it once when it runs again', async () => {
    await store.commit('contoso', 'auditLogs.signIns', Array.from({ length: 12 }, (_, i) => failedSignIn('dave@contoso.com', i)), 'c1');
    let fail = true;
    const flaky = overriding(store, {
      completeRecords: async (owner: string, records: readonly PendingRecord[], output: SignalBatchOutput) => {
        if (fail) throw new Error('disk full');
        return store.completeRecords(owner, records, output);
      },
    });
    const stage = new SignalStage({ store: flaky, logger, owner: 'flaky' });
    await expect(stage.drain()).rejects.toThrow('disk full');
    expect(await store.countSignals({})).toBe(0);
    expect(await store.countPendingRecords()).toBe(12);
    fail = false;
    expect(await stage.drain()).toBe(true);
    expect(await store.countSignals({})).toBe(12);
    const alerts = (await store.listAlerts({ limit: 10 })).alerts.filter((a) => a.ruleId === 'brute-force');
    // Once: the engine's state from the failed attempt was dropped and reloaded from the store.
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.absorbed).toBe(2);
  });

  it('reads and computes the next batch while one is written, leaving the batch in flight out', async () => {
    await store.commit('contoso', 'auditLogs.signIns', Array.from({ length: 10 }, (_, i) => failedSignIn('hank@contoso.com', i)), 'c1');
    const writing: string[][] = [];
    const readWhileWriting: Array<{ skipped: string[]; got: string[] }> = [];
    const observed = overriding(store, {
      pendingRecords: async (limit: number, skip?: readonly PendingRecord[]) => {
        const got = await store.pendingRecords(limit, skip);
        if (writing.length > 0) readWhileWriting.push({ skipped: (skip ?? []).map((r) => r.id), got: got.map((r) => r.id) });
        return got;
      },
      completeRecords: async (owner: string, records: readonly PendingRecord[], output: SignalBatchOutput) => {
        writing.push(records.map((r) => r.id));
        // Yield, as a database round trip does, before storing.
        await new Promise((resolve) => setTimeout(resolve, 5));
        try {
          return await store.completeRecords(owner, records, output);
        } finally {
          writing.pop();
        }
      },
    });
    expect(await new SignalStage({ store: observed, logger, owner: 'pipelined', batchSize: 4 }).drain()).toBe(true);
    const ids = Array.from({ length: 10 }, (_, i) => `si-${n - 9 + i}`);
    expect(readWhileWriting).toEqual([
      { skipped: ids.slice(0, 4), got: ids.slice(4, 8) },
      { skipped: ids.slice(4, 8), got: ids.slice(8) },
      { skipped: ids.slice(8), got: [] },
    ]);
    expect(await store.countSignals({})).toBe(10);
    expect(await store.countPendingRecords()).toBe(0);
  });

  it('drops the batch computed ahead when the write before it fails: every record goes through the rules once', async () => {
    await store.commit('contoso', 'auditLogs.signIns', Array.from({ length: 12 }, (_, i) => failedSignIn('ivan@contoso.com', i)), 'c1');
    let calls = 0;
    const flaky = overriding(store, {
      completeRecords: async (owner: string, records: readonly PendingRecord[], output: SignalBatchOutput) => {
        calls += 1;
        // The second batch fails while the third (the one that reaches the brute-force threshold) is computed ahead.
        if (calls === 2) throw new Error('connection reset');
        return store.completeRecords(owner, records, output);
      },
    });
    const stage = new SignalStage({ store: flaky, logger, owner: 'flaky', batchSize: 4 });
    await expect(stage.drain()).rejects.toThrow('connection reset');
    expect(await store.countSignals({})).toBe(4);
    expect(await stage.drain()).toBe(true);
    expect(await store.countSignals({})).toBe(12);
    const alerts = (await store.listAlerts({ limit: 10 })).alerts.filter((a) => a.ruleId === 'brute-force');
    // As in one clean pass (see the test above with 12 records in one batch): raised once, two matches absorbed.
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.absorbed).toBe(2);
  });

  it('drops the batch computed ahead when the rules change: the new rules see it, not the old engine', async () => {
    await store.commit('contoso', 'auditLogs.signIns', Array.from({ length: 12 }, (_, i) => failedSignIn('judy@contoso.com', i)), 'c1');
    let now = T0;
    const clock = { now: () => now, sleep: async () => undefined };
    let calls = 0;
    const changing = overriding(store, {
      completeRecords: async (owner: string, records: readonly PendingRecord[], output: SignalBatchOutput) => {
        calls += 1;
        if (calls === 1) {
          // While the first batch is written (the second, which holds the threshold, is computed ahead), an operator
          // turns the rule off, and the lease falls due for renewal, which reloads the rules.
          await store.putSetting(RULE_SETTINGS_KEY, { 'brute-force': { enabled: false } });
          now += 60_000;
        }
        return store.completeRecords(owner, records, output);
      },
    });
    expect(await new SignalStage({ store: changing, logger, owner: 'ops', batchSize: 6, leaseMs: 90_000, clock }).drain()).toBe(true);
    expect(await store.countSignals({})).toBe(12);
    expect((await store.listAlerts({ limit: 10 })).alerts.filter((a) => a.ruleId === 'brute-force')).toEqual([]);
  });

  it('drops the batch computed ahead when renewing the lease fails: every record goes through the rules once', async () => {
    await store.commit('contoso', 'auditLogs.signIns', Array.from({ length: 12 }, (_, i) => failedSignIn('karl@contoso.com', i)), 'c1');
    let now = T0;
    const clock = { now: () => now, sleep: async () => undefined };
    let claims = 0;
    const flaky = overriding(store, {
      claimSignalStage: async (owner: string, ttlMs: number) => {
        claims += 1;
        // The renewal due after the first batch (the second is computed ahead by then) meets a database error.
        if (claims === 2) throw new Error('connection reset');
        return store.claimSignalStage(owner, ttlMs);
      },
      completeRecords: async (owner: string, records: readonly PendingRecord[], output: SignalBatchOutput) => {
        now += 60_000;
        return store.completeRecords(owner, records, output);
      },
    });
    const stage = new SignalStage({ store: flaky, logger, owner: 'renewing', batchSize: 4, leaseMs: 90_000, clock });
    await expect(stage.drain()).rejects.toThrow('connection reset');
    expect(await store.countSignals({})).toBe(4);
    expect(await stage.drain()).toBe(true);
    expect(await store.countSignals({})).toBe(12);
    const alerts = (await store.listAlerts({ limit: 10 })).alerts.filter((a) => a.ruleId === 'brute-force');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.absorbed).toBe(2);
  });

  it('drops what the engine saw of a batch that failed half-way through, and redoes the batch once', async () => {
    await store.commit('contoso', 'auditLogs.signIns', Array.from({ length: 12 }, (_, i) => failedSignIn('lena@contoso.com', i)), 'c1');
    let broken = true;
    const flaky = overriding(store, {
      pendingRecords: async (limit: number, skip?: readonly PendingRecord[]) => {
        const records = await store.pendingRecords(limit, skip);
        if (!broken) return records;
        broken = false;
        // The 11th record cannot be read: the first ten (the brute-force threshold) have been through the rules.
        return records.map((r, i) => (i === 10 ? Object.defineProperty({ ...r }, 'raw', { get: () => { throw new Error('unreadable'); } }) : r));
      },
    });
    const stage = new SignalStage({ store: flaky, logger, owner: 'half' });
    await expect(stage.drain()).rejects.toThrow('unreadable');
    expect(await store.countSignals({})).toBe(0);
    expect(await stage.drain()).toBe(true);
    expect(await store.countSignals({})).toBe(12);
    const alerts = (await store.listAlerts({ limit: 10 })).alerts.filter((a) => a.ruleId === 'brute-force');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.absorbed).toBe(2);
  });

  it('drops the batch computed ahead when a drain ends on an error after a stored batch', async () => {
    await store.commit('contoso', 'auditLogs.signIns', Array.from({ length: 16 }, (_, i) => failedSignIn('mona@contoso.com', i)), 'c1');
    let calls = 0;
    const onAlerts = (): void => {
      calls += 1;
      // The third batch raised the alert and is stored; the fourth, computed ahead, absorbed four more matches.
      if (calls === 1) throw new Error('listener failed');
    };
    const stage = new SignalStage({ store, logger, owner: 'listening', batchSize: 4, onAlerts });
    await expect(stage.drain()).rejects.toThrow('listener failed');
    expect(await store.countSignals({})).toBe(12);
    expect(await stage.drain()).toBe(true);
    expect(await store.countSignals({})).toBe(16);
    const alerts = (await store.listAlerts({ limit: 10 })).alerts.filter((a) => a.ruleId === 'brute-force');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.absorbed).toBe(6);
  });

  it('lets one stage at a time hold the lease; the other does nothing until the holder lets go', async () => {
    await store.commit('contoso', 'auditLogs.signIns', [failedSignIn('erin@contoso.com', 0)], 'c1');
    expect(await store.claimSignalStage('someone-else', 60_000)).toBe(true);
    const stage = new SignalStage({ store, logger, owner: 'me' });
    expect(await stage.drain()).toBe(false);
    expect(await store.countPendingRecords()).toBe(1);
    await store.releaseSignalStage('someone-else');
    expect(await stage.drain()).toBe(true);
    expect(await store.countPendingRecords()).toBe(0);
  });

  it('gives up a batch fenced off by a takeover without storing it, and reloads the stored state', async () => {
    await store.commit('contoso', 'auditLogs.signIns', [failedSignIn('frank@contoso.com', 0)], 'c1');
    const stage = new SignalStage({ store, logger, owner: 'slow', leaseMs: 60_000 });
    const fenced = overriding(store, {
      completeRecords: async (owner: string, records: readonly PendingRecord[], output: SignalBatchOutput) => {
        // Another process takes the stage over while this batch is being computed.
        await store.releaseSignalStage(owner);
        await store.claimSignalStage('fast', 60_000);
        return store.completeRecords(owner, records, output);
      },
    });
    const slow = new SignalStage({ store: fenced, logger, owner: 'slow' });
    expect(await slow.processBatch()).toBe(0);
    expect(await store.countSignals({})).toBe(0);
    expect(isAzsecError(await store.completeRecords('slow', await store.pendingRecords(10), { signals: [], alerts: [] }).catch((e: unknown) => e), 'ERR_LEASE_LOST')).toBe(true);
    expect(await stage.drain()).toBe(false);
  });
});

describe('signal stage thread', () => {
  it('processes what the collector stores when woken, reports idle and the alerts it stored, and stops', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'azsec-stage-thread-'));
    const store = await createSqliteStore({ signalDeriver, path: path.join(dir, 'azsec.db') });
    const lines: string[] = [];
    const failures: string[] = [];
    const thread = startSignalStageThread({ dataDir: dir, logFormat: 'json', logWrite: (l) => lines.push(l), idleCheckMs: 60_000, onFailure: (code, message) => failures.push(`${code}: ${message}`) });
    try {
      await store.addIntegration(integration('contoso'), { ciphertext: 's' });
      const alerts: number[] = [];
      thread.onAlerts((count) => alerts.push(count));
      expect(await thread.whenIdle(), failures.join('; ')).toBe(true);
      await store.commit('contoso', 'auditLogs.signIns', Array.from({ length: 10 }, (_, i) => failedSignIn('gina@contoso.com', i)), 'c1');
      thread.wake();
      expect(await thread.whenIdle()).toBe(true);
      expect(await store.countSignals({})).toBe(10);
      expect(alerts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(lines.some((l) => l.includes('alert raised'))).toBe(true);
    } finally {
      await thread.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
