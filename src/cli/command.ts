// The shape every subcommand file exports. Commands parse their own options with node:util parseArgs.
export interface GlobalOptions {
  /** --data-dir, else AZSEC_DATA_DIR, else ./data */
  dataDir: string;
  /** --log-format human|json */
  logFormat: 'human' | 'json';
  /** --store URL, else AZSEC_STORE_URL: postgres://… selects PostgreSQL; unset, the embedded SQLite store. */
  storeUrl: string | undefined;
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
}

export interface CliCommand {
  name: string;
  /** One line for `azsec --help`. */
  summary: string;
  /** Full usage text for `azsec <name> --help`. */
  usage: string;
  /** Resolves to the process exit code. Long-running commands resolve when stopped. */
  run(args: string[], globals: GlobalOptions, io: CliIo): Promise<number>;
}
