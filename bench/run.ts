// `npm run bench`: every benchmark, printing figures and ratios measured in this run on this machine. Never part of
// `npm test`; timings are not assertions. AZSEC_BENCH_RECORDS scales the backfill (default 1,000,000).
import { quietSqliteExperimentalWarning } from '../src/core/quiet-warnings.ts';

quietSqliteExperimentalWarning();
const { benchCollector } = await import('./collector.ts');

await benchCollector();
