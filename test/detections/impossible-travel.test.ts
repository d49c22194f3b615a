import { describe, expect, it } from 'vitest';
import { distanceKm, impossibleTravel } from '../../src/detections/rules/impossible-travel.ts';
import { HOUR, MINUTE, START, baseSignIn, run, signIn, userFields } from './detection-fixtures.ts';
import type { Item } from './detection-fixtures.ts';

const base = baseSignIn();
const PARIS = { lat: 48.8566, lon: 2.3522, city: 'Paris', country: 'FR' };
const NEW_YORK = { lat: 40.7128, lon: -74.006, city: 'New York', country: 'US' };
const LYON = { lat: 45.764, lon: 4.8357, city: 'Lyon', country: 'FR' };
type Place = typeof PARIS;
const at = (ms: number, p: Place, over: Record<string, unknown> = {}): Item => ({
  check: 'auditLogs.signIns',
  record: signIn(base, { ...userFields(8), at: START + ms, lat: p.lat, lon: p.lon, country: p.country, ...over }),
});

function withCity(item: Item, city: string): Item {
  const loc = item.record.location as Record<string, unknown>;
  item.record.location = { ...loc, city };
  return item;
}

describe('impossible-travel', () => {
  it('measures great-circle distances', () => {
    expect(Math.round(distanceKm(PARIS.lat, PARIS.lon, NEW_YORK.lat, NEW_YORK.lon))).toBeGreaterThan(5800);
    expect(Math.round(distanceKm(PARIS.lat, PARIS.lon, NEW_YORK.lat, NEW_YORK.lon))).toBeLessThan(5900);
  });

  it('fires on Paris then New York one hour later (about 5800 km/h)', () => {
    const alerts = run([impossibleTravel], [withCity(at(0, PARIS), 'Paris'), withCity(at(HOUR, NEW_YORK), 'New York')]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.title).toMatch(/^Impossible travel for .+: Paris, FR to New York, US, 58\d\d km in 60 min$/);
  });

  it('is silent on the same trip made in ten hours (a flight)', () => {
    expect(run([impossibleTravel], [at(0, PARIS), at(10 * HOUR, NEW_YORK)])).toHaveLength(0);
  });

  it('fires just above 1000 km/h and not at it', () => {
    const km = distanceKm(PARIS.lat, PARIS.lon, NEW_YORK.lat, NEW_YORK.lon);
    const atLimitMs = Math.ceil((km / 1000) * HOUR);
    expect(run([impossibleTravel], [at(0, PARIS), at(atLimitMs, NEW_YORK)])).toHaveLength(0);
    expect(run([impossibleTravel], [at(0, PARIS), at(atLimitMs - MINUTE, NEW_YORK)])).toHaveLength(1);
  });

  it('is silent for nearby cities however fast (geolocation is approximate)', () => {
    expect(run([impossibleTravel], [at(0, PARIS), at(MINUTE, LYON)])).toHaveLength(0);
  });

  it('compares a late sign-in with the remembered one without replacing the newer', () => {
    // New York at 10:00, then Paris at 09:30 arriving late: 30 minutes apart.
    const alerts = run([impossibleTravel], [at(HOUR, NEW_YORK), at(30 * MINUTE, PARIS)]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.fields).toMatchObject({ minutes: 30 });
  });

  it('ignores failed sign-ins and sign-ins without coordinates', () => {
    expect(run([impossibleTravel], [at(0, PARIS), at(HOUR, NEW_YORK, { errorCode: 50126 })])).toHaveLength(0);
    const noGeo = at(HOUR, NEW_YORK);
    noGeo.record.location = { city: 'New York', countryOrRegion: 'US', geoCoordinates: null };
    expect(run([impossibleTravel], [at(0, PARIS), noGeo])).toHaveLength(0);
  });
});
