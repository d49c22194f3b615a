// Entities (actor, targets) and locations built from Graph sub-objects, null when the record names nobody.
import type { Entity, Location } from '../signals/signal.ts';
import { asObj, num, str } from './record-fields.ts';

/** Entra writes the all-zero GUID where nobody is meant (system initiators, placeholder targets). */
const NULL_GUID = '00000000-0000-0000-0000-000000000000';

export function entity(type: Entity['type'], id: unknown, name: unknown, upn: unknown = null): Entity | null {
  const rawId = str(id);
  const e: Entity = { type, id: rawId === NULL_GUID ? null : rawId, name: str(name), upn: str(upn) };
  return e.id === null && e.name === null && e.upn === null ? null : e;
}

/** What a title calls an entity: its UPN, else its name, else its id. */
export function labelOf(e: Entity | null): string | null {
  return e === null ? null : (e.upn ?? e.name ?? e.id);
}

/** Entities without repeats (same type, id, name and UPN), in first-seen order. */
export function uniqueEntities(list: ReadonlyArray<Entity | null>): Entity[] {
  const seen = new Set<string>();
  const out: Entity[] = [];
  for (const e of list) {
    if (e === null) continue;
    const k = `${e.type}\u0000${e.id ?? ''}\u0000${e.name ?? ''}\u0000${e.upn ?? ''}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}

/** A signInLocation (sign-ins, risk detections): {city, state, countryOrRegion, geoCoordinates{latitude, longitude}}. */
export function signInLocation(v: unknown): Location | null {
  const o = asObj(v);
  if (o === null) return null;
  const geo = asObj(o.geoCoordinates);
  const loc: Location = {
    city: str(o.city),
    state: str(o.state),
    country: str(o.countryOrRegion),
    latitude: geo === null ? null : num(geo.latitude),
    longitude: geo === null ? null : num(geo.longitude),
  };
  return loc.city === null && loc.state === null && loc.country === null && loc.latitude === null && loc.longitude === null ? null : loc;
}
