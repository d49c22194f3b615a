// node:sqlite prints "ExperimentalWarning: SQLite is an experimental feature" on every start, although its API is
// stable in Node 24 for what we use. Operators should see real warnings only, so that one line is dropped.
export function quietSqliteExperimentalWarning(): void {
  const listeners = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'ExperimentalWarning' && /SQLite/i.test(warning.message)) return;
    if (listeners.length === 0) process.stderr.write(`${warning.name}: ${warning.message}\n`);
    for (const l of listeners) l(warning);
  });
}
