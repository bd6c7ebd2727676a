import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningConsole, startConsole } from '../../../operator/console/server.js';
import type { OperatorApi } from '../../../operator/core/api.js';

/** A raw request: the path is sent as written, encoded bytes and all. */
function send(
  origin: string,
  path: string,
  headers: Record<string, string>,
  method = 'POST',
): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${origin}${path}`, { method, headers });
    outgoing.once('response', (response) => {
      response.resume();
      response.once('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          ...(response.headers.location ? { location: response.headers.location } : {}),
        }),
      );
    });
    outgoing.once('error', reject);
    outgoing.end();
  });
}

// The console's listener over an API it never reaches: the requests here are refused before.
describe('the console server with a malformed request', () => {
  let running: RunningConsole;
  let origin: string;
  let headers: Record<string, string>;

  beforeAll(async () => {
    const api = { target: { label: 'test', instanceIds: [] } } as unknown as OperatorApi;
    running = await startConsole(api, { requestedBy: 'test' });
    const url = new URL(running.url);
    origin = url.origin;
    headers = {
      cookie: `end-contact-console-${url.port}=${url.searchParams.get('token')}`,
      origin,
    };
  });

  afterAll(() => running.close());

  it('finding 11: answers a job ID with CR LF in it with a 404, and keeps serving', async () => {
    const stopped = await send(origin, '/jobs/abc%0d%0aSet-Cookie:%20x=1/stop', headers);
    const next = await send(origin, '/jobs/no-such-job/stop', headers);

    expect(stopped).toEqual({ status: 404 });
    expect(next).toEqual({ status: 404 });
  });
});
