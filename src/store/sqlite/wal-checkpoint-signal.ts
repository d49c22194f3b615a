// The values of the Int32 that drives the WAL checkpoint worker (wal-checkpoint-worker.ts). In a module of their own:
// importing them from the worker's module would run the worker's body in any worker thread that loads the store
// (the signal stage's, for one).
export const IDLE = 0;
export const WANTED = 1;
export const CLOSE = 2;
