// The signal stage's worker thread (started by signal-stage-thread.ts): opens its own connection to the store and
// runs the stage until told to stop. Log lines go to the parent, which writes them where its own logs go.
import { parentPort, workerData } from 'node:worker_threads';
import { quietSqliteExperimentalWarning } from '../../core/quiet-warnings.ts';
import { createLogger } from '../../log/logger.ts';
import { openStore } from '../../store/open-store.ts';
import { signalDeriver } from '../signal-of-record.ts';
import { SignalStage } from './signal-stage.ts';
import type { StageThreadInput, StageThreadMessage, StageThreadRequest } from './signal-stage-thread.ts';

quietSqliteExperimentalWarning();
const input = workerData as StageThreadInput;
const port = parentPort;
if (port === null) throw new Error('signal-stage-worker.ts runs as a worker thread only');
const post = (message: StageThreadMessage): void => port.postMessage(message);

const logger = createLogger({ format: input.logFormat, write: (line) => post({ type: 'log', line }) }).child({ component: 'azure-security' });
const stop = new AbortController();
let stage: SignalStage | undefined;

/** Requests that arrive while the store is still opening are handled once the stage exists. */
const early: StageThreadRequest[] = [];

function handle(message: StageThreadRequest): void {
  if (message.type === 'stop') stop.abort();
  else if (stage === undefined) early.push(message);
  else if (message.type === 'wake') stage.wake();
  else void stage.whenIdle().then((held) => post({ type: 'idle', id: message.id, held }));
}

port.on('message', handle);

try {
  const store = await openStore({ dataDir: input.dataDir, storeUrl: input.storeUrl, replayableWrites: true, backgroundCheckpoints: false, sharedWriteLocks: input.sqliteWriteLocks, signalDeriver });
  try {
    stage = new SignalStage({
      store,
      logger,
      ...(input.owner === undefined ? {} : { owner: input.owner }),
      ...(input.detections === undefined ? {} : { detections: input.detections }),
      ...(input.leaseMs === undefined ? {} : { leaseMs: input.leaseMs }),
      ...(input.idleCheckMs === undefined ? {} : { idleCheckMs: input.idleCheckMs }),
      onAlerts: (alerts) => post({ type: 'alerts', count: alerts.length, at: Date.now() }),
    });
    post({ type: 'ready' });
    const running = stage.run(stop.signal);
    for (const message of early.splice(0)) handle(message);
    await running;
  } finally {
    await store.close();
  }
  post({ type: 'stopped' });
} catch (error) {
  post({ type: 'failed', code: (error as { code?: string }).code ?? 'ERR_INTERNAL', message: (error as Error).message });
} finally {
  port.close();
}
