import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { PayloadTooLargeError, readBody } from './body.js';
import type { LoopbackRequest, LoopbackVerdict } from './guard.js';
import { errorReply, InvalidJsonError, type JsonReply, sendJson } from './json.js';
import { type Router, splitUrl } from './router.js';

export interface LocalRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  /** Path labels of the matched route. */
  params: Record<string, string>;
  /** The body as text; JSON routes parse it with parseJson. */
  text: string;
  raw: IncomingMessage;
}

export type LocalHandler = (request: LocalRequest) => JsonReply | Promise<JsonReply>;

export interface JsonListenerOptions {
  /** A 404's message. @default `no route for <method> <path>` */
  notFoundMessage?: (method: string, pathname: string) => string;
  /** Maps an error a handler threw to its reply; anything it leaves is a 500. */
  onError?: (error: unknown) => JsonReply | undefined;
  /**
   * Checked before anything of the request is read (guard.ts's checkLoopback, bound to the
   * server's port); a refusal answers 403 `ForbiddenException`.
   */
  guard?: (request: LoopbackRequest) => LoopbackVerdict;
}

/** Serves JSON routes: one body reader, `{code, message}` errors, 404 and 413 alike everywhere. */
export function createJsonListener(
  router: Router<LocalHandler>,
  options: JsonListenerOptions = {},
) {
  return async (raw: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = raw.method ?? 'GET';
    const { pathname, query } = splitUrl(raw.url);
    let reply: JsonReply;
    try {
      const verdict = options.guard?.({ method, headers: raw.headers });
      if (verdict && !verdict.ok) {
        sendJson(response, 403, { code: 'ForbiddenException', message: verdict.message });
        // Nothing of a refused request is used: its body is drained unread.
        raw.resume();
        return;
      }
      const text = await readBody(raw);
      const route = router.match(method, pathname);
      reply = route
        ? await route.value({ method, pathname, query, params: route.params, text, raw })
        : errorReply(
            404,
            'NotFoundException',
            options.notFoundMessage?.(method, pathname) ?? `no route for ${method} ${pathname}`,
          );
    } catch (error) {
      reply = replyToError(error, options.onError);
    }
    try {
      sendJson(response, reply.status, reply.body, reply.headers);
    } catch {
      // A reply Node cannot send (a header with a control character, say): never a crash.
      if (response.headersSent) response.destroy();
      else sendJson(response, 500, { code: 'InternalServiceException', message: 'internal error' });
    }
  };
}

function replyToError(error: unknown, onError: JsonListenerOptions['onError']): JsonReply {
  if (error instanceof PayloadTooLargeError) {
    return errorReply(413, 'PayloadTooLargeException', error.message);
  }
  if (error instanceof InvalidJsonError) {
    return errorReply(400, 'SerializationException', error.message);
  }
  return onError?.(error) ?? errorReply(500, 'InternalServiceException', 'internal error');
}

/** Starts `server` listening on 127.0.0.1 at `port` (0 picks a free one); rejects if it cannot. */
export function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Drops `server`'s open connections, then closes it. */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
