import type { ConnectClientConfig } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CallbackRegistry } from '../registry/registry.js';
import type { SweeperConfig } from './config.js';
import { createPhoneHasher } from './phone-hash.js';
import type { SweepDeps } from './sweep.js';
import { createSweepConnect } from './sweep-clients.js';

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
    // The sweeper's clients (sweep-clients.ts): rate-limited reads and tags, a one-attempt stop.
    ...createSweepConnect(config, {
      ...endpoints.clientConfig,
      ...(endpoints.connectEndpoint ? { endpoint: endpoints.connectEndpoint } : {}),
    }),
    registry: createRegistry(config.tableName, endpoints),
    ...(now ? { now } : {}),
    ...(config.phoneHashSalt ? { hashPhoneNumber: createPhoneHasher(config.phoneHashSalt) } : {}),
  };
}
