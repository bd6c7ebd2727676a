import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  ResourceInUseException,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  createSweeperHandler,
  type SweeperResult,
} from '../lambdas/callback-sweeper/callback-sweeper.js';
import { createTrackerHandler } from '../lambdas/callback-tracker/callback-tracker.js';
import { createMetrics } from '../lambdas/core/observability.js';
import { callbackTable, callbackTableCreateInput } from '../lambdas/core/registry/table.js';
import type { SweeperConfig } from '../lambdas/core/sweeper/config.js';
import {
  type CallbackEndpoints,
  createRegistry,
  createSweepDeps,
} from '../lambdas/core/sweeper/deps.js';
import { buildContactEvent } from './connect/events.js';
import type { Contact, LocalConnect } from './connect/index.js';
import { startDynalite } from './dynalite.js';
import { startDynamoDbGuard } from './iam/dynamodb-guard.js';
import type { LocalIam, StackIdentities } from './iam/local-iam.js';
import { type LocalLambdaHandler, lambdaContext } from './lambda-runtime.js';

export interface LocalCallbacks {
  readonly dynamoDbEndpoint: string;
  /** Invokes the sweeper Lambda's handler with a scheduled event or a manual run's overrides. */
  sweep(event: unknown): Promise<SweeperResult>;
  /** Resolves once every contact event so far has reached the tracker. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The tracker and the sweeper (report mode) of the swept instances (`config.settings.instanceIds`),
 * on dynalite: their contact events go to the tracker as the stack's EventBridge rule would
 * deliver them (other instances' events are not), and the callbacks queued before the tracker ran
 * (at start, and after every reset of the local Connect) are handed to it as QUEUED events.
 */
export async function startLocalCallbacks(
  connect: LocalConnect,
  { iam, stack }: { iam: LocalIam; stack: StackIdentities },
  config: SweeperConfig,
): Promise<LocalCallbacks> {
  const dynamo = await startDynalite();
  // DynamoDB as AWS answers it: each call checked against its caller's role first.
  const guard = await startDynamoDbGuard({ target: dynamo.endpoint, iam, region: connect.region });
  const endpointsOf = (service: 'callback-tracker' | 'callback-sweeper'): CallbackEndpoints => ({
    connectEndpoint: connect.endpoint,
    dynamoDbEndpoint: guard.endpoint,
    clientConfig: { region: connect.region, credentials: stack.credentialsFor(service) },
  });
  // Making and emptying the table is the deployment's and the runner's work, not a function's.
  const table = new DynamoDBClient({
    region: connect.region,
    credentials: iam.adminCredentials,
    endpoint: guard.endpoint,
  });
  await ensureTable(table, config.values.callbackTableName);
  const now = () => connect.clock.now();
  const deps = createSweepDeps(config, endpointsOf('callback-sweeper'), now);
  const trackerRegistry = createRegistry(
    config.values.callbackTableName,
    endpointsOf('callback-tracker'),
  );
  const tracker = createTrackerHandler(trackerRegistry) as unknown as LocalLambdaHandler;
  const sweeper = createSweeperHandler({
    config,
    deps,
    metrics: createMetrics('callback-sweeper'),
  }) as unknown as LocalLambdaHandler;

  let pending = Promise.resolve();
  const track = (event: unknown) => {
    // One at a time, in delivery order, as a tracker with reserved concurrency 1 would see them.
    pending = pending.then(
      () =>
        tracker(event as never, lambdaContext('callback-tracker', 10_000)).then(() => undefined),
      () => undefined,
    );
  };
  const swept = new Set(config.settings.instanceIds);
  const arnOf = (instanceId: string) =>
    `arn:aws:connect:${connect.region}:${connect.accountId}:instance/${instanceId}`;
  const trackQueuedCallbacks = async () => {
    for (const contact of queuedCallbacks(connect)) {
      if (!swept.has(contact.instanceId)) continue;
      track(
        buildContactEvent('QUEUED', contact, {
          region: connect.region,
          accountId: connect.accountId,
          instanceArn: arnOf(contact.instanceId),
          nowMs: connect.clock.now(),
        }),
      );
    }
    await pending;
  };
  // The stack's rule matches `detail.instanceArn` against the swept instances' ARNs.
  const sweptArns = new Set([...swept].map(arnOf));
  const unsubscribe = connect.events.subscribe((event) => {
    if (sweptArns.has((event as { detail?: { instanceArn?: string } }).detail?.instanceArn ?? '')) {
      track(event);
    }
  });
  // A reset local Connect gets a registry that matches it, so the sweeper agrees with the demo.
  const stopResetting = connect.onReset(async () => {
    await pending;
    await emptyTable(table, config.values.callbackTableName);
    await trackQueuedCallbacks();
  });
  await trackQueuedCallbacks();

  return {
    dynamoDbEndpoint: guard.endpoint,
    sweep: (event) =>
      sweeper(event as never, lambdaContext('callback-sweeper', 300_000)) as Promise<SweeperResult>,
    settled: async () => {
      await connect.events.flush();
      await pending;
    },
    close: async () => {
      stopResetting();
      unsubscribe();
      await pending;
      deps.connect.destroy();
      deps.stopClient.destroy();
      table.destroy();
      await guard.close();
      await dynamo.close();
    },
  };
}

/** Callbacks the local Connect shows waiting in a queue. */
function queuedCallbacks(connect: LocalConnect): Contact[] {
  const state = connect.state() as { instances: { contacts: Contact[] }[] };
  return state.instances
    .flatMap((instance) => instance.contacts)
    .filter(
      (contact) =>
        contact.initiationMethod === 'CALLBACK' &&
        contact.enqueuedAt !== undefined &&
        contact.connectedToAgentAt === undefined &&
        contact.disconnectedAt === undefined,
    );
}

/** Creates the registry table when it does not exist (dynalite starts empty). */
async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(callbackTableCreateInput(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** Deletes every item; the demo registry is small, so a Scan is fine. */
async function emptyTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const key = callbackTable.partitionKey.name;
  let startKey: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: '#key',
        ExpressionAttributeNames: { '#key': key },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      await client.send(new DeleteItemCommand({ TableName: tableName, Key: item }));
    }
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
}
