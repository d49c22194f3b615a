// Typed reads from a raw Graph record (JSON.parse output). Mappings never throw on odd input: a missing or
// mistyped field reads as null, like the normalizers treat it.

export type Raw = Record<string, unknown>;

function at(raw: unknown, path: readonly string[]): unknown {
  let cur: unknown = raw;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Raw)[key];
  }
  return cur;
}

/** A non-empty string at the path, else null. */
export function str(raw: unknown, ...path: string[]): string | null {
  const v = at(raw, path);
  return typeof v === 'string' && v.length > 0 ? v : null;
}

export function num(raw: unknown, ...path: string[]): number | null {
  const v = at(raw, path);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function bool(raw: unknown, ...path: string[]): boolean | null {
  const v = at(raw, path);
  return typeof v === 'boolean' ? v : null;
}

/** The objects of an array at the path (non-objects dropped). */
export function objects(raw: unknown, ...path: string[]): Raw[] {
  const v = at(raw, path);
  if (!Array.isArray(v)) return [];
  return v.filter((x): x is Raw => x !== null && typeof x === 'object' && !Array.isArray(x));
}

/** The non-empty strings of an array at the path. */
export function strings(raw: unknown, ...path: string[]): string[] {
  const v = at(raw, path);
  if (!Array.isArray(v)) return [];
  return v.filter((x): x is string => typeof x === 'string' && x.length > 0);
}

/** Drops undefined and null members so the output stays compact (OCSF treats absent and null alike). */
export function compact<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null) out[k] = v;
  return out as T;
}
