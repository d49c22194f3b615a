// Graph timestamps carry up to 7 fractional digits (e.g. 2024-05-01T10:00:00.1234567Z); Date keeps milliseconds only.
// Filtering records by time needs a numeric shadow of the stored text, so this keeps microseconds, which is what
// PostgreSQL itself would keep. Sub-microsecond digits are truncated.

const FRACTION = /^(.*T\d{2}:\d{2}:\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Microseconds since the epoch for an ISO 8601 timestamp, or null when it cannot be parsed. */
export function isoToMicros(iso: string): number | null {
  const match = FRACTION.exec(iso.trim());
  if (match === null) {
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? null : ms * 1000;
  }
  const [, head = '', fraction = '', zone = ''] = match;
  const wholeSeconds = Date.parse(`${head}${zone === '' ? 'Z' : zone}`);
  if (Number.isNaN(wholeSeconds)) return null;
  const micros = Number((fraction + '000000').slice(0, 6));
  return wholeSeconds * 1000 + micros;
}
