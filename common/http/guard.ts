/**
 * The loopback guard every local HTTP door shares (the operator console, the runner's handlers,
 * the local Connect's control API): a Host that is not the server's own loopback name is refused
 * (DNS rebinding: a page renaming itself to 127.0.0.1 still sends its own Host), and so is a
 * state-changing request whose Origin is not the server's own (a cross-site POST, even a
 * `text/plain` one that needs no preflight). A client that sends no Origin (curl, the AWS SDK) is
 * not a browser page, so the runner and the local Connect let it through; the console, which
 * only its own pages call, requires one.
 */

export interface LoopbackRequest {
  method: string;
  headers: { host?: string | undefined; origin?: string | undefined };
}

export type LoopbackVerdict = { ok: true } | { ok: false; title: string; message: string };

/** `http://127.0.0.1:PORT` and `http://localhost:PORT`: a loopback server's own origins. */
export function ownOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/** GET, HEAD and OPTIONS change nothing; every other method may. */
export function changesState(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

export function checkLoopback(
  request: LoopbackRequest,
  options: {
    port: number;
    /** What the refusal calls the server, e.g. "this console". */
    name: string;
    /** A state-changing request with no Origin is refused too (a browser-only server). */
    requireOrigin: boolean;
    /** Further `host:port` names the server answers on, e.g. its endpoint's. */
    hosts?: readonly string[];
  },
): LoopbackVerdict {
  const origins = [
    ...new Set([
      ...ownOrigins(options.port),
      ...(options.hosts ?? []).map((host) => `http://${host}`),
    ]),
  ];
  const hosts = origins.map((origin) => origin.slice('http://'.length));
  const { host, origin } = request.headers;
  if (host === undefined || !hosts.includes(host)) {
    return {
      ok: false,
      title: `Refused: not ${options.name}’s host`,
      message: `The request's Host header (${host ?? 'none'}) is not ${hosts.join(' or ')}. ${capitalised(options.name)} answers only on its own loopback address, so a web page that renames itself to 127.0.0.1 (DNS rebinding) cannot reach it.`,
    };
  }
  if (!changesState(request.method)) return { ok: true };
  if (origin === undefined ? options.requireOrigin : !origins.includes(origin)) {
    return {
      ok: false,
      title: `Refused: not sent from ${options.name}`,
      message: `A ${request.method} must come from ${options.name}'s own pages (Origin ${origins.join(' or ')})${options.requireOrigin ? '' : ' or from a client that sends no Origin, such as curl'}; this one came from ${origin ?? 'no Origin'}.`,
    };
  }
  return { ok: true };
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Where a redirect may send the browser: a path of this site only. `//host` and `/\host` are
 * read by browsers as another host, so anything but a single leading `/` goes to `/`.
 */
export function samePath(path: string): string {
  const control = [...path].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  return /^\/(?![/\\])/.test(path) && !control ? path : '/';
}
