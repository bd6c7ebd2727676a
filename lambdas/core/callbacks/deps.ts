import type { ConnectClient, ConnectClientConfig } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createConnectClient } from '../connect/client.js';
import { ConnectRateLimiter, limitConnectClient } from '../connect/rate-limit.js';
import { createPhoneHasher } from './phone-hash.js';
import { CallbackRegistry } from './registry.js';
import type { SweepDeps } from './sweep.js';
import type { SweeperConfig } from './sweeper-config.js';

/**
 * Where the clients point, and as whom. Empty in Lambda: the SDK's own resolution (AWS, or
 * AWS_ENDPOINT_URL_*, and the default credential chain); the local runner and tests set them.
 */
export interface CallbackEndpoints {
  connectEndpoint?: string;
  dynamoDbEndpoint?: string;
  /** Region and credentials for both clients. */
  clientConfig?: Pick<ConnectClientConfig, 'region' | 'credentials'>;
}

/**
 * The sweeper's Connect client: bounded retries and time-outs, and the per-API rate limiter
 * under the SDK's retries.
 */
export function createSweeperConnectClient(
  config: Pick<SweeperConfig, 'connect' | 'ratesPerSecond'>,
  endpoints: CallbackEndpoints = {},
): ConnectClient {
  const client = createConnectClient(config.connect, {
    ...endpoints.clientConfig,
    ...(endpoints.connectEndpoint ? { endpoint: endpoints.connectEndpoint } : {}),
  });
  limitConnectClient(client, new ConnectRateLimiter(config.ratesPerSecond));
  return client;
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
): SweepDeps & { connect: ConnectClient; registry: CallbackRegistry } {
  return {
    connect: createSweeperConnectClient(config, endpoints),
    registry: createRegistry(config.tableName, endpoints),
    ...(now ? { now } : {}),
    ...(config.phoneHashSalt ? { hashPhoneNumber: createPhoneHasher(config.phoneHashSalt) } : {}),
  };
}
