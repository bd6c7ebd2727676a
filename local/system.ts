import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Metrics } from '@aws-lambda-powertools/metrics';
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import type { ConnectContactFlowEvent } from 'aws-lambda';
import {
  createSweeperHandler,
  type SweeperResult,
} from '../lambdas/callback-sweeper/callback-sweeper.js';
import { createTrackerHandler } from '../lambdas/callback-tracker/callback-tracker.js';
import { type CallbackEndpoints, createSweepDeps } from '../lambdas/core/callbacks/deps.js';
import { readSweeperConfig, type SweeperConfig } from '../lambdas/core/callbacks/sweeper-config.js';
import { callbackTableCreateInput } from '../lambdas/core/callbacks/table.js';
import { createConnectClient } from '../lambdas/core/connect/client.js';
import { createEndContactDeps, readEndContactConfig } from '../lambdas/core/end-contact/config.js';
import { metricsNamespace } from '../lambdas/core/settings.js';
import { createFlowHandler } from '../lambdas/end-contact/end-contact.js';
import { createHttpHandler } from '../lambdas/stop-contact-api/stop-contact-api.js';
import { buildContactEvent } from './connect/events.js';
import {
  type Contact,
  DEMO_IDS,
  demoScenario,
  type LocalConnect,
  startLocalConnect,
} from './connect/index.js';
import { startDynalite } from './dynalite.js';
import { RequestTooLargeError, readBody, toHttpApiEvent } from './http-adapter.js';
import { lambdaContext } from './lambda-runtime.js';

export interface LocalSystemOptions {
  /** Port of the project's HTTP server; 0 picks a free one. */
  port: number;
  /** Port of the local Amazon Connect; 0 picks a free one. */
  connectPort: number;
  /**
   * The functions' settings, as their environment carries them (docs/configuration.md); the
   * sweeper's instance, table and report mode are the demo's whatever this says.
   * @default process.env
   */
  environment?: Readonly<Record<string, string | undefined>>;
  /** Connect's API quotas on the local Connect. @default true */
  quotas?: boolean;
  /** How often the callback sweeper runs, in report mode. @default 15 minutes */
  sweepEveryMs?: number;
  /** Called with every scheduled sweep's report (and with a run's failure). */
  onSweep?: (result: SweeperResult | Error) => void;
}

export interface LocalSystem {
  /** Base URL of the project's handlers, e.g. http://127.0.0.1:3000 */
  readonly url: string;
  readonly connect: LocalConnect;
  /** The callback registry's DynamoDB (dynalite). */
  readonly dynamoDbEndpoint: string;
  /** Runs the sweeper now, as its schedule does, and returns its report. */
  sweep(): Promise<SweeperResult>;
  /** Resolves once every contact event so far has reached the tracker. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

type Handler = (event: never, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

/**
 * The whole system on one machine: the local Amazon Connect seeded with the demo contact center,
 * and the project's handlers served over HTTP, calling it through the real AWS SDK.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  // Settings first, as a Lambda's cold start reads them: a bad one fails before anything listens.
  // One End a Contact door object for both doors: the flow's stricter deadline bound holds.
  const environment = options.environment ?? process.env;
  const config = readEndContactConfig(environment, 'end-contact');
  const sweeperConfig = readSweeperConfig({
    ...environment,
    CONNECT_INSTANCE_IDS: DEMO_IDS.instanceId,
    CALLBACK_TABLE_NAME: 'callbacks',
    SWEEP_MODE: 'report',
  });
  const connect = await startLocalConnect({
    port: options.connectPort,
    scenario: demoScenario(),
    quotas: options.quotas ?? true,
  });
  // The handlers' own factories, over clients that talk to this system's local services only,
  // with credentials that are never a developer's real ones.
  const clientConfig = {
    region: connect.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const client = createConnectClient(config.connect, {
    ...clientConfig,
    endpoint: connect.endpoint,
  });
  const door = { deps: createEndContactDeps(config, client), deadlineMs: config.deadlineMs };
  const flow = createFlowHandler(door) as unknown as Handler;
  const api = createHttpHandler(door) as unknown as Handler;
  const instanceArn = `arn:aws:connect:${connect.region}:${connect.accountId}:instance/${DEMO_IDS.instanceId}`;

  const callbacks = await startCallbackSweeper(connect, clientConfig, instanceArn, sweeperConfig);
  const runSweep = () =>
    callbacks.sweeper(
      { 'detail-type': 'Scheduled Event', source: 'aws.events' } as never,
      lambdaContext('callback-sweeper', 300_000),
    ) as Promise<SweeperResult>;
  const schedule = setInterval(
    () => {
      runSweep().then(options.onSweep, (error: Error) => options.onSweep?.(error));
    },
    options.sweepEveryMs ?? 15 * 60_000,
  );
  schedule.unref();

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
    'POST /sweeper/run': async (_req, body) => {
      const overrides = body.trim() === '' ? {} : parseJson(body);
      if (overrides === undefined) {
        return jsonReply(400, { code: 'SerializationException', message: 'send a JSON object' });
      }
      const report = (await callbacks.sweeper(
        overrides as never,
        lambdaContext('callback-sweeper', 300_000),
      )) as SweeperResult;
      return jsonReply('error' in report ? 400 : 200, report);
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
    dynamoDbEndpoint: callbacks.dynamoDbEndpoint,
    sweep: runSweep,
    settled: callbacks.settled,
    close: async () => {
      clearInterval(schedule);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await callbacks.close();
      await connect.close();
    },
  };
}

/**
 * The tracker and the sweeper (report mode) of the demo instance, on dynalite: contact events go
 * to the tracker as EventBridge would deliver them, and the callbacks the demo seeded before the
 * tracker ran are handed to it as their QUEUED events.
 */
async function startCallbackSweeper(
  connect: LocalConnect,
  clientConfig: CallbackEndpoints['clientConfig'],
  instanceArn: string,
  config: SweeperConfig,
) {
  const dynamo = await startDynalite();
  const endpoints = {
    connectEndpoint: connect.endpoint,
    dynamoDbEndpoint: dynamo.endpoint,
    clientConfig,
  };
  await ensureCallbackTable(config.tableName, endpoints);
  const deps = createSweepDeps(config, endpoints, () => connect.clock.now());
  const tracker = createTrackerHandler(deps.registry) as unknown as Handler;
  const sweeper = createSweeperHandler({
    config,
    deps,
    metrics: new Metrics({ namespace: metricsNamespace, serviceName: 'callback-sweeper' }),
  }) as unknown as Handler;

  let pending = Promise.resolve();
  const track = (event: unknown) => {
    // One at a time, in delivery order, as a tracker with reserved concurrency 1 would see them.
    pending = pending.then(
      () =>
        tracker(event as never, lambdaContext('callback-tracker', 10_000)).then(() => undefined),
      () => undefined,
    );
  };
  const unsubscribe = connect.events.subscribe(track);
  const state = connect.state() as { instances: { contacts: Contact[] }[] };
  for (const contact of state.instances.flatMap((instance) => instance.contacts)) {
    const queued =
      contact.initiationMethod === 'CALLBACK' &&
      contact.enqueuedAt !== undefined &&
      contact.connectedToAgentAt === undefined &&
      contact.disconnectedAt === undefined;
    if (!queued) continue;
    track(
      buildContactEvent('QUEUED', contact, {
        region: connect.region,
        accountId: connect.accountId,
        instanceArn,
        nowMs: connect.clock.now(),
      }),
    );
  }
  await pending;

  return {
    dynamoDbEndpoint: dynamo.endpoint,
    sweeper,
    settled: async () => {
      await connect.events.flush();
      await pending;
    },
    close: async () => {
      unsubscribe();
      await pending;
      deps.connect.destroy();
      deps.stopClient.destroy();
      await dynamo.close();
    },
  };
}

/** Creates the registry table when it does not exist (dynalite starts empty). */
async function ensureCallbackTable(tableName: string, endpoints: CallbackEndpoints): Promise<void> {
  const client = new DynamoDBClient({
    ...endpoints.clientConfig,
    endpoint: endpoints.dynamoDbEndpoint,
  });
  try {
    await client.send(new CreateTableCommand(callbackTableCreateInput(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    client.destroy();
  }
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
      title: 'Run the callback sweeper now (report mode): callbacks queued over 2 hours',
      method: 'POST',
      path: '/sweeper/run',
      body: { maxQueuedAge: '2h' },
      expect: { status: 200, json: { mode: 'report', complete: true } },
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
