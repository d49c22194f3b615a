// Where a test process's simulators keep their CA. One CA per test process: fetch caches its TLS context, so a second
// CA would not be trusted. Under the run's directory (test/global-setup.ts), which is removed when the run ends.
import { inject } from 'vitest';
import path from 'node:path';

export function simulatorStateDir(): string {
  return path.join(inject('testStateRoot'), `ca-${process.pid}`);
}
