// Checks on an analyst's SQL text shared by both backends, done before the database sees it: exactly one statement
// (a trailing ";" and comments are fine), and a clear refusal of statements that write. The database enforces
// read-only by itself as well (a read-only connection on SQLite, a READ ONLY transaction on PostgreSQL); the
// keyword check only makes the common cases say "read-only" instead of a driver-specific error.
// The scanner knows the quoting of both dialects: '…' (with '' and, after E, backslash escapes), "…", `…`, […],
// $tag$…$tag$, -- and nested /* */ comments, so a ";" inside any of them never splits the statement.
import { AzsecError } from '../core/errors.ts';

export const READ_ONLY_MESSAGE = 'writes are not allowed (read-only)';

const WRITE_KEYWORDS = new Set([
  'insert', 'update', 'delete', 'replace', 'upsert', 'merge', 'create', 'drop', 'alter', 'truncate', 'grant',
  'revoke', 'attach', 'detach', 'vacuum', 'reindex', 'analyze', 'analyse', 'begin', 'commit', 'rollback', 'savepoint',
  'release', 'end', 'copy', 'lock', 'set', 'reset', 'do', 'call', 'cluster', 'refresh', 'comment', 'security', 'import',
  'listen', 'notify', 'unlisten', 'discard', 'prepare', 'execute', 'deallocate', 'declare', 'fetch', 'move', 'close',
  'checkpoint', 'load', 'abort', 'start', 'reassign',
]);

export interface AnalystLimits {
  timeoutMs: number;
  maxRows: number;
}

export function sqlError(message: string, details: Record<string, unknown> = {}, cause?: unknown): AzsecError {
  return new AzsecError('ERR_SQL', message, details, cause === undefined ? undefined : { cause });
}

export function checkLimits(opts: AnalystLimits): void {
  if (!Number.isInteger(opts.timeoutMs) || opts.timeoutMs < 1) {
    throw new AzsecError('ERR_CONFIG_INVALID', `The SQL time limit must be a positive number of milliseconds (got ${opts.timeoutMs}).`);
  }
  if (!Number.isInteger(opts.maxRows) || opts.maxRows < 1 || opts.maxRows > 1_000_000) {
    throw new AzsecError('ERR_CONFIG_INVALID', `The SQL row limit must be an integer from 1 to 1,000,000 (got ${opts.maxRows}).`);
  }
}

/** The one statement in `sql`, without its trailing ";", or ERR_SQL. */
export function singleStatement(sql: string): string {
  const end = statementEnd(sql);
  const statement = sql.slice(0, end);
  if (!hasCode(sql.slice(end + 1).replaceAll(';', ' '))) {
    if (!hasCode(statement)) throw sqlError('the query is empty');
    const keyword = firstKeyword(statement);
    if (keyword !== null && WRITE_KEYWORDS.has(keyword)) throw sqlError(READ_ONLY_MESSAGE, { keyword });
    const inner = innerWrite(statement);
    if (inner !== null) throw sqlError(READ_ONLY_MESSAGE, { keyword: inner });
    // SQLite's PRAGMA x = y changes settings (some would even need a write lock); PRAGMA x and x(arg) only read.
    if (keyword === 'pragma' && /^[^=]*?\bpragma\s+[\w."]+\s*=/is.test(statement)) throw sqlError(READ_ONLY_MESSAGE, { keyword });
    return statement;
  }
  throw sqlError('only one statement is allowed');
}

/** Index of the first ";" outside quotes and comments, or the length of `sql`. */
function statementEnd(sql: string): number {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === ';') return i;
    i = skip(sql, i);
  }
  return sql.length;
}

/** The index after the token that starts at i: a quoted string, a comment, or one character. */
function skip(sql: string, i: number): number {
  const c = sql[i];
  const next = sql[i + 1];
  if (c === '-' && next === '-') {
    const eol = sql.indexOf('\n', i);
    return eol === -1 ? sql.length : eol + 1;
  }
  if (c === '/' && next === '*') {
    let depth = 1;
    let j = i + 2;
    while (j < sql.length && depth > 0) {
      if (sql[j] === '/' && sql[j + 1] === '*') {
        depth += 1;
        j += 2;
      } else if (sql[j] === '*' && sql[j + 1] === '/') {
        depth -= 1;
        j += 2;
      } else j += 1;
    }
    return j;
  }
  if (c === "'") {
    const backslashes = i > 0 && /[eE]/.test(sql[i - 1] ?? '') && !/[\w$]/.test(sql[i - 2] ?? '');
    return closeQuote(sql, i, "'", backslashes);
  }
  if (c === '"' || c === '`') return closeQuote(sql, i, c, false);
  if (c === '[') {
    const close = sql.indexOf(']', i + 1);
    return close === -1 ? sql.length : close + 1;
  }
  if (c === '$') {
    const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
    // "$1" (a parameter) and "x$y" (an identifier) are not dollar quotes.
    if (tag !== null && !/[\w$]/.test(sql[i - 1] ?? '')) {
      const close = sql.indexOf(tag[0], i + tag[0].length);
      return close === -1 ? sql.length : close + tag[0].length;
    }
  }
  return i + 1;
}

function closeQuote(sql: string, start: number, quote: string, backslashes: boolean): number {
  let j = start + 1;
  while (j < sql.length) {
    const c = sql[j];
    if (backslashes && c === '\\') {
      j += 2;
      continue;
    }
    if (c === quote) {
      if (sql[j + 1] === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j += 1;
  }
  return sql.length;
}

/** Whether the text holds anything but whitespace and comments. */
function hasCode(text: string): boolean {
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const after = skip(text, i);
    const isComment = (c === '-' && text[i + 1] === '-') || (c === '/' && text[i + 1] === '*');
    if (!isComment) return true;
    i = after;
  }
  return false;
}

// Words that only appear in statements that write, wherever they stand (a data-modifying WITH, EXPLAIN ANALYZE
// DELETE, ...). replace is also a string function, so it counts only when not called as one.
const INNER_WRITE_KEYWORDS = new Set(['insert', 'update', 'delete', 'merge', 'truncate', 'drop', 'alter', 'create', 'grant', 'revoke', 'attach', 'detach', 'vacuum', 'reindex', 'replace']);

/** The first write keyword outside quotes and comments, or null. */
function innerWrite(statement: string): string | null {
  let i = 0;
  while (i < statement.length) {
    const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(statement.slice(i, i + 64));
    if (word !== null && !/[\w$.]/.test(statement[i - 1] ?? '')) {
      const lower = word[0].toLowerCase();
      const call = /^\s*\(/.test(statement.slice(i + word[0].length, i + word[0].length + 16));
      if (INNER_WRITE_KEYWORDS.has(lower) && !(lower === 'replace' && call)) return lower;
      i += word[0].length;
      continue;
    }
    i = skip(statement, i);
  }
  return null;
}

/** The statement's first word, lower-cased, skipping comments and opening parentheses. */
function firstKeyword(statement: string): string | null {
  let i = 0;
  while (i < statement.length) {
    const c = statement[i] ?? '';
    if (/[\s(]/.test(c)) {
      i += 1;
      continue;
    }
    if ((c === '-' && statement[i + 1] === '-') || (c === '/' && statement[i + 1] === '*')) {
      i = skip(statement, i);
      continue;
    }
    const word = /^[A-Za-z_]+/.exec(statement.slice(i));
    return word === null ? null : word[0].toLowerCase();
  }
  return null;
}
