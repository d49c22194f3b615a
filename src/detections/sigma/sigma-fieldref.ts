// The `fieldref` modifier: the clause's values name other fields, and the clause holds when the field's value equals
// one of theirs (all of theirs with `all`), compared case-insensitively like Sigma's plain string values unless `cased`.
// It tests the whole record, not one value, so it is compiled here rather than as a value matcher.
import { resolveSigmaField } from './field-mapping.ts';
import type { FieldGetter, SigmaService } from './field-mapping.ts';
import { candidateStrings } from './sigma-modifiers.ts';
import type { SigmaScalar } from './sigma-modifiers.ts';

export type RecordTest = (record: Record<string, unknown>) => boolean;

export type FieldRefResult = { ok: true; test: RecordTest } | { ok: false; reason: string };

const COMBINABLE = new Set(['fieldref', 'cased', 'all']);

export function hasFieldRef(modifiers: readonly string[]): boolean {
  return modifiers.some((m) => m.toLowerCase() === 'fieldref');
}

export function buildFieldRef(service: SigmaService, field: string | null, modifiersIn: readonly string[], values: readonly SigmaScalar[]): FieldRefResult {
  const modifiers = modifiersIn.map((m) => m.toLowerCase());
  const extra = modifiers.filter((m) => !COMBINABLE.has(m));
  if (extra.length > 0) return { ok: false, reason: `"fieldref" cannot be combined with "${extra.join('|')}"` };
  if (field === null) return { ok: false, reason: '"fieldref" needs a field to compare' };
  const own = resolveSigmaField(service, field);
  if (own === null) return { ok: false, reason: `field "${field}" has no mapping for service ${service}` };
  if (values.length === 0) return { ok: false, reason: 'a field has an empty list of values' };
  const others: FieldGetter[] = [];
  for (const v of values) {
    if (typeof v !== 'string' || v === '') return { ok: false, reason: '"fieldref" values must be field names' };
    const getter = resolveSigmaField(service, v);
    if (getter === null) return { ok: false, reason: `referenced field "${v}" has no mapping for service ${service}` };
    others.push(getter);
  }
  const cased = modifiers.includes('cased');
  const texts = (value: unknown): string[] => candidateStrings(value).map((t) => (cased ? t : t.toLowerCase()));
  const equal = (record: Record<string, unknown>, other: FieldGetter): boolean => {
    const mine = texts(own(record));
    if (mine.length === 0) return false;
    const theirs = new Set(texts(other(record)));
    return mine.some((t) => theirs.has(t));
  };
  const all = modifiers.includes('all');
  return { ok: true, test: all ? (record) => others.every((o) => equal(record, o)) : (record) => others.some((o) => equal(record, o)) };
}
