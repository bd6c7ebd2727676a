import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ConnectRateLimiter,
  limitConnectClient,
  withRunSignal,
} from '../../../../lambdas/core/connect/rate-limit.js';

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
  // A fake clock: p-throttle reads Date.now and waits with setTimeout, so the tests count grants
  // at exact instants instead of measuring a shared machine's speed.
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Starts `count` acquisitions and records the fake time each one is granted at. */
  function acquireAll(limiter: ConnectRateLimiter, operation: string, count: number): number[] {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      void limiter.acquire(operation).then(() => times.push(Date.now()));
    }
    return times;
  }

  it('lets a burst of the rate through at once, then never more than the rate in any second', async () => {
    const limiter = new ConnectRateLimiter({ StopContact: 20 });

    const times = acquireAll(limiter, 'StopContact', 50);
    await vi.advanceTimersByTimeAsync(0);
    const atOnce = times.length;
    await vi.advanceTimersByTimeAsync(999);
    const beforeOneSecond = times.length;
    await vi.advanceTimersByTimeAsync(5_000);

    expect(atOnce).toBe(20);
    expect(beforeOneSecond).toBe(20);
    expect(times).toHaveLength(50);
    expect(busiestWindow(times, 1_000)).toBe(20);
    expect(Math.max(...times)).toBeGreaterThanOrEqual(2_000);
  });

  it('limits each API on its own', async () => {
    const limiter = new ConnectRateLimiter({ StopContact: 5, DescribeContact: 5 });

    const stops = acquireAll(limiter, 'StopContact', 5);
    const describes = acquireAll(limiter, 'DescribeContact', 5);
    await vi.advanceTimersByTimeAsync(0);

    expect(stops).toEqual([0, 0, 0, 0, 0]);
    expect(describes).toEqual([0, 0, 0, 0, 0]);
  });

  it('does not limit an API it has no rate for', async () => {
    const limiter = new ConnectRateLimiter({ StopContact: 1 });

    const times = acquireAll(limiter, 'DescribeUser', 100);
    await vi.advanceTimersByTimeAsync(0);

    expect(times).toHaveLength(100);
    expect(new Set(times)).toEqual(new Set([0]));
  });

  it('spreads a fractional rate over a longer window', async () => {
    const limiter = new ConnectRateLimiter({ GetCurrentMetricData: 2.5 });

    const times = acquireAll(limiter, 'GetCurrentMetricData', 4);
    await vi.advanceTimersByTimeAsync(5_000);

    // 2.5 rps is 2 calls per 800 ms.
    expect(times).toHaveLength(4);
    expect(busiestWindow(times, 800)).toBe(2);
    expect(times[2]).toBeGreaterThanOrEqual(800);
  });

  it('spaces a window of one call a little wider, so a one-token bucket never sees it early', async () => {
    const limiter = new ConnectRateLimiter({ SearchContacts: 0.5, StopContact: 1 });

    const searches = acquireAll(limiter, 'SearchContacts', 3);
    const stops = acquireAll(limiter, 'StopContact', 3);
    await vi.advanceTimersByTimeAsync(10_000);

    // 0.5 rps with Connect's burst of 1: one call per 2 s plus the guard (25%), 2500 ms.
    expect(searches).toEqual([0, 2_500, 5_000]);
    expect(stops).toEqual([0, 1_250, 2_500]);
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

  /** A limiter that records when it grants each attempt (Date.now, p-throttle's own clock). */
  class RecordingLimiter extends ConnectRateLimiter {
    readonly grants: number[] = [];
    override async acquire(operation: string): Promise<void> {
      await super.acquire(operation);
      this.grants.push(Date.now());
    }
  }

  it('holds every attempt, retries included, to the API rate', async () => {
    const client = new ConnectClient({ endpoint, maxAttempts: 3 });
    const limiter = new RecordingLimiter({ StopContact: 10 });
    limitConnectClient(client, limiter);

    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        client.send(new StopContactCommand({ InstanceId: 'i-1', ContactId: `c-${i}` })),
      ),
    );

    // Every attempt that reached the server, retries included, went through the limiter (its
    // exact spacing is tested above on a fake clock). The grants are stamped a little after the
    // limiter releases them, so the bound keeps 100 ms of slack: only a missing limit breaks it.
    expect(arrivals).toHaveLength(20);
    expect(limiter.grants).toHaveLength(20);
    expect(busiestWindow(limiter.grants, 900)).toBeLessThanOrEqual(10);
    expect(Math.max(...limiter.grants) - Math.min(...limiter.grants)).toBeGreaterThanOrEqual(900);
    client.destroy();
  });
});
