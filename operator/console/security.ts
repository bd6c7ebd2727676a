import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { checkLoopback, ownOrigins, samePath } from '../../common/http/guard.js';

/**
 * The console's guard, Jupyter-style: a random token printed in its URL, kept afterwards in an
 * HttpOnly SameSite=Strict cookie; a Host that is not its own is refused (DNS rebinding), and so
 * is a POST whose Origin is not its own (CSRF).
 */
export interface Guard {
  readonly token: string;
  readonly port: number;
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the guard sees of a request. */
export interface GuardedRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  headers: { host?: string; origin?: string; cookie?: string };
}

export type Verdict =
  | { ok: true }
  /** The token came in the URL: keep it in the cookie and load the same page without it. */
  | { ok: true; setCookie: string; redirectTo: string }
  | { ok: false; title: string; message: string };

/** Cookies ignore ports: two consoles on one machine each need their own name. */
export function cookieName(port: number): string {
  return `end-contact-console-${port}`;
}

export { ownOrigins };

export function checkRequest(request: GuardedRequest, guard: Guard): Verdict {
  const hosts = ownOrigins(guard.port).map((origin) => origin.slice('http://'.length));
  // Host first (DNS rebinding), then the token, then the Origin of a state-changing request.
  const loopback = { port: guard.port, name: 'this console', requireOrigin: true };
  const byHost = checkLoopback({ method: 'GET', headers: request.headers }, loopback);
  if (!byHost.ok) return byHost;
  const fromUrl = request.query.get('token') ?? undefined;
  const fromCookie = readCookie(request.headers.cookie, cookieName(guard.port));
  const urlOk = fromUrl !== undefined && sameToken(fromUrl, guard.token);
  if (!urlOk && !(fromCookie !== undefined && sameToken(fromCookie, guard.token))) {
    return {
      ok: false,
      title: 'Refused: no valid token',
      message: `This console needs the token it printed when it started. Open the whole URL it printed (http://${hosts[0]}/?token=…); the browser then keeps the token in a cookie.`,
    };
  }
  const byOrigin = checkLoopback(request, loopback);
  if (!byOrigin.ok) return byOrigin;
  if (urlOk && request.method === 'GET') {
    const rest = new URLSearchParams(request.query);
    rest.delete('token');
    const query = rest.toString();
    return {
      ok: true,
      setCookie: `${cookieName(guard.port)}=${guard.token}; HttpOnly; SameSite=Strict; Path=/`,
      // Only a path of this site: `//evil.example/?token=…` must not leave it.
      redirectTo: `${samePath(request.pathname)}${query ? `?${query}` : ''}`,
    };
  }
  return { ok: true };
}

/** Constant time whatever the lengths: compares digests. */
function sameToken(given: string, token: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const at = part.indexOf('=');
    if (at !== -1 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
