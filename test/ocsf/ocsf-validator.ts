// A small validator of OCSF events against the OCSF 1.8 definitions kept in test/fixtures/ocsf-1.8/: the class's
// required attributes (with base_event's) present and typed, attributes we emit known to the schema and typed, enum
// ids within the allowed set, type_uid = class_uid * 100 + activity_id, category_uid of the class, at_least_one
// constraints, and every referenced object checked the same way, recursively.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

type AttributeTypes = Record<string, string>;

interface Definition {
  required: AttributeTypes;
  optional: AttributeTypes;
  enums?: Record<string, number[]>;
  at_least_one?: string[][];
}

interface ClassDefinition extends Definition {
  name: string;
  category_uid: number;
}

export interface OcsfSchema {
  base: Definition;
  classes: Record<string, ClassDefinition>;
  objects: Record<string, Definition>;
}

export interface Issue {
  kind: 'class' | 'required' | 'unknown' | 'type' | 'enum' | 'type_uid' | 'category' | 'at_least_one';
  path: string;
  message: string;
}

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ocsf-1.8');

export function loadOcsfSchema(): OcsfSchema {
  const classes = JSON.parse(readFileSync(path.join(fixtures, 'classes.json'), 'utf8')) as { base_event: Definition; classes: Record<string, ClassDefinition> };
  const objects = JSON.parse(readFileSync(path.join(fixtures, 'objects.json'), 'utf8')) as { objects: Record<string, Definition> };
  return { base: classes.base_event, classes: classes.classes, objects: objects.objects };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

const PRIMITIVES: Record<string, (v: unknown) => boolean> = {
  integer_t: (v) => Number.isInteger(v),
  long_t: (v) => Number.isInteger(v),
  timestamp_t: (v) => Number.isInteger(v) && (v as number) >= 0,
  float_t: (v) => typeof v === 'number' && Number.isFinite(v),
  string_t: (v) => typeof v === 'string',
  boolean_t: (v) => typeof v === 'boolean',
  json_t: () => true,
  object: isPlainObject,
};

function checkValue(schema: OcsfSchema, type: string, value: unknown, at: string, issues: Issue[]): void {
  if (type.endsWith('[]')) {
    if (!Array.isArray(value)) {
      issues.push({ kind: 'type', path: at, message: `expected an array of ${type.slice(0, -2)}` });
      return;
    }
    value.forEach((item, i) => checkValue(schema, type.slice(0, -2), item, `${at}[${i}]`, issues));
    return;
  }
  const primitive = PRIMITIVES[type];
  if (primitive) {
    if (!primitive(value)) issues.push({ kind: 'type', path: at, message: `expected ${type}, got ${JSON.stringify(value)}` });
    return;
  }
  const def = schema.objects[type];
  if (!def) {
    issues.push({ kind: 'type', path: at, message: `object type ${type} is not in the fixture` });
    return;
  }
  if (!isPlainObject(value)) {
    issues.push({ kind: 'type', path: at, message: `expected a ${type} object` });
    return;
  }
  checkAttributes(schema, def, value, at, issues);
}

function checkAttributes(schema: OcsfSchema, def: Definition, value: Record<string, unknown>, at: string, issues: Issue[]): void {
  const prefix = at === '' ? '' : `${at}.`;
  for (const name of Object.keys(def.required)) {
    if (!present(value[name])) issues.push({ kind: 'required', path: `${prefix}${name}`, message: 'required attribute missing' });
  }
  const types: AttributeTypes = { ...def.optional, ...def.required };
  for (const [name, v] of Object.entries(value)) {
    if (!present(v)) continue;
    const type = types[name];
    if (type === undefined) {
      issues.push({ kind: 'unknown', path: `${prefix}${name}`, message: 'attribute not defined for this class/object in the fixture' });
      continue;
    }
    checkValue(schema, type, v, `${prefix}${name}`, issues);
  }
  for (const [name, allowed] of Object.entries(def.enums ?? {})) {
    const v = value[name];
    if (present(v) && !allowed.includes(v as number)) issues.push({ kind: 'enum', path: `${prefix}${name}`, message: `${JSON.stringify(v)} is not one of ${allowed.join(', ')}` });
  }
  for (const group of def.at_least_one ?? []) {
    if (!group.some((name) => present(value[name]))) issues.push({ kind: 'at_least_one', path: at || '(event)', message: `needs at least one of ${group.join(', ')}` });
  }
}

/** Every way the event departs from the fixture schema; [] when it conforms. */
export function validateOcsf(schema: OcsfSchema, event: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  const classUid = event['class_uid'];
  const cls = typeof classUid === 'number' ? schema.classes[String(classUid)] : undefined;
  if (!cls || typeof classUid !== 'number') return [{ kind: 'class', path: 'class_uid', message: `class ${JSON.stringify(classUid)} is not in the fixture` }];
  const merged: Definition = {
    required: { ...schema.base.required, ...cls.required },
    optional: { ...schema.base.optional, ...cls.optional },
    // A class's own enum (e.g. status_id of Incident Finding) replaces base_event's.
    enums: { ...schema.base.enums, ...cls.enums },
    ...(cls.at_least_one ? { at_least_one: cls.at_least_one } : {}),
  };
  checkAttributes(schema, merged, event, '', issues);
  const activityId = event['activity_id'];
  if (typeof activityId === 'number' && event['type_uid'] !== classUid * 100 + activityId) {
    issues.push({ kind: 'type_uid', path: 'type_uid', message: `${JSON.stringify(event['type_uid'])} is not class_uid * 100 + activity_id (${classUid * 100 + activityId})` });
  }
  if (event['category_uid'] !== cls.category_uid) {
    issues.push({ kind: 'category', path: 'category_uid', message: `${JSON.stringify(event['category_uid'])} is not ${cls.category_uid} (${cls.name})` });
  }
  return issues;
}
