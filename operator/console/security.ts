import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

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

export function ownOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

export function checkRequest(request: GuardedRequest, guard: Guard): Verdict {
  const host = request.headers.host;
  const hosts = ownOrigins(guard.port).map((origin) => origin.slice('http://'.length));
  if (host === undefined || !hosts.includes(host)) {
    return {
      ok: false,
      title: 'Refused: not this console’s host',
      message: `The request's Host header (${host ?? 'none'}) is not ${hosts.join(' or ')}. The console answers only on its own loopback address, so a web page that renames itself to 127.0.0.1 (DNS rebinding) cannot reach it.`,
    };
  }
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
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const origin = request.headers.origin;
    if (origin === undefined || !ownOrigins(guard.port).includes(origin)) {
      return {
        ok: false,
        title: 'Refused: not sent from this console',
        message: `A ${request.method} must come from this console's own pages (Origin ${ownOrigins(guard.port).join(' or ')}); this one came from ${origin ?? 'no Origin'}.`,
      };
    }
  }
  if (urlOk && request.method === 'GET') {
    const rest = new URLSearchParams(request.query);
    rest.delete('token');
    const query = rest.toString();
    return {
      ok: true,
      setCookie: `${cookieName(guard.port)}=${guard.token}; HttpOnly; SameSite=Strict; Path=/`,
      redirectTo: `${request.pathname}${query ? `?${query}` : ''}`,
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
