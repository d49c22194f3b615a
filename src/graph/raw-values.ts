// The raw JSON text of each element of a Graph page's top-level "value" array, so that every stored record is the
// Graph object exactly as received (number formatting, Int64 digits, key order), not a re-serialisation.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** Index just past the string literal that starts at `i` (a quote). */
function skipString(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q === -1) return text.length;
    let backslashes = 0;
    for (let k = q - 1; k > i && text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/**
 * Splits the top-level "value" array of a JSON object text into its elements' source texts. The text must already
 * be known to be valid JSON (JSON.parse succeeded). Returns [] when there is no "value" array.
 */
export function rawValues(text: string): string[] {
  let depth = 0;
  let i = 0;
  const n = text.length;
  // Find the top-level key "value" followed by '['.
  let arrayStart = -1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = skipString(text, i);
      if (depth === 1 && text.slice(i, end) === '"value"') {
        let k = end;
        while (k < n && text.charCodeAt(k) !== COLON) k++;
        k++;
        while (k < n && /\s/.test(text[k] as string)) k++;
        if (text.charCodeAt(k) === OPEN_BRACKET) {
          arrayStart = k;
          break;
        }
      }
      i = end;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    i++;
  }
  if (arrayStart === -1) return [];
  const out: string[] = [];
  depth = 0;
  let elementStart = -1;
  for (i = arrayStart + 1; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      if (elementStart === -1) elementStart = i;
      i = skipString(text, i) - 1;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (elementStart === -1) elementStart = i;
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) {
        if (elementStart !== -1) out.push(text.slice(elementStart, i).trim());
        return out;
      }
      depth--;
    } else if (c === COMMA && depth === 0) {
      out.push(text.slice(elementStart, i).trim());
      elementStart = -1;
    } else if (elementStart === -1 && c > 0x20) {
      elementStart = i;
    }
  }
  return out;
}
