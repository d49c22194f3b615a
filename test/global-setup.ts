// Vitest global setup: one temporary directory for the whole run, handed to the test processes (inject
// 'testStateRoot') and removed when every test file has finished. What tests keep for the run's lifetime (the
// simulators' CA, one per test process) goes there rather than beside everything else in the temporary directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    testStateRoot: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(path.join(tmpdir(), 'azsec-test-run-'));
  project.provide('testStateRoot', root);
  return () => rm(root, { recursive: true, force: true });
}
