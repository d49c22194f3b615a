// Every subcommand, in the order `azsec --help` lists them. Add a command by adding its file here.
import type { CliCommand } from './command.ts';
import { simulateCommand } from './commands/simulate.ts';

export const COMMANDS: CliCommand[] = [simulateCommand];
