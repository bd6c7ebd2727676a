import type { ConnectClientConfig } from '@aws-sdk/client-connect';
import { type ConnectClientOptions, createConnectClient } from '../connect/client.js';
import {
  ConnectRateLimiter,
  limitConnectClient,
  type RatesPerSecond,
} from '../connect/rate-limit.js';
import type { SweepConnect } from './last-look.js';

/**
 * The sweeper's Connect clients, sharing one per-API rate limiter: reads and tags go through a
 * client that waits for its rate on every SDK attempt; StopContact goes through a client that
 * makes one attempt and waits for nothing, because the sweep takes its slot before the last look.
 */
export function createSweepConnect(
  config: { connect: ConnectClientOptions; ratesPerSecond: RatesPerSecond },
  /** Explicit endpoint, region or credentials, for the local runner and tests. */
  overrides: ConnectClientConfig = {},
): SweepConnect {
  const limiter = new ConnectRateLimiter(config.ratesPerSecond);
  const connect = createConnectClient(config.connect, overrides);
  limitConnectClient(connect, limiter);
  const stopClient = createConnectClient({ ...config.connect, maxAttempts: 1 }, overrides);
  return { connect, stopClient, acquire: (operation) => limiter.acquire(operation) };
}
