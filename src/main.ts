// Process entry: run the CLI and set the exit code. Long-running commands keep the event loop alive themselves.
import { quietSqliteExperimentalWarning } from './core/quiet-warnings.ts';

quietSqliteExperimentalWarning();
// Imported after the warning filter is in place: the CLI's imports load node:sqlite.
const { main } = await import('./cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
