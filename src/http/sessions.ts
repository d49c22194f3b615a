// Console sessions: a random id in an HttpOnly, SameSite=Strict cookie, and a per-session CSRF token that every
// state-changing request must echo in the x-csrf-token header. Kept in memory: a restart signs everyone out.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'azsec_session';
const IDLE_MS = 8 * 3_600_000;

export interface Session {
  id: string;
  csrf: string;
  lastSeen: number;
}

export class Sessions {
  private readonly sessions = new Map<string, Session>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  create(): Session {
    const session = { id: randomBytes(32).toString('base64url'), csrf: randomBytes(32).toString('base64url'), lastSeen: this.now() };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (session === undefined) return undefined;
    if (this.now() - session.lastSeen > IDLE_MS) {
      this.sessions.delete(id);
      return undefined;
    }
    session.lastSeen = this.now();
    return session;
  }

  destroy(id: string): void {
    this.sessions.delete(id);
  }

  static csrfMatches(session: Session, header: string | undefined): boolean {
    if (header === undefined) return false;
    const a = Buffer.from(session.csrf);
    const b = Buffer.from(header);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function sessionCookie(value: string, opts: { secure: boolean; clear?: boolean }): string {
  const parts = [`${SESSION_COOKIE}=${opts.clear === true ? '' : value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (opts.secure) parts.push('Secure');
  if (opts.clear === true) parts.push('Max-Age=0');
  return parts.join('; ');
}
