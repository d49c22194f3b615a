// The signals file: the second SQLite file of the embedded store, beside azsec.db, holding what the signal stage writes
// (signals, their free-text index, alerts and the stage's own state). Why a file of its own (issue 5, ingest cost):
// SQLite has one writer per file and one WAL per file. In one file the stage and the collector took turns at the write
// lock, and every fsynced commit of the collector also flushed the stage's pages; in two files each writes and fsyncs
// its own. Reads that need both (search hits and signals, which are recomputed from their records; the stage reading
// pending records) use a connection that has the signals file ATTACHed under the schema name SIGNALS_SCHEMA.
// Writers never use that connection: BEGIN IMMEDIATE takes the write lock of every attached file.

/** The schema name of the signals file on connections that attach it to the records file. */
export const SIGNALS_SCHEMA = 'sig';

/** The signals file of the records file at `recordsPath` (`/data/azsec.db` → `/data/azsec-signals.db`). */
export function signalsFilePath(recordsPath: string): string {
  return recordsPath.endsWith('.db') ? `${recordsPath.slice(0, -3)}-signals.db` : `${recordsPath}-signals`;
}

/** True for the paths SQLite opens as a private in-memory database (tests): both files then live in one connection. */
export function isInMemoryPath(path: string): boolean {
  return path === ':memory:' || path === '';
}
