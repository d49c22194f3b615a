// Builders for the OCSF objects several classes share: user, actor, network endpoint, location, device.
// Each returns an object that meets the object's own constraints (at_least_one of name/uid, ...) or null.
import type { Entity, Location, Signal } from '../signals/signal.ts';
import type { OcsfObject } from './ocsf-base.ts';
import { compact } from './raw-fields.ts';

/** OCSF user.type_id: 1 User, 4 Service (service principals and apps acting as principals), 0 Unknown. */
function userTypeId(e: Entity): number {
  if (e.type === 'user') return 1;
  if (e.type === 'service_principal' || e.type === 'app') return 4;
  return 0;
}

/** A user object from an entity: uid is the directory object id, name the UPN (OCSF's username). */
export function userOf(e: Entity | null | undefined): OcsfObject | null {
  if (!e) return null;
  const name = e.upn ?? e.name;
  if (e.id === null && name === null) return null;
  return compact({
    uid: e.id,
    name,
    display_name: e.upn !== null ? e.name : null,
    email_addr: e.upn !== null && e.upn.includes('@') ? e.upn : null,
    type_id: userTypeId(e),
  });
}

/**
 * A user object when the class requires one: the entity's, else a placeholder naming what is unknown. OCSF requires
 * the attribute and at least one of name/uid, so an odd record still yields a valid event rather than none.
 */
export function requiredUser(e: Entity | null | undefined): OcsfObject {
  return userOf(e) ?? { name: 'unknown', type_id: 0 };
}

/** actor: a user for user-initiated activity; app_name/app_uid for an application or service principal. */
export function actorOf(e: Entity | null | undefined): OcsfObject | null {
  if (!e) return null;
  if (e.type === 'app' || e.type === 'service_principal') {
    if (e.id === null && e.name === null) return null;
    return compact({ app_uid: e.id, app_name: e.name });
  }
  const user = userOf(e);
  return user ? { user } : null;
}

/** OCSF location needs one of city/country/postal_code/region; Graph gives a state name, not an ISO region code. */
export function locationOf(l: Location | null | undefined): OcsfObject | null {
  if (!l || (l.city === null && l.country === null)) return null;
  return compact({ city: l.city, country: l.country, lat: l.latitude, long: l.longitude });
}

/** A network endpoint from an IP (and its location); null without an IP. */
export function endpointOf(ip: string | null, location?: Location | null): OcsfObject | null {
  if (ip === null) return null;
  return compact({ ip, location: locationOf(location) });
}

/** OCSF device: type_id is required; Graph does not say whether a device is a laptop or a server, so 0 Unknown. */
export function deviceOf(uid: string | null, name: string | null, extra: OcsfObject = {}): OcsfObject | null {
  if (uid === null && name === null) return null;
  return compact({ uid, name, hostname: name, type_id: 0, ...extra });
}

/** The first entity of a type among the signal's targets. */
export function target(signal: Signal, type: Entity['type']): Entity | null {
  return signal.targets.find((t) => t.type === type) ?? null;
}
