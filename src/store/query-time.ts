// A query's since/until as microseconds since the epoch, for both backends: an instant that does not parse is the
// caller's mistake (ERR_CONFIG_INVALID naming the option), never a database error.
import { AzsecError } from '../core/errors.ts';
import { isoToMicros } from './postgres/iso-micros.ts';

export function queryMicros(name: string, iso: string): number {
  const us = isoToMicros(iso);
  if (us === null) throw new AzsecError('ERR_CONFIG_INVALID', `"${name}" is not an ISO 8601 timestamp: ${iso}`, { [name]: iso });
  return us;
}
