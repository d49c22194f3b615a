// Process entry: global options, dispatch to a subcommand, exit code. Nothing else lives here.
import { parseArgs } from 'node:util';
import path from 'node:path';
import { COMMANDS } from './commands.ts';
import type { CliIo, GlobalOptions } from './command.ts';
import { isAzsecError } from '../core/errors.ts';

const io: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  env: process.env,
};

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: azsec [--data-dir DIR] [--store URL] [--log-format human|json] <command> [options]',
    '',
    'Collects Microsoft Graph security and identity telemetry for many tenants.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  --data-dir DIR          where the embedded store and key file live (env AZSEC_DATA_DIR; default ./data)',
    '  --store URL             postgres://user@host:5432/db to share a PostgreSQL store (env AZSEC_STORE_URL);',
    '                          default: the embedded SQLite store in the data dir',
    '  --log-format FORMAT     human (default) or json',
    '',
    'Run `azsec <command> --help` for a command\'s options.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  // Global options come before the command name; everything after it belongs to the command.
  const commandIndex = argv.findIndex((arg, i) => !arg.startsWith('-') && !['--data-dir', '--log-format', '--store'].includes(argv[i - 1] ?? ''));
  const globalArgs = commandIndex === -1 ? argv : argv.slice(0, commandIndex);
  const commandName = commandIndex === -1 ? undefined : argv[commandIndex];
  const commandArgs = commandIndex === -1 ? [] : argv.slice(commandIndex + 1);

  let parsed;
  try {
    parsed = parseArgs({
      args: globalArgs,
      options: {
        'data-dir': { type: 'string' },
        'log-format': { type: 'string' },
        store: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
      strict: true,
    });
  } catch (error) {
    io.err(`azsec: ${(error as Error).message}\n\n${helpText()}`);
    return 2;
  }
  if (parsed.values.version) {
    const { PRODUCT_VERSION } = await import('../core/product.ts');
    io.out(PRODUCT_VERSION);
    return 0;
  }
  if (parsed.values.help || commandName === undefined || commandName === 'help') {
    io.out(helpText());
    return commandName === undefined && !parsed.values.help ? 2 : 0;
  }
  const logFormat = parsed.values['log-format'] ?? 'human';
  if (logFormat !== 'human' && logFormat !== 'json') {
    io.err(`azsec: --log-format must be human or json, not "${logFormat}"`);
    return 2;
  }
  const globals: GlobalOptions = {
    dataDir: path.resolve(parsed.values['data-dir'] ?? process.env.AZSEC_DATA_DIR ?? 'data'),
    logFormat,
    storeUrl: parsed.values.store ?? (process.env.AZSEC_STORE_URL || undefined),
  };
  const command = COMMANDS.find((c) => c.name === commandName);
  if (!command) {
    io.err(`azsec: unknown command "${commandName}"\n\n${helpText()}`);
    return 2;
  }
  if (commandArgs.includes('--help') || commandArgs.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(commandArgs, globals, io);
  } catch (error) {
    if (isAzsecError(error)) {
      io.err(`azsec ${command.name}: ${error.code}: ${error.message}`);
      return 1;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`azsec ${command.name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    throw error;
  }
}
