import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { PayloadTooLargeError, readBody } from '../../common/http/body.js';
import { splitUrl } from '../../common/http/router.js';
import { closeServer, listen } from '../../common/http/serve.js';
import type { OperatorApi } from '../core/api.js';
import { describeAccessError, OperatorInputError, TargetError } from '../core/errors.js';
import { Confirmations } from './confirmations.js';
import { refusalStyleSource } from './html.js';
import { Jobs } from './jobs.js';
import { BadParameterError } from './params.js';
import { type ConsoleContext, problemPage, type Reply } from './reply.js';
import { consoleRoutes } from './routes.js';
import { checkRequest, type Guard, type GuardedRequest, newToken } from './security.js';

export interface ConsoleOptions {
  /** 0 or absent picks a free port. */
  port?: number;
  /**
   * Who the audit records as asking for an end.
   * @default - `console (<OS user name>)`
   */
  requestedBy?: string;
}

export interface RunningConsole {
  /** `http://127.0.0.1:PORT/?token=…`: the only way in. */
  readonly url: string;
  close(): Promise<void>;
}

const assets = new Map(
  [
    ['/assets/console.js', 'text/javascript; charset=utf-8'],
    ['/assets/console.css', 'text/css; charset=utf-8'],
    ['/assets/icon.svg', 'image/svg+xml'],
  ].map(([path, type]) => [
    path as string,
    { type: type as string, body: readFileSync(new URL(`.${path}`, import.meta.url)) },
  ]),
);

/** Everything the console sends: its own assets only, nothing inline, never framed or cached. */
const securityHeaders = {
  'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self' ${refusalStyleSource}; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'x-content-type-options': 'nosniff',
  // Not no-referrer: with it Chromium sends `Origin: null` on the console's own form POSTs.
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

/**
 * The loopback web console over an OperatorApi: listens on 127.0.0.1 only, and answers only
 * requests that carry its token, name its own Host and, for a POST, come from its own pages.
 */
export async function startConsole(
  api: OperatorApi,
  options: ConsoleOptions = {},
): Promise<RunningConsole> {
  const jobs = new Jobs();
  const context: ConsoleContext = {
    api,
    jobs,
    confirmations: new Confirmations(),
    requestedBy: options.requestedBy ?? `console (${userInfo().username})`,
  };
  const guard = { token: newToken(), port: 0 };
  const server = createServer((request, response) => {
    // No request, however malformed, may take the process down: the last resort answers it.
    handle(request, response, guard, context).catch(() => lastResort(response));
  });
  await listen(server, options.port ?? 0);
  guard.port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${guard.port}/?token=${guard.token}`,
    close: async () => {
      await jobs.close();
      await closeServer(server);
    },
  };
}

async function handle(
  raw: IncomingMessage,
  response: ServerResponse,
  guard: Guard,
  context: ConsoleContext,
): Promise<void> {
  const method = raw.method ?? 'GET';
  const { pathname, query } = splitUrl(raw.url);
  const target = context.api.target.label;
  let reply: Reply;
  let setCookie: string | undefined;
  try {
    // The guard first: nothing of a refused request is read, let alone acted on.
    const verdict = checkRequest(
      { method, pathname, query, headers: raw.headers as GuardedRequest['headers'] },
      guard,
    );
    if (!verdict.ok) {
      reply = problemPage(403, verdict.title, verdict.message);
    } else if ('redirectTo' in verdict) {
      setCookie = verdict.setCookie;
      reply = { status: 303, location: verdict.redirectTo };
    } else {
      reply = await route(method, pathname, query, await readBody(raw), context);
    }
  } catch (error) {
    reply = replyToError(error, target);
  }
  try {
    send(response, reply, setCookie);
  } catch {
    // A header Node refuses (say, a control character): an answer that cannot carry one.
    lastResort(response);
  }
}

/** A plain 500 when the reply itself could not be sent; a connection half answered is cut. */
function lastResort(response: ServerResponse): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(500, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8' });
  response.end('The console could not answer this request.');
}

async function route(
  method: string,
  pathname: string,
  query: URLSearchParams,
  text: string,
  context: ConsoleContext,
): Promise<Reply> {
  const asset = method === 'GET' ? assets.get(pathname) : undefined;
  if (asset) return { status: 200, asset };
  const match = consoleRoutes.match(method, pathname);
  if (!match) {
    const known = consoleRoutes.match(method === 'GET' ? 'POST' : 'GET', pathname);
    return known
      ? problemPage(
          405,
          'Wrong method',
          `${pathname} does not take a ${method}.`,
          context.api.target.label,
        )
      : problemPage(
          404,
          'Not found',
          `This console has no page ${pathname}.`,
          context.api.target.label,
        );
  }
  const form = method === 'POST' ? new URLSearchParams(text) : new URLSearchParams();
  return match.value({ method, pathname, query, form, params: match.params }, context);
}

function replyToError(error: unknown, target: string): Reply {
  if (error instanceof BadParameterError) {
    return problemPage(400, 'Bad request', `The ${error.message}.`, target);
  }
  if (error instanceof OperatorInputError) {
    return problemPage(400, 'Bad request', `${error.message}.`, target);
  }
  const access = describeAccessError(error);
  if (access) return problemPage(502, 'AWS refused the call', `${access}.`, target);
  if (error instanceof TargetError) {
    return problemPage(502, 'The target cannot be used', `${error.message}.`, target);
  }
  if (error instanceof PayloadTooLargeError) {
    return problemPage(413, 'Request too large', error.message, target);
  }
  // The message only: an SDK error's fields may carry request data.
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return problemPage(500, 'Something failed', message, target);
}

function send(response: ServerResponse, reply: Reply, setCookie?: string): void {
  const headers: Record<string, string> = { ...securityHeaders };
  if (setCookie) headers['set-cookie'] = setCookie;
  let body: string | Buffer = '';
  if ('location' in reply) {
    headers.location = reply.location;
  } else if ('asset' in reply) {
    headers['content-type'] = reply.asset.type;
    body = reply.asset.body;
  } else if ('json' in reply) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(reply.json);
  } else {
    headers['content-type'] = 'text/html; charset=utf-8';
    body = reply.html;
  }
  headers['content-length'] = String(Buffer.byteLength(body));
  response.writeHead(reply.status, headers);
  response.end(body);
}
