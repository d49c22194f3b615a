// Impossible travel: two consecutive successful sign-ins of one user from places farther apart than anyone could
// travel in the time between them (great-circle distance over elapsed time above 1000 km/h). Places less than
// 500 km apart never fire: IP geolocation is approximate and neighbouring cities would otherwise look like jets.
// The rule remembers each user's latest sign-in (time and coordinates) for 30 days; a late sign-in is compared with
// the remembered one but never replaces a newer one.
import { str } from '../../normalize/record-fields.ts';
import { defineRule } from '../rule.ts';
import { errorCodeOf, userKeyOf, userLabelOf } from './record-readers.ts';

const MAX_SPEED_KMH = 1000;
const MIN_DISTANCE_KM = 500;
const EARTH_RADIUS_KM = 6371;

/** Haversine great-circle distance in km. */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = (d: number): number => (d * Math.PI) / 180;
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

interface Seen {
  t: number;
  lat: number;
  lon: number;
  place: string;
}

function asSeen(v: unknown): Seen | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  return typeof o.t === 'number' && typeof o.lat === 'number' && typeof o.lon === 'number' && typeof o.place === 'string'
    ? { t: o.t, lat: o.lat, lon: o.lon, place: o.place }
    : null;
}

export const impossibleTravel = defineRule({
  id: 'impossible-travel',
  title: 'Impossible travel',
  description: 'Consecutive successful sign-ins of a user from places at least 500 km apart at a speed above 1000 km/h.',
  severity: 'high',
  checks: ['auditLogs.signIns'],
  dedupeWindowMs: 3_600_000,
  memoryTtlMs: 30 * 86_400_000,
  alertTitle: 'Impossible travel for {user}: {from} to {to}, {distanceKm} km in {minutes} min',
  match(signal, raw, memory) {
    if (errorCodeOf(raw) !== 0) return false;
    const loc = signal.location;
    const user = userKeyOf(raw);
    const t = Date.parse(signal.time);
    if (loc === null || loc.latitude === null || loc.longitude === null || user === null || !Number.isFinite(t)) return false;
    const place = [loc.city, loc.country].filter((x) => x !== null).join(', ') || `${loc.latitude},${loc.longitude}`;
    const prev = asSeen(memory.get(user));
    const here: Seen = { t, lat: loc.latitude, lon: loc.longitude, place };
    if (prev === null || t >= prev.t) memory.set(user, { ...here });
    if (prev === null) return false;
    const km = distanceKm(prev.lat, prev.lon, here.lat, here.lon);
    const hours = Math.abs(t - prev.t) / 3_600_000;
    if (km < MIN_DISTANCE_KM || (hours > 0 && km / hours <= MAX_SPEED_KMH)) return false;
    const [from, to] = t >= prev.t ? [prev.place, here.place] : [here.place, prev.place];
    return {
      key: user,
      fields: {
        user: userLabelOf(raw),
        from,
        to,
        distanceKm: Math.round(km),
        minutes: Math.round(hours * 60),
        speedKmh: hours > 0 ? Math.round(km / hours) : null,
        ip: str(raw.ipAddress),
      },
    };
  },
});
