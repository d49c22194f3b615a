// `npm run bench`: every benchmark, printing figures and ratios measured in this run on this machine. Never part of
// `npm test`; timings are not assertions. AZSEC_BENCH_RECORDS scales the collector's backfill and
// AZSEC_BENCH_SIM_RECORDS the simulator's (default 1,000,000 each); AZSEC_BENCH_SIGNALS the stored signals searched
// (default 5,000,000 per store: loading them takes long, PostgreSQL most).
import { quietSqliteExperimentalWarning } from '../src/core/quiet-warnings.ts';

quietSqliteExperimentalWarning();
const { benchSimulator } = await import('./simulator.ts');
const { benchCollector } = await import('./collector.ts');
const { benchWorkers } = await import('./workers.ts');
const { benchDetectionLatency } = await import('./detection-latency.ts');
const { benchSignalSearchBothStores } = await import('./signal-search.ts');

// The simulator first: the collector is measured against it, so it must serve sign-ins well above the collector's rate.
await benchSimulator();
await benchCollector();
await benchWorkers();
await benchDetectionLatency();
await benchSignalSearchBothStores();
