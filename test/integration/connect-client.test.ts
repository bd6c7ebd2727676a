import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConnectClient } from '../../lambdas/core/connect/client.js';
import { stopContact } from '../../lambdas/core/connect/stop-contact.js';

type Responder = (req: IncomingMessage, res: ServerResponse) => void;

/** A stand-in Connect endpoint whose behaviour each test sets, recording what it receives. */
let respond: Responder = () => undefined;
const received: { method?: string; url?: string; authorization?: string; body: string }[] = [];
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization,
        body,
      });
      respond(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The SDK reads the variable when it resolves the endpoint, on the first call.
  process.env.AWS_ENDPOINT_URL_CONNECT = endpoint;
});

afterEach(() => {
  received.length = 0;
  server.closeAllConnections();
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_CONNECT;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function answer(status: number, errorType?: string): Responder {
  return (_req, res) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
    });
    res.end(errorType ? JSON.stringify({ Message: `${errorType} from stand-in` }) : '{}');
  };
}

function client(overrides: Partial<Parameters<typeof createConnectClient>[0]> = {}) {
  return createConnectClient({
    maxAttempts: 3,
    connectionTimeoutMs: 500,
    requestTimeoutMs: 300,
    ...overrides,
  });
}

const request = { instanceId: 'i-1', contactId: 'c-1' };

describe('createConnectClient', () => {
  it('sends a signed StopContact to the endpoint in AWS_ENDPOINT_URL_CONNECT', async () => {
    respond = answer(200);

    const outcome = await stopContact(client(), request);

    expect(outcome).toEqual({ kind: 'stopped' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/contact/stop' });
    expect(received[0]?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/us-east-1\/connect\/aws4_request/,
    );
    expect(JSON.parse(received[0]?.body ?? '')).toEqual({ ContactId: 'c-1', InstanceId: 'i-1' });
  });

  it('retries a 500 and succeeds when Connect recovers', async () => {
    let calls = 0;
    respond = (req, res) =>
      (++calls === 1 ? answer(500, 'InternalServiceException') : answer(200))(req, res);

    expect(await stopContact(client(), request)).toEqual({ kind: 'stopped' });
    expect(received).toHaveLength(2);
  });

  it('gives up on a throttle after the configured attempts and reports throttled', async () => {
    respond = answer(429, 'ThrottlingException');

    const outcome = await stopContact(client({ maxAttempts: 3 }), request);

    expect(outcome).toMatchObject({ kind: 'throttled', code: 'ThrottlingException' });
    expect(received).toHaveLength(3);
  });

  it('reports a Connect that never answers as a timeout instead of waiting for it', async () => {
    respond = () => undefined;

    const outcome = await stopContact(client({ maxAttempts: 2, requestTimeoutMs: 150 }), request);

    expect(outcome).toMatchObject({ kind: 'failed', code: 'TimeoutError' });
    expect(received).toHaveLength(2);
  });

  it("stops retrying when the caller's deadline passes", async () => {
    respond = () => undefined;

    const outcome = await stopContact(
      client({ maxAttempts: 10, requestTimeoutMs: 10_000 }),
      request,
      {
        abortSignal: AbortSignal.timeout(100),
      },
    );

    expect(outcome).toMatchObject({ kind: 'failed', code: 'TimeoutError' });
    // At most the first attempt went out: the deadline ended it, and no retry followed.
    expect(received.length).toBeLessThanOrEqual(1);
  });
});
