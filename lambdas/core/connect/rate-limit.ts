import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConnectClient } from '@aws-sdk/client-connect';
import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';
import pThrottle from 'p-throttle';

/** Requests per second allowed per Connect API, by operation name (e.g. `StopContact`). */
export type RatesPerSecond = Readonly<Record<string, number>>;

/** The abort signal of the current run, so a call waiting for its turn gives up with the run. */
const runSignal = new AsyncLocalStorage<AbortSignal>();

/** Runs `fn` so that rate-limited calls made inside it stop waiting when `signal` aborts. */
export function withRunSignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return runSignal.run(signal, fn);
}

/**
 * How much longer a window of one call is than the rate gives: a server bucket that holds one
 * token (SearchContacts: 0.5/s, burst 1) refuses a call that arrives even a millisecond early, and
 * a call's arrival moves with the network, the server and a busy host: a first call delayed by a
 * scheduling pause of over 100 ms (seen on a loaded 2-core machine) brought the next, on time, in
 * early at 5%. A quarter of the window (500 ms at 0.5/s) covers such pauses; the calls this slows
 * are the slow-quota ones (discovery's SearchContacts), a few a run. Wider windows have burst to spare.
 */
const singleCallWindowGuard = 0.25;

/**
 * The sliding window a rate allows: whole calls per window, so 8 rps is 8 per 1000 ms, 2.5 rps is
 * 2 per 800 ms and 0.5 rps is 1 per 2.5 s.
 */
export function slidingWindowOf(rate: number): { limit: number; interval: number } {
  const limit = Math.max(1, Math.floor(rate));
  const interval = ((1000 * limit) / rate) * (limit === 1 ? 1 + singleCallWindowGuard : 1);
  return { limit, interval };
}

/**
 * A client-side limiter per Connect API. Each API has its own sliding window (p-throttle's strict
 * mode), so no one-second interval ever carries more than the configured rate: a token bucket on
 * the server with burst >= rate never refuses such a stream. One limiter serves every instance a
 * sweeper sweeps, since Connect's quotas are per account and Region, not per instance.
 */
export class ConnectRateLimiter {
  readonly #acquireByOperation = new Map<string, () => Promise<void>>();

  constructor(rates: RatesPerSecond) {
    for (const [operation, rate] of Object.entries(rates)) {
      if (!(rate > 0) || !Number.isFinite(rate)) {
        throw new RangeError(`rate of ${operation} must be a positive number, got ${rate}`);
      }
      const { limit, interval } = slidingWindowOf(rate);
      const throttle = pThrottle({ limit, interval, strict: true });
      const acquire = throttle(async () => undefined);
      this.#acquireByOperation.set(operation, async () => {
        await acquire();
      });
    }
  }

  /**
   * Resolves when `operation` may be called; unlimited operations resolve at once. Inside
   * `withRunSignal`, rejects with the signal's reason when the run is aborted while waiting.
   */
  async acquire(operation: string): Promise<void> {
    const acquire = this.#acquireByOperation.get(operation);
    if (!acquire) return;
    const abort = runSignal.getStore();
    if (!abort) return acquire();
    abort.throwIfAborted();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(abort.reason);
      abort.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([acquire(), aborted]);
    } finally {
      if (onAbort) abort.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * Puts the limiter under the SDK's retries: every attempt, the first and each retry, waits for
 * its API's turn, so retries back off and still never exceed the configured rate.
 */
export function limitConnectClient(client: ConnectClient, limiter: ConnectRateLimiter): void {
  // Types only: @smithy/types ships with every SDK v3 client.
  const middleware: FinalizeRequestMiddleware<object, MetadataBearer> =
    (next, context) => async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      await limiter.acquire(operation);
      return next(args);
    };
  client.middlewareStack.addRelativeTo(middleware, {
    name: 'connectRateLimitMiddleware',
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    override: true,
  });
}
