// Every subcommand, in the order `azsec --help` lists them. Add a command by adding its file here.
import type { CliCommand } from './command.ts';
import { alertsCommand } from './commands/alerts.ts';
import { exportCommand } from './commands/export.ts';
import { integrationsCommand } from './commands/integrations.ts';
import { pollCommand } from './commands/poll.ts';
import { reindexCommand } from './commands/reindex.ts';
import { rulesCommand } from './commands/rules.ts';
import { runCommand } from './commands/run.ts';
import { searchCommand } from './commands/search.ts';
import { serveCommand } from './commands/serve.ts';
import { simulateCommand } from './commands/simulate.ts';
import { sqlCommand } from './commands/sql.ts';
import { startCommand } from './commands/start.ts';
import { statusCommand } from './commands/status.ts';

export const COMMANDS: CliCommand[] = [
  startCommand,
  serveCommand,
  integrationsCommand,
  pollCommand,
  runCommand,
  statusCommand,
  exportCommand,
  searchCommand,
  reindexCommand,
  sqlCommand,
  alertsCommand,
  rulesCommand,
  simulateCommand,
];
