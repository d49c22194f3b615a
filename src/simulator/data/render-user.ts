// users: the tenant's people, shaped like GET /users (shared/graph-samples/users.json) plus createdDateTime.
// Identity fields (id, names, UPN) never change, so every other endpoint that quotes a user stays consistent;
// updates change what HR changes: job title, office, phone, language, and now and then accountEnabled.
import { graphTime } from './graph-time.ts';
import { rngFor } from './random.ts';
import type { GraphObject } from './dataset.ts';
import type { RecordState, TenantContext } from './tenant-context.ts';
import { ADMIN_JOB_TITLES, JOB_TITLES, PREFERRED_LANGUAGES } from './vocabulary.ts';

export function userId(ctx: TenantContext, key: number): string {
  return ctx.userBasics(key).id;
}

export function renderUser(ctx: TenantContext, key: number, timeMs: number, state: RecordState | undefined): GraphObject {
  const b = ctx.userBasics(key);
  const r = rngFor(ctx.seed, 'userProfile', key);
  let jobTitle: string | null = r.chance(0.95) ? b.jobTitle : null;
  let officeLocation: string | null = r.chance(0.9) ? `${b.home.city} ${r.int(1, 6)}/${r.int(1000, 3999)}` : null;
  let mobilePhone: string | null = r.chance(0.7) ? fictionalPhone(r.int(0, 100)) : null;
  const businessPhones = r.chance(0.8) ? [fictionalPhone(r.int(0, 100))] : [];
  let preferredLanguage: string | null = r.chance(0.9) ? r.pick(PREFERRED_LANGUAGES) : null;
  let accountEnabled = r.chance(0.97) || b.isAdmin;
  for (let v = 1; v <= (state?.version ?? 0); v++) {
    const u = rngFor(ctx.seed, 'userVersion', key, v);
    const change = u.weighted([['job', 4], ['office', 3], ['phone', 2], ['language', 1], ['enabled', 1]] as const);
    if (change === 'job') jobTitle = b.isAdmin ? u.pick(ADMIN_JOB_TITLES) : u.pick(JOB_TITLES);
    else if (change === 'office') officeLocation = `${b.home.city} ${u.int(1, 6)}/${u.int(1000, 3999)}`;
    else if (change === 'phone') mobilePhone = fictionalPhone(u.int(0, 100));
    else if (change === 'language') preferredLanguage = u.pick(PREFERRED_LANGUAGES);
    else accountEnabled = b.isAdmin ? true : !accountEnabled;
  }
  return {
    id: b.id,
    businessPhones,
    displayName: b.displayName,
    givenName: b.givenName,
    jobTitle,
    mail: b.userPrincipalName,
    mobilePhone,
    officeLocation,
    preferredLanguage,
    surname: b.surname,
    userPrincipalName: b.userPrincipalName,
    accountEnabled,
    createdDateTime: graphTime(timeMs),
  };
}

/** 555-01xx numbers are reserved for fiction in the North American plan. */
function fictionalPhone(n: number): string {
  return `+1 425 555 01${String(n).padStart(2, '0')}`;
}
