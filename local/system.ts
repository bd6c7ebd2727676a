import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectContactFlowEvent } from 'aws-lambda';
import { createConnectClient } from '../lambdas/core/connect-client.js';
import { createEndContactDeps, readEndContactConfig } from '../lambdas/core/end-contact-config.js';
import { createFlowHandler } from '../lambdas/end-contact/handler.js';
import { createHttpHandler } from '../lambdas/stop-contact-api/handler.js';
import { DEMO_IDS, demoScenario, type LocalConnect, startLocalConnect } from './connect/index.js';
import { RequestTooLargeError, readBody, toHttpApiEvent } from './http-adapter.js';
import { lambdaContext } from './lambda-runtime.js';

export interface LocalSystemOptions {
  /** Port of the project's HTTP server; 0 picks a free one. */
  port: number;
  /** Port of the local Amazon Connect; 0 picks a free one. */
  connectPort: number;
  /** Connect's API quotas on the local Connect. @default true */
  quotas?: boolean;
}

export interface LocalSystem {
  /** Base URL of the project's handlers, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  readonly connect: LocalConnect;
  close(): Promise<void>;
}

type Handler = (event: never, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

/**
 * The whole system on one machine: the local Amazon Connect seeded with the demo contact center,
 * and the project's handlers served over HTTP, calling it through the real AWS SDK.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const connect = await startLocalConnect({
    port: options.connectPort,
    scenario: demoScenario(),
    quotas: options.quotas ?? true,
  });
  // The handlers' own factories, over a client that talks to this system's local Connect only,
  // with credentials that are never a developer's real ones.
  const config = readEndContactConfig(process.env, { maxDeadlineMs: 6_000 });
  const client = createConnectClient(config.connect, {
    endpoint: connect.endpoint,
    region: connect.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const door = { deps: createEndContactDeps(config, client), deadlineMs: config.deadlineMs };
  const flow = createFlowHandler(door) as unknown as Handler;
  const api = createHttpHandler(door) as unknown as Handler;
  const instanceArn = `arn:aws:connect:${connect.region}:${connect.accountId}:instance/${DEMO_IDS.instanceId}`;

  const routes: Record<string, (req: IncomingMessage, body: string) => Promise<Reply>> = {
    'POST /contact/stop': async (req, body) => {
      const result = (await api(
        toHttpApiEvent(req, body, 'POST /contact/stop') as never,
        lambdaContext('stop-contact-api', 10_000),
      )) as { statusCode: number; headers?: Record<string, string>; body: string };
      return { status: result.statusCode, headers: result.headers ?? {}, body: result.body };
    },
    'POST /flow/end-contact': async (_req, body) => {
      const event = toFlowEvent(parseJson(body), instanceArn);
      if (!event) {
        return jsonReply(400, {
          code: 'SerializationException',
          message: 'send a contact-flow event, or a JSON object of the block parameters',
        });
      }
      return jsonReply(200, await flow(event as never, lambdaContext('end-contact', 8_000)));
    },
    'GET /': async () =>
      jsonReply(200, {
        connectEndpoint: connect.endpoint,
        instanceId: DEMO_IDS.instanceId,
        routes: Object.keys(routes),
      }),
  };

  const server = createServer((req, res) => {
    void serve(req, res, routes);
  });
  await listen(server, options.port);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    connect,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connect.close();
    },
  };
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function jsonReply(status: number, value: unknown): Reply {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  routes: Record<string, (req: IncomingMessage, body: string) => Promise<Reply>>,
): Promise<void> {
  let reply: Reply;
  try {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = routes[`${req.method} ${path}`];
    const body = await readBody(req);
    reply = route
      ? await route(req, body)
      : jsonReply(404, {
          code: 'NotFoundException',
          message: `no route for ${req.method} ${path}`,
        });
  } catch (error) {
    reply =
      error instanceof RequestTooLargeError
        ? jsonReply(413, { code: 'PayloadTooLargeException', message: error.message })
        : jsonReply(500, { code: 'InternalServiceException', message: 'internal error' });
  }
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body);
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** A full contact-flow event passes through; a bare object is taken as the block's parameters. */
function toFlowEvent(body: unknown, instanceArn: string): ConnectContactFlowEvent | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  if ('Details' in body) return body as ConnectContactFlowEvent;
  const contactId = randomUUID();
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: {},
        Channel: 'VOICE',
        ContactId: contactId,
        CustomerEndpoint: null,
        InitialContactId: contactId,
        InitiationMethod: 'INBOUND',
        InstanceARN: instanceArn,
        PreviousContactId: contactId,
        Queue: null,
        SystemEndpoint: null,
        MediaStreams: { Customer: { Audio: null } },
      },
      Parameters: body as Record<string, string>,
    },
  } as unknown as ConnectContactFlowEvent;
}

async function listen(server: Server, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} is in use: pass --port <another port> (0 picks a free one)`, {
              cause: error,
            })
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

export interface CurlExample {
  title: string;
  method: 'POST';
  path: string;
  body: unknown;
  /** What the example answers on the demo contact center, as a reader would check it. */
  expect: { status: number; json: Record<string, unknown> };
}

/** The examples `npm start` prints; test/local/system.test.ts runs each one. */
export function curlExamples(): CurlExample[] {
  const c = DEMO_IDS.contacts;
  return [
    {
      title: 'End a queued callback from a flow (as a Connect flow would invoke the Lambda)',
      method: 'POST',
      path: '/flow/end-contact',
      body: { ContactId: c.callbackQueued3d, SecurityUser: 'sam.supervisor' },
      expect: { status: 200, json: { Branch: 'OnSuccess', DisconnectReason: 'TerminateScript' } },
    },
    {
      title: 'An agent without StopContact.Enabled is refused',
      method: 'POST',
      path: '/flow/end-contact',
      body: { ContactId: c.callbackQueued26h, SecurityUser: 'alex.agent' },
      expect: { status: 200, json: { Branch: 'OnUnauthorized' } },
    },
    {
      title: 'A contact ID Connect does not know',
      method: 'POST',
      path: '/flow/end-contact',
      body: { ContactId: 'de300000-0000-4000-8000-00000000dead' },
      expect: { status: 200, json: { Branch: 'OnInvalidContactID' } },
    },
    {
      title: "End a chat over the HTTP API (StopContact's request shape)",
      method: 'POST',
      path: '/contact/stop',
      body: { ContactId: c.chatQueued, InstanceId: DEMO_IDS.instanceId },
      expect: { status: 200, json: {} },
    },
    {
      title: 'A transferred voice call cannot be stopped (InvalidRequestException)',
      method: 'POST',
      path: '/contact/stop',
      body: { ContactId: c.transferredCallQueued, InstanceId: DEMO_IDS.instanceId },
      expect: { status: 400, json: { code: 'InvalidRequestException' } },
    },
    {
      title: 'Bad input is refused before it reaches Connect, naming each field',
      method: 'POST',
      path: '/contact/stop',
      body: { ContactId: '', InstanceId: 'arn:aws:connect:nowhere' },
      expect: { status: 400, json: { code: 'ValidationException' } },
    },
  ];
}

export function toCurl(baseUrl: string, example: CurlExample): string {
  const body = JSON.stringify(example.body).replaceAll("'", "'\\''");
  return `curl -s -X ${example.method} ${baseUrl}${example.path} -H 'content-type: application/json' -d '${body}'`;
}
