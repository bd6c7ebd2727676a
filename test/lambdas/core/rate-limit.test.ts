import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConnectRateLimiter,
  limitConnectClient,
  withRunSignal,
} from '../../../lambdas/core/rate-limit.js';

/** The largest number of times that fall in any window of `windowMs`. */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('ConnectRateLimiter', () => {
  it('lets a burst of the rate through at once, then never more than the rate in any second', async () => {
    const limiter = new ConnectRateLimiter({ StopContact: 20 });
    const started = performance.now();
    const times: number[] = [];

    await Promise.all(
      Array.from({ length: 50 }, async () => {
        await limiter.acquire('StopContact');
        times.push(performance.now());
      }),
    );

    // p-throttle counts whole milliseconds: allow the timer's own millisecond of slack.
    expect(busiestWindow(times, 998)).toBeLessThanOrEqual(20);
    expect(times.filter((t) => t - started < 50)).toHaveLength(20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2000);
  });

  it('limits each API on its own', async () => {
    const limiter = new ConnectRateLimiter({ StopContact: 5, DescribeContact: 5 });
    const started = performance.now();

    await Promise.all(
      ['StopContact', 'DescribeContact'].flatMap((op) =>
        Array.from({ length: 5 }, () => limiter.acquire(op)),
      ),
    );

    expect(performance.now() - started).toBeLessThan(200);
  });

  it('does not limit an API it has no rate for', async () => {
    const limiter = new ConnectRateLimiter({ StopContact: 1 });
    const started = performance.now();

    await Promise.all(Array.from({ length: 100 }, () => limiter.acquire('DescribeUser')));

    expect(performance.now() - started).toBeLessThan(100);
  });

  it('spreads a fractional rate over a longer window', async () => {
    const limiter = new ConnectRateLimiter({ GetCurrentMetricData: 2.5 });
    const started = performance.now();
    const times: number[] = [];

    await Promise.all(
      Array.from({ length: 4 }, async () => {
        await limiter.acquire('GetCurrentMetricData');
        times.push(performance.now() - started);
      }),
    );

    expect(busiestWindow(times, 790)).toBeLessThanOrEqual(2);
    expect(times[3]).toBeGreaterThanOrEqual(790);
  });

  it('stops waiting when the run is aborted', async () => {
    const limiter = new ConnectRateLimiter({ StopContact: 1 });
    await limiter.acquire('StopContact');
    const controller = new AbortController();

    const waiting = withRunSignal(controller.signal, () => limiter.acquire('StopContact'));
    controller.abort(new DOMException('run over', 'TimeoutError'));

    await expect(waiting).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => new ConnectRateLimiter({ StopContact: 0 })).toThrow(
      'rate of StopContact must be a positive number, got 0',
    );
  });
});

describe('limitConnectClient', () => {
  let server: Server;
  let endpoint: string;
  const arrivals: number[] = [];
  const seen = new Set<string>();

  beforeAll(async () => {
    // The first attempt for each contact is throttled, so half the traffic is SDK retries.
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        arrivals.push(performance.now());
        const { ContactId } = JSON.parse(body) as { ContactId: string };
        const first = !seen.has(ContactId);
        seen.add(ContactId);
        if (first) {
          response.writeHead(429, { 'x-amzn-ErrorType': 'ThrottlingException' });
          response.end(JSON.stringify({ Message: 'Rate exceeded' }));
        } else {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('holds every attempt, retries included, to the API rate', async () => {
    const client = new ConnectClient({ endpoint, maxAttempts: 3 });
    limitConnectClient(client, new ConnectRateLimiter({ StopContact: 10 }));

    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        client.send(new StopContactCommand({ InstanceId: 'i-1', ContactId: `c-${i}` })),
      ),
    );

    // Without the limiter all 20 attempts arrive within a few ms; sockets opening add some jitter.
    expect(arrivals).toHaveLength(20);
    expect(busiestWindow(arrivals, 900)).toBeLessThanOrEqual(10);
    client.destroy();
  });
});
