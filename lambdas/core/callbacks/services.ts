import type { ConnectClient, ConnectClientConfig } from '@aws-sdk/client-connect';
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SweepConnect } from './last-look.js';
import { createPhoneHasher } from './phone-hash.js';
import { CallbackRegistry, callbackTableCreateInput } from './registry.js';
import type { SweepReport } from './report.js';
import { sweepStuckCallbacks } from './sweep.js';
import { createSweepConnect } from './sweep-clients.js';
import { applyOverrides, type SweepOverrides } from './sweep-request.js';
import { type SweeperConfig, sweepOptions } from './sweeper-config.js';
import { type TrackResult, trackCallbackEvent } from './tracker.js';

/**
 * Where the clients point, and as whom; unset means the SDK's own resolution (AWS, or
 * AWS_ENDPOINT_URL_*, and the default credential chain).
 */
export interface CallbackEndpoints {
  connectEndpoint?: string;
  dynamoDbEndpoint?: string;
  /** Region and credentials for both clients, for the local runner. */
  clientConfig?: Pick<ConnectClientConfig, 'region' | 'credentials'>;
}

/** The sweeper's Connect clients (see createSweepConnect) pointed at the given endpoint. */
export function createSweeperConnect(
  config: Pick<SweeperConfig, 'connect' | 'ratesPerSecond'>,
  endpoints: Pick<CallbackEndpoints, 'connectEndpoint' | 'clientConfig'> = {},
): SweepConnect {
  return createSweepConnect(config, {
    ...endpoints.clientConfig,
    ...(endpoints.connectEndpoint ? { endpoint: endpoints.connectEndpoint } : {}),
  });
}

function dynamoDbClient(endpoints: Pick<CallbackEndpoints, 'dynamoDbEndpoint' | 'clientConfig'>) {
  return new DynamoDBClient({
    ...endpoints.clientConfig,
    ...(endpoints.dynamoDbEndpoint ? { endpoint: endpoints.dynamoDbEndpoint } : {}),
  });
}

export function createRegistry(
  tableName: string,
  endpoints: Pick<CallbackEndpoints, 'dynamoDbEndpoint' | 'clientConfig'> = {},
): CallbackRegistry {
  return new CallbackRegistry(DynamoDBDocumentClient.from(dynamoDbClient(endpoints)), tableName);
}

export interface CallbackServicesOptions extends CallbackEndpoints {
  config: SweeperConfig;
  /** Epoch ms for ages; pass the local Connect's clock when it is not the wall clock. */
  now?: () => number;
  /** Real time a sweep may run before it stops picking candidates. @default 10 minutes */
  sweepTimeBudgetMs?: number;
}

/** The tracker and the sweeper wired to their clients, for the local runner, tests and benchmarks. */
export interface CallbackServices {
  readonly registry: CallbackRegistry;
  readonly connect: ConnectClient;
  /** The sweeper's clients: reads, the one-attempt stop client and their shared rate limiter. */
  readonly clients: SweepConnect;
  /** Creates the registry table when it does not exist (dynalite, a fresh account). */
  ensureTable(): Promise<void>;
  /** What the tracker Lambda does with one contact event. */
  track(event: unknown): Promise<TrackResult>;
  /** What the sweeper Lambda does on its schedule, or with a manual run's overrides. */
  sweep(overrides?: SweepOverrides): Promise<SweepReport>;
}

/**
 * Builds the callback tracker and sweeper outside Lambda. The local runner (`npm start`) calls
 * it with the local Connect's and dynalite's endpoints and feeds `track` from the local Connect's
 * events; each `sweep` is one scheduled run.
 */
export function createCallbackServices(options: CallbackServicesOptions): CallbackServices {
  const { config } = options;
  const clients = createSweeperConnect(config, options);
  const registry = createRegistry(config.tableName, options);
  const hashPhoneNumber = config.phoneHashSalt
    ? createPhoneHasher(config.phoneHashSalt)
    : undefined;
  const budgetMs = options.sweepTimeBudgetMs ?? 10 * 60_000;
  return {
    registry,
    connect: clients.connect,
    clients,
    async ensureTable() {
      const dynamo = dynamoDbClient(options);
      try {
        await dynamo.send(new CreateTableCommand(callbackTableCreateInput(config.tableName)));
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      } finally {
        dynamo.destroy();
      }
    },
    track: (event) => trackCallbackEvent(registry, event),
    sweep(overrides = {}) {
      const deadline = Date.now() + budgetMs;
      return sweepStuckCallbacks(
        {
          ...clients,
          registry,
          ...(options.now ? { now: options.now } : {}),
          ...(hashPhoneNumber ? { hashPhoneNumber } : {}),
        },
        applyOverrides(config.settings, overrides),
        sweepOptions(config, { timeLeftMs: () => deadline - Date.now() }),
      );
    },
  };
}
