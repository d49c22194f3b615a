// Indicators inside a few free-text fields that Graph fills with structured values (directory audit property
// changes, risk detection additionalInfo, incident summaries, unknown evidence). Only those fields are scanned, never
// whole records: sign-ins and most properties are read by name, which keeps ingest fast.
import type { IndicatorSet } from './indicators.ts';

/** Characters that end a token. ":" is not one (IPv6, URLs), nor "/" (a version such as "Chrome/124.0.0.0" is no IP). */
const DELIMITERS = /[\s"'`<>()[\]{},;=|\\]+/;
const HEX_ONLY = /^[0-9a-fA-F]+$/;
const MAX_SCANNED = 64 * 1024;

/** Adds the IPs, emails, URLs and hashes found as whole tokens in `text` (looked at up to its first 64 kB). */
export function addTextIndicators(set: IndicatorSet, text: string): void {
  if (text.length < 7) {
    addToken(set, text);
    return;
  }
  const scanned = text.length > MAX_SCANNED ? text.slice(0, MAX_SCANNED) : text;
  for (const token of scanned.split(DELIMITERS)) addToken(set, token);
}

function addToken(set: IndicatorSet, raw: string): void {
  // Sentence punctuation at the end of a token is not part of the value ("… from 203.0.113.7.").
  const token = raw.replace(/[.:!?]+$/, '');
  if (token.length < 3) return;
  if (token.includes('://')) {
    set.add('url', token);
    return;
  }
  if (token.includes('@')) {
    set.add('email', token);
    return;
  }
  const first = token.charCodeAt(0);
  const digit = first >= 48 && first <= 57;
  if (digit && token.includes('.')) {
    set.add('ip', token);
    return;
  }
  if (token.includes(':')) {
    set.add('ip', token);
    return;
  }
  if ((token.length === 32 || token.length === 40 || token.length === 64) && HEX_ONLY.test(token)) {
    set.add(token.length === 32 ? 'md5' : token.length === 40 ? 'sha1' : 'sha256', token);
  }
}
