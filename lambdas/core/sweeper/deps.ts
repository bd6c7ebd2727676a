import type { ConnectClientConfig } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ConnectClientOptions, createConnectClient } from '../connect/client.js';
import {
  ConnectRateLimiter,
  limitConnectClient,
  type RatesPerSecond,
} from '../connect/rate-limit.js';
import { CallbackRegistry } from '../registry/registry.js';
import type { SweeperConfig } from './config.js';
import type { SweepConnect, SweepDeps } from './model.js';
import { createPhoneHasher } from './phone-hash.js';
import { StopPacer } from './stop-pacer.js';

/**
 * Where the clients point, and as whom. Empty in Lambda: the SDK's own resolution (AWS, or
 * AWS_ENDPOINT_URL_*, and the default credential chain); the local runner and tests set them.
 */
export interface CallbackEndpoints {
  connectEndpoint?: string;
  dynamoDbEndpoint?: string;
  /** Region and credentials for both clients. */
  clientConfig?: Pick<ConnectClientConfig, 'region' | 'credentials' | 'profile'>;
}

/** The callback registry over its own DynamoDB client. */
export function createRegistry(
  tableName: string,
  endpoints: CallbackEndpoints = {},
): CallbackRegistry {
  const dynamo = new DynamoDBClient({
    ...endpoints.clientConfig,
    ...(endpoints.dynamoDbEndpoint ? { endpoint: endpoints.dynamoDbEndpoint } : {}),
  });
  return new CallbackRegistry(DynamoDBDocumentClient.from(dynamo), tableName);
}

/**
 * What the sweeper runs on, built from its configuration: the Lambda handler, the local runner,
 * the integration tests and the benchmark all wire it here, so none skips a check another makes.
 */
export function createSweepDeps(
  config: SweeperConfig,
  endpoints: CallbackEndpoints = {},
  /** Epoch ms for ages; the local Connect's clock when it is not the wall clock. */
  now?: () => number,
): SweepDeps & { registry: CallbackRegistry } {
  return {
    // The sweeper's clients (createSweepConnect, below): rate-limited reads and tags, a one-attempt stop.
    ...createSweepConnect(config, {
      ...endpoints.clientConfig,
      ...(endpoints.connectEndpoint ? { endpoint: endpoints.connectEndpoint } : {}),
    }),
    registry: createRegistry(config.values.callbackTableName, endpoints),
    ...(now ? { now } : {}),
    ...(config.phoneHashSalt ? { hashPhoneNumber: createPhoneHasher(config.phoneHashSalt) } : {}),
  };
}

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
