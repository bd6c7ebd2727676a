import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../../common/http/body.js';
import { startLocalConnect } from '../../../local/connect/index.js';
import { type LocalSystem, startLocalSystem } from '../../../local/system.js';

interface Answer {
  status: number;
  body: unknown;
  reusedSocket: boolean;
}

/** One request on `agent`, answered as parsed JSON, saying whether it rode an earlier socket. */
function send(
  agent: Agent,
  url: string,
  method: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          reusedSocket: req.reusedSocket,
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the local HTTP servers', () => {
  let system: LocalSystem;

  beforeAll(async () => {
    system = await startLocalSystem({ port: 0, connectPort: 0 });
  });

  afterAll(() => system.close());

  it.each([
    ['the local runner', () => `${system.url}/sweeper/run`, () => `${system.url}/`, 'GET'],
    [
      'the control API',
      () => `${system.connect.endpoint}/_local/reset`,
      () => `${system.connect.endpoint}/_local/health`,
      'GET',
    ],
  ])(
    '%s answers a body over the limit with 413 {code, message} and serves the next request on the same connection',
    async (_name, tooLargeUrl, nextUrl, nextMethod) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const tooLarge = await send(agent, tooLargeUrl(), 'POST', 'x'.repeat(2 * MAX_BODY_BYTES));
        const next = await send(agent, nextUrl(), nextMethod, '');

        expect(tooLarge).toMatchObject({
          status: 413,
          body: {
            code: 'PayloadTooLargeException',
            message: expect.stringContaining('larger than'),
          },
        });
        expect(next).toMatchObject({ status: 200, reusedSocket: true });
      } finally {
        agent.destroy();
      }
    },
  );

  it('the Connect API answers a body over the limit as before (400 InvalidRequestException) and keeps the connection', async () => {
    const connect = await startLocalConnect({ quotas: false });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const signed = {
      authorization:
        'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/connect/aws4_request, SignedHeaders=host, Signature=0',
      'x-amz-date': '20260101T000000Z',
    };
    try {
      const tooLarge = await send(
        agent,
        `${connect.endpoint}/contact/stop`,
        'POST',
        'x'.repeat(2 * MAX_BODY_BYTES),
        signed,
      );
      const next = await send(agent, `${connect.endpoint}/_local/health`, 'GET', '');

      expect(tooLarge).toMatchObject({
        status: 400,
        body: { Message: expect.stringContaining('larger than') },
      });
      expect(next).toMatchObject({ status: 200, reusedSocket: true });
    } finally {
      agent.destroy();
      await connect.close();
    }
  });
});
