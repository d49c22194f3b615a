// One measured run in its own process, so that its peak RSS is its own (the simulator runs in the parent):
//   mode "collector": the real collector backfills auditLogs.signIns into a fresh SQLite store, with the signal stage
//     (signals and every built-in detection rule) in its worker thread; the clock stops when the stage has caught up;
//   mode "collector-no-rules": the same with the detection rules off (to measure their cost);
//   mode "collector-records-only": the same without the signal stage (to measure what signals cost);
//   mode "ceiling":   the same pages fetched, JSON.parse'd and committed to a fresh SQLite store, no collector logic.
// With storeUrl (PostgreSQL) the collector modes use that store instead of SQLite.
// Prints one JSON line {records, signals, ms, writeMb, diskMb, maxRssMb, cpuMs} (cpuMs: user + system time of every
// thread; writeMb: what the process wrote, diskMb: what of it reached the disk).
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHECK_IDS } from '../src/core/check-ids.ts';
import { quietSqliteExperimentalWarning } from '../src/core/quiet-warnings.ts';
import { sealSecret } from '../src/config/secrets.ts';
import { createLogger } from '../src/log/logger.ts';
import { Collector } from '../src/scheduler/collector.ts';
import { startSignalStageThread } from '../src/signals/stage/signal-stage-thread.ts';
import { openStore } from '../src/store/open-store.ts';
import { createSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import type { NewRecord } from '../src/store/store.ts';
import { signalDeriver } from '../src/signals/signal-of-record.ts';

interface ChildInput {
  mode: 'collector' | 'collector-no-rules' | 'collector-records-only' | 'ceiling';
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  storeUrl?: string;
}

quietSqliteExperimentalWarning();
const input = JSON.parse(process.argv[2] ?? '{}') as ChildInput;
const dir = await mkdtemp(path.join(tmpdir(), 'azsec-bench-'));
const store =
  input.storeUrl === undefined
    ? await createSqliteStore({ signalDeriver, path: path.join(dir, 'azsec.db') })
    : await openStore({ dataDir: dir, storeUrl: input.storeUrl, signalDeriver });
let records = 0;
let signals = 0;
const start = performance.now();

if (input.mode !== 'ceiling') {
  const secretKey = randomBytes(32);
  await store.addIntegration(
    {
      name: 'bench',
      tenantId: input.tenantId,
      clientId: input.clientId,
      credentialKind: 'secret',
      certificatePem: null,
      cloud: 'custom',
      loginUrl: input.url,
      graphUrl: input.url,
      intervalMs: 300_000,
      initialLookbackMs: 30 * 86_400_000,
      lateWindowMs: 600_000,
      enabled: true,
      disabledChecks: CHECK_IDS.filter((c) => c !== 'auditLogs.signIns'),
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    },
    sealSecret(secretKey, input.clientSecret, 'bench'),
  );
  const stage =
    input.mode === 'collector-records-only'
      ? undefined
      : startSignalStageThread({ dataDir: dir, storeUrl: input.storeUrl, logFormat: 'json', logWrite: () => undefined, detections: input.mode === 'collector' });
  const collector = new Collector({ store, secretKey, logger: createLogger({ format: 'json', write: () => undefined }), ...(stage ? { onStored: () => stage.wake() } : {}) });
  await collector.pollOnce();
  if (stage !== undefined) {
    if (!(await stage.whenIdle())) throw new Error('the signal stage did not run');
    await stage.stop();
    signals = await store.countSignals({ integration: 'bench' });
  }
  records = await store.countRecords({ integration: 'bench' });
} else {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: input.clientId, client_secret: input.clientSecret, scope: `${input.url}/.default` });
  const token = ((await (await fetch(`${input.url}/${input.tenantId}/oauth2/v2.0/token`, { method: 'POST', body: form })).json()) as { access_token: string }).access_token;
  let url: string | undefined = `${input.url}/v1.0/auditLogs/signIns?$top=1000&$orderby=createdDateTime asc`;
  let page = 0;
  while (url !== undefined) {
    const body = (JSON.parse(await (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).text())) as { value: Array<Record<string, unknown>>; '@odata.nextLink'?: string };
    const batch: NewRecord[] = body.value.map((v) => ({ id: String(v.id), version: String(v.id), time: String(v.createdDateTime), raw: JSON.stringify(v) }));
    await store.commit('bench', 'auditLogs.signIns', batch, { page: page++ });
    records += batch.length;
    url = body['@odata.nextLink'];
  }
}

const ms = performance.now() - start;
await store.close();
await rm(dir, { recursive: true, force: true });
const usage = process.resourceUsage();
// Bytes this process wrote (the store's WAL and database file, above all): a measure that does not move with the
// machine's load. wchar counts every write(); write_bytes what was sent to the disk (WAL frames written over before
// they were flushed count once). Linux only; 0 where /proc is missing.
const io = await readFile('/proc/self/io', 'utf8').catch(() => '');
const ioField = (name: string): number => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? 0);
process.stdout.write(JSON.stringify({ records, signals, ms, writeMb: ioField('wchar') / 1e6, diskMb: ioField('write_bytes') / 1e6, maxRssMb: usage.maxRSS / 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }) + '\n');
