// users — https://learn.microsoft.com/en-us/graph/api/user-delta
// Permission: User.Read.All. No licence. Read through /users/delta: the first round lists every user, its last page
// carries an @odata.deltaLink that the next run follows to get only changes; the whole link is the cursor, committed
// with each page (and the in-progress nextLink, so a crash resumes mid-round). Deleted users arrive as
// {"id","@removed":{"reason"}} and are stored as such. Delta tokens live 7 days: 410 Gone → full resync (the
// pipeline drops the cursor). Users have no change timestamp, so the version is a hash of the record as received.
import { createHash } from 'node:crypto';
import type { JsonValue } from '../store/store.ts';
import type { CheckDefinition } from './check-definition.ts';
import { DAY_MS } from './check-definition.ts';
import { stringField } from './time-window.ts';

const SELECT = [
  'id', 'displayName', 'givenName', 'surname', 'userPrincipalName', 'mail', 'jobTitle', 'department', 'officeLocation',
  'mobilePhone', 'businessPhones', 'preferredLanguage', 'accountEnabled', 'createdDateTime', 'userType',
  'onPremisesSyncEnabled', 'usageLocation',
].join(',');

export interface UsersCursor {
  /** The delta link of the last complete round. */
  deltaLink: string | null;
  /** The next page of the round in progress. */
  nextLink: string | null;
}

function asCursor(cursor: JsonValue | null): UsersCursor {
  if (cursor === null || typeof cursor !== 'object' || Array.isArray(cursor)) return { deltaLink: null, nextLink: null };
  return {
    deltaLink: typeof cursor.deltaLink === 'string' ? cursor.deltaLink : null,
    nextLink: typeof cursor.nextLink === 'string' ? cursor.nextLink : null,
  };
}

export const usersCheck: CheckDefinition = {
  id: 'users',
  title: 'Entra ID users (delta)',
  docsUrl: 'https://learn.microsoft.com/en-us/graph/api/user-delta',
  permissions: ['User.Read.All'],
  licence: null,
  retentionMs: 3650 * DAY_MS,
  pageSize: 999,
  preferUnknownEnums: false,
  probeUrl: '/users?$top=1',
  plan: (cursor) => {
    const c = asCursor(cursor);
    return { url: c.nextLink ?? c.deltaLink ?? `/users/delta?$select=${SELECT}`, state: c as unknown as JsonValue };
  },
  advance: (cursor, page) => {
    const c = asCursor(cursor);
    const next: UsersCursor =
      page.deltaLink !== undefined ? { deltaLink: page.deltaLink, nextLink: null } : { deltaLink: c.deltaLink, nextLink: page.nextLink ?? null };
    return next as unknown as JsonValue;
  },
  restartRound: (cursor) => ({ ...asCursor(cursor), nextLink: null }) as unknown as JsonValue,
  keyOf: (r, raw, now) => {
    const removed = r['@removed'] !== undefined;
    const hash = createHash('sha256').update(raw).digest('base64url').slice(0, 22);
    return { id: stringField(r, 'id'), version: removed ? `removed:${hash}` : hash, time: new Date(now).toISOString() };
  },
};
