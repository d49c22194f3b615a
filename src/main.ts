// Process entry: run the CLI and set the exit code. Long-running commands keep the event loop alive themselves.
import { quietSqliteExperimentalWarning } from './core/quiet-warnings.ts';

quietSqliteExperimentalWarning();
// `azsec export | head` closes the pipe early: that is the reader's choice, not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
// Imported after the warning filter is in place: the CLI's imports load node:sqlite.
const { main } = await import('./cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
