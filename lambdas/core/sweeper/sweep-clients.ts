import type { ConnectClientConfig } from '@aws-sdk/client-connect';
import { type ConnectClientOptions, createConnectClient } from '../connect/client.js';
import {
  ConnectRateLimiter,
  limitConnectClient,
  type RatesPerSecond,
} from '../connect/rate-limit.js';
import type { SweepConnect } from './last-look.js';
import { StopPacer } from './stop-pacer.js';

/**
 * The sweeper's Connect clients. They share one per-API rate limiter, one connection pool and one
 * cached set of credentials, so the stop reuses the connection and credentials its last look just
 * used: no connection, no TLS handshake and no credential refresh waits between look and stop.
 * - `connect`: reads and tags; the SDK retries, each attempt waiting for its API's rate.
 * - `lookClient`: the last look; one attempt (a retry after a back-off would make the two looks
 *   far apart), each waiting for its rate before the look begins.
 * - `stopClient`: StopContact; one attempt, no limiter: its StopPacer turn is taken before the
 *   look, and counts the stop when it is sent.
 */
export function createSweepConnect(
  config: { connect: ConnectClientOptions; ratesPerSecond: RatesPerSecond },
  /** Explicit endpoint, region or credentials, for the local runner and tests. */
  overrides: ConnectClientConfig = {},
): SweepConnect {
  const limiter = new ConnectRateLimiter(config.ratesPerSecond);
  const connect = createConnectClient(config.connect, overrides);
  limitConnectClient(connect, limiter);
  const shared: ConnectClientConfig = {
    ...overrides,
    requestHandler: connect.config.requestHandler,
    credentials: connect.config.credentials,
  };
  const once = { ...config.connect, maxAttempts: 1 };
  const lookClient = createConnectClient(once, shared);
  limitConnectClient(lookClient, limiter);
  const stopClient = createConnectClient(once, shared);
  const stopRate = config.ratesPerSecond.StopContact;
  return {
    connect,
    lookClient,
    stopClient,
    acquire: (operation) => limiter.acquire(operation),
    ...(stopRate ? { stopPacer: new StopPacer(stopRate) } : {}),
  };
}
