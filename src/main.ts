// Process entry: run the CLI and set the exit code. Long-running commands keep the event loop alive themselves.
import { main } from './cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
