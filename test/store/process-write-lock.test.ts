// The process write lock (src/store/sqlite/process-write-lock.ts): threads of one process writing the same SQLite
// file take turns through it, a waiting thread goes on when the holder releases, and one that cannot get it in time
// goes on anyway (the lock only orders threads; SQLite's lock guards the data).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteWriteLocks } from '../../src/store/open-store.ts';
import { processWriteLock } from '../../src/store/sqlite/process-write-lock.ts';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'azsec-write-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts the fixture worker; resolves `opened` and `committed` as it reports them. */
function startCommitter(file: string, lock: SharedArrayBuffer, busyTimeoutMs = 30_000) {
  const worker = new Worker(new URL('./fixtures/sqlite-locked-commit.ts', import.meta.url), { workerData: { file, lock, busyTimeoutMs } });
  const events: string[] = [];
  const waiters = new Map<string, () => void>();
  worker.on('message', (m: string) => {
    events.push(m);
    waiters.get(m)?.();
  });
  const failed = new Promise<never>((_, reject) => worker.on('error', reject));
  const reported = (m: string): Promise<void> =>
    Promise.race([failed, events.includes(m) ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(m, resolve))]);
  const exited = new Promise<void>((resolve) => worker.on('exit', () => resolve()));
  return { events, reported, exited };
}

describe('process write lock', () => {
  it('is one lock per database file in a thread, and a shared buffer replaces it', () => {
    const a = processWriteLock(path.join(dir, 'a.db'));
    expect(processWriteLock(path.join(dir, '.', 'a.db'))).toBe(a);
    expect(processWriteLock(path.join(dir, 'b.db'))).not.toBe(a);
    const shared = new SharedArrayBuffer(4);
    const adopted = processWriteLock(path.join(dir, 'a.db'), shared);
    expect(adopted.buffer).toBe(shared);
    expect(processWriteLock(path.join(dir, 'a.db'))).toBe(adopted);
    expect(sqliteWriteLocks(dir, undefined)).toEqual({
      records: processWriteLock(path.join(dir, 'azsec.db')).buffer,
      signals: processWriteLock(path.join(dir, 'azsec-signals.db')).buffer,
    });
    expect(sqliteWriteLocks(dir, undefined)?.records).toBe(processWriteLock(path.join(dir, 'azsec.db')).buffer);
    expect(sqliteWriteLocks(dir, 'postgres://localhost/x')).toBeUndefined();
  });

  it("a worker thread's store commits only once the starting thread releases the lock, then both stores see both records", async () => {
    const file = path.join(dir, 'azsec.db');
    const store = await createSqliteStore({ path: file });
    const lock = processWriteLock(file);
    lock.acquire(1_000);
    const worker = startCommitter(file, lock.buffer);
    await worker.reported('opened');
    // Held: the worker's commit waits. (Were the lock ignored, SQLite would let it commit at once: nothing else writes.)
    await sleep(300);
    expect(worker.events).toEqual(['opened']);
    lock.release();
    await worker.reported('committed');
    await worker.exited;
    // The store of this thread takes the same lock and is not blocked by anything left behind.
    await store.commit('main', 'users', [{ id: 'm', version: '1', time: '2026-02-01T00:00:00Z', raw: '{"id":"m"}' }], { by: 'main' });
    expect(await store.countRecords({})).toBe(2);
    await store.close();
  });

  it('a thread that cannot get the lock in time (the holder died holding it) goes on to SQLite and commits', async () => {
    const file = path.join(dir, 'azsec.db');
    const store = await createSqliteStore({ path: file });
    const lock = processWriteLock(file);
    lock.acquire(1_000); // never released, as if its thread had died mid-transaction
    const worker = startCommitter(file, lock.buffer, 500);
    await worker.reported('committed');
    await worker.exited;
    expect(await store.countRecords({ integration: 'worker' })).toBe(1);
    await store.close();
  });
});
