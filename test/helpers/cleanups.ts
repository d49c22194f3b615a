// Things a test opens (stores, pools, temporary databases, lock-holding sessions) and must close even when it fails.
// Called inside a describe block: after each test, its cleanups run newest first, so a store closes before the
// database under it is dropped.
import { afterEach } from 'vitest';

export interface Cleanups {
  /** Runs after the test, before everything added earlier. */
  add(cleanup: () => Promise<void>): void;
  /** Runs after the test, after everything else. */
  addLast(cleanup: () => Promise<void>): void;
}

export function cleanupAfterEach(): Cleanups {
  const pending: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of pending.splice(0).reverse()) await cleanup();
  });
  return {
    add: (cleanup) => void pending.push(cleanup),
    addLast: (cleanup) => void pending.unshift(cleanup),
  };
}
