// The SQLite backend: the shared Store contract, plus what only an embedded database has to prove itself (file
// settings, migrations across processes, crash safety of commits).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { storeContract } from './store-contract.ts';

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'azsec-sqlite-'));
}

storeContract('SQLite', async ({ clock, exportPageSize }) => {
  const dir = await tempDir();
  const store = await createSqliteStore({ path: path.join(dir, 'azsec.db'), clock, exportPageSize });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
