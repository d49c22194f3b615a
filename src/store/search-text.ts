// Free-text search input, turned into words before it reaches either database. User text is never handed to FTS5's
// or PostgreSQL's query syntax: each whitespace-separated chunk becomes a phrase of its letter/digit runs (the same
// token boundaries both indexes use), so quotes, *, (), -, :, NEAR, AND/OR and markup are plain text that either
// matches as words or is ignored. Chunks are ANDed.
import type { Signal } from '../signals/signal.ts';

/** At most this many phrases are searched; more only narrow a result that is already empty in practice. */
export const MAX_SEARCH_PHRASES = 64;

const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;

/** The tokens of one text, lower-cased, in order: letter/digit runs, as FTS5's unicode61 tokenizer splits them. */
export function searchTokens(text: string): string[] {
  return text.toLowerCase().match(TOKEN) ?? [];
}

/**
 * The phrases of a query: one per whitespace-separated chunk that holds at least one token, duplicates removed.
 * Empty when the text holds no word at all (then nothing can match).
 */
export function searchPhrases(text: string): string[][] {
  const phrases: string[][] = [];
  const seen = new Set<string>();
  for (const chunk of text.split(/\s+/u)) {
    const tokens = searchTokens(chunk);
    if (tokens.length === 0) continue;
    const key = tokens.join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    phrases.push(tokens);
    if (phrases.length === MAX_SEARCH_PHRASES) break;
  }
  return phrases;
}

/**
 * The words either store indexes a signal by: its text, which normalizers begin with the title (build-signal.ts); the
 * title goes in front only when the text does not already begin with it. Indexing the title as well tokenized every
 * title twice, a fifth of a sign-in's tokens, for no search that could tell the difference (search matches title and
 * text together). Rows written before keep the title twice (SQLite: in its own column) and are still found.
 */
export function searchText(signal: Pick<Signal, 'title' | 'text'>): string {
  return signal.text.startsWith(signal.title) ? signal.text : `${signal.title}\n${signal.text}`;
}
