import { Metrics } from '@aws-lambda-powertools/metrics';
import type { ConnectClient } from '@aws-sdk/client-connect';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { createSweeperHandler } from '../../lambdas/callback-sweeper/callback-sweeper.js';
import { createTrackerHandler } from '../../lambdas/callback-tracker/callback-tracker.js';
import type { CallbackEvent } from '../../lambdas/core/registry/events.js';
import {
  type CallbackRegistry,
  type QueuedCallback,
  registryItem,
} from '../../lambdas/core/registry/registry.js';
import type { TrackResult } from '../../lambdas/core/registry/tracker.js';
import { metricsNamespace } from '../../lambdas/core/settings/table.js';
import { readSweeperConfig } from '../../lambdas/core/sweeper/config.js';
import {
  type CallbackEndpoints,
  createRegistry,
  createSweepDeps,
} from '../../lambdas/core/sweeper/deps.js';
import type { SweepReport } from '../../lambdas/core/sweeper/report.js';
import { type Contact, type LocalConnect, startLocalConnect } from '../../local/connect/index.js';
import { startDynamoDbGuard } from '../../local/iam/dynamodb-guard.js';
import { LocalIam, localStackRoles, type StackIdentities } from '../../local/iam/local-iam.js';
import { lambdaContext } from '../../local/lambda-runtime.js';
import { type LocalDynamo, startDynalite } from './dynalite.js';

export const hour = 3_600_000;
export const clockStart = new Date('2026-11-22T12:00:00.000Z');

/** States a seeded callback can be in, from the sweeper's point of view. */
export type SeededState =
  | 'stuck'
  | 'recent'
  | 'with-agent'
  | 'disconnected'
  | 'gone'
  | 'not-callback'
  | 'denied-queue';

export const allSeededStates: readonly SeededState[] = [
  'stuck',
  'recent',
  'with-agent',
  'disconnected',
  'gone',
  'not-callback',
  'denied-queue',
];

/** The tracker and sweeper Lambdas' own factories and wiring, over the world's endpoints. */
export interface CallbackServices {
  readonly registry: CallbackRegistry;
  readonly connect: ConnectClient;
  /** One contact event, as EventBridge invokes the tracker. */
  track(event: unknown): Promise<TrackResult>;
  /** One run, as the schedule invokes the sweeper, or a manual run with these overrides. */
  sweep(overrides?: Record<string, unknown>): Promise<SweepReport>;
}

const scheduledEvent = { 'detail-type': 'Scheduled Event', source: 'aws.events' };

/** The local Amazon Connect and dynalite, with the tracker and sweeper wired to both over HTTP. */
export interface CallbackWorld {
  connect: LocalConnect;
  /** dynalite, for the test's own reads and seeding (the functions reach it through local IAM). */
  dynamo: LocalDynamo;
  /** Every function's calls checked against its role, as synthesized for its settings. */
  iam: LocalIam;
  close(): Promise<void>;
  /** Services for one instance, with the given environment on top of fast test defaults. */
  services(instanceId: string, env?: Record<string, string>): CallbackServices;
  /**
   * Where one function's clients point and as whom, for a stack synthesized with this
   * environment (the sweeper's settings): its calls go through local IAM as its role.
   * `ready` resolves once the stack is synthesized, which is its deployment, not a call's time.
   */
  endpointsFor(
    service: 'callback-sweeper' | 'callback-tracker',
    environment: Record<string, string>,
  ): Required<CallbackEndpoints> & { ready(): Promise<unknown> };
}

export async function startCallbackWorld(
  options: { quotas?: boolean; seed?: number } = {},
): Promise<CallbackWorld> {
  const iam = new LocalIam({ accountId: '123456789012' });
  const connect = await startLocalConnect({
    quotas: options.quotas ?? false,
    clockStart,
    freezeClock: true,
    seed: options.seed ?? 7,
    accountId: iam.accountId,
    authorize: ({ accessKeyId, action, resources }) =>
      iam.authorize(accessKeyId, action, resources),
  });
  const dynamo = await startDynalite();
  const guard = await startDynamoDbGuard({ target: dynamo.endpoint, iam, region: connect.region });
  const clients: { destroy(): void }[] = [];
  const stackFor = (environment: Record<string, string>) =>
    iam.addStack(
      localStackRoles({
        instanceIds: (environment.CONNECT_INSTANCE_IDS ?? '').split(',').filter(Boolean),
        names: { region: connect.region, accountId: iam.accountId, tableName: dynamo.tableName },
      }),
    );
  const endpointsIn = (stack: StackIdentities, service: string) => ({
    connectEndpoint: connect.endpoint,
    dynamoDbEndpoint: guard.endpoint,
    clientConfig: { region: connect.region, credentials: stack.credentialsFor(service) },
    ready: () => stack.roles(),
  });
  return {
    connect,
    dynamo,
    iam,
    endpointsFor: (service, environment) => endpointsIn(stackFor(environment), service),
    services(instanceId, env = {}) {
      const environment = {
        CONNECT_INSTANCE_IDS: instanceId,
        CALLBACK_TABLE_NAME: dynamo.tableName,
        DESCRIBE_CONTACT_RPS: '1000',
        STOP_CONTACT_RPS: '1000',
        TAG_CONTACT_RPS: '1000',
        GET_CURRENT_METRIC_DATA_RPS: '1000',
        GET_CONTACT_METRICS_RPS: '1000',
        SEARCH_CONTACTS_RPS: '1000',
        SWEEP_CONCURRENCY: '16',
        MAX_STOPS_PER_RUN: '100000',
        MAX_DECISIONS_IN_REPORT: '10000',
        CONNECT_MAX_ATTEMPTS: '3',
        ...env,
      };
      const config = readSweeperConfig(environment);
      // The functions run as the roles `cdk synth -c local=true` grants with these settings.
      const stack = stackFor(environment);
      const endpointsOf = (service: string) => endpointsIn(stack, service);
      const deps = createSweepDeps(config, endpointsOf('callback-sweeper'), () =>
        connect.clock.now(),
      );
      const sweeper = createSweeperHandler({
        config,
        deps,
        metrics: new Metrics({ namespace: metricsNamespace, serviceName: 'callback-sweeper' }),
      });
      const tracker = createTrackerHandler(
        createRegistry(dynamo.tableName, endpointsOf('callback-tracker')),
      );
      const services: CallbackServices = {
        registry: deps.registry,
        connect: deps.connect,
        // Synthesis of the stack is its deployment, not part of an invocation's time.
        track: async (event) => {
          await stack.roles();
          return tracker(event as never, lambdaContext('callback-tracker', 10_000));
        },
        async sweep(overrides?: Record<string, unknown>) {
          await stack.roles();
          // A generous Lambda timeout: the tests measure behaviour, not the time budget.
          const result = await sweeper(
            overrides ?? scheduledEvent,
            lambdaContext('callback-sweeper', 600_000),
          );
          if ('error' in result) throw new Error(`sweep refused: ${result.message}`);
          return result;
        },
      };
      clients.push(deps.connect, deps.stopClient);
      return services;
    },
    async close() {
      for (const client of clients) client.destroy();
      await connect.close();
      await guard.close();
      await dynamo.close();
    },
  };
}

export interface SeededCallback {
  contactId: string;
  state: SeededState;
  queueId: string;
  enqueuedAt: number;
}

/**
 * Places callbacks in the local Connect silently, in the given states, and records each in the
 * registry as the tracker would have on its QUEUED event. `gone` ones exist only in the registry.
 */
export async function seedCallbacks(
  world: CallbackWorld,
  input: {
    instanceId: string;
    queueId: string;
    deniedQueueId: string;
    agentId: string;
    states: readonly SeededState[];
    prefix: string;
  },
): Promise<SeededCallback[]> {
  const now = world.connect.clock.now();
  const seeded = input.states.map((state, i): SeededCallback => {
    // Ages spread over hours; stuck ones are all past 24 h, recent ones all under it.
    const enqueuedAt =
      state === 'recent' ? now - (1 + (i % 20)) * hour : now - (25 + (i % 200)) * hour;
    const queueId = state === 'denied-queue' ? input.deniedQueueId : input.queueId;
    return { contactId: `${input.prefix}-${state}-${i}`, state, queueId, enqueuedAt };
  });
  for (const [i, c] of seeded.entries()) {
    if (c.state === 'gone') continue;
    world.connect.seed.contact(input.instanceId, {
      id: c.contactId,
      channel: 'VOICE',
      initiationMethod: c.state === 'not-callback' ? 'INBOUND' : 'CALLBACK',
      queueId: c.queueId,
      enqueuedAt: c.enqueuedAt,
      customerPhoneNumber: `+1555${String(i).padStart(7, '0')}`,
      ...(c.state === 'with-agent'
        ? { agentId: input.agentId, connectedToAgentAt: c.enqueuedAt + hour }
        : {}),
      ...(c.state === 'disconnected' ? { disconnectedAt: c.enqueuedAt + hour } : {}),
    });
  }
  await seedRegistry(
    world.dynamo,
    seeded.map((c) => ({
      kind: 'queued',
      contactId: c.contactId,
      instanceId: input.instanceId,
      queueId: c.queueId,
      enqueuedAtMs: c.enqueuedAt,
      eventAtMs: c.enqueuedAt,
    })),
  );
  return seeded;
}

/**
 * Writes what the tracker would have written for these events, 25 items a request: dynalite
 * takes a few ms per request, so one conditional put per item would dominate the tests.
 */
export async function seedRegistry(
  dynamo: Pick<LocalDynamo, 'documentClient' | 'tableName'>,
  events: readonly CallbackEvent[],
): Promise<void> {
  const limit = pLimit(4);
  const batches: CallbackEvent[][] = [];
  for (let i = 0; i < events.length; i += 25) batches.push(events.slice(i, i + 25));
  await Promise.all(
    batches.map((batch) =>
      limit(async () => {
        let requests = batch.map((event) => ({ PutRequest: { Item: registryItem(event) } }));
        while (requests.length > 0) {
          const result = await dynamo.documentClient.send(
            new BatchWriteCommand({ RequestItems: { [dynamo.tableName]: requests } }),
          );
          requests = (result.UnprocessedItems?.[dynamo.tableName] ?? []) as typeof requests;
        }
      }),
    ),
  );
}

/** The contacts of one instance as the local Connect holds them now. */
export function contactsOf(
  world: Pick<CallbackWorld, 'connect'>,
  instanceId: string,
): Map<string, Contact> {
  const state = world.connect.state() as { instances: { id: string; contacts: Contact[] }[] };
  const instance = state.instances.find((i) => i.id === instanceId);
  return new Map((instance?.contacts ?? []).map((c) => [c.id, c]));
}

/** IDs of the contacts the sweeper stopped, from each contact's history (a stopped voice contact records OTHER, not API). */
export function stoppedByApi(world: Pick<CallbackWorld, 'connect'>, instanceId: string): string[] {
  return [...contactsOf(world, instanceId).values()]
    .filter((c) => c.history.some((entry) => entry.event === 'stopped-by-api'))
    .map((c) => c.id)
    .sort();
}

/** A fresh instance with a callback queue, a denied queue and an agent. */
export function seedInstance(world: CallbackWorld, name: string) {
  const { seed } = world.connect;
  const instance = seed.instance({ alias: name });
  const queue = seed.queue(instance.id, { name: `${name}-callbacks` });
  const deniedQueue = seed.queue(instance.id, { name: `${name}-vip` });
  const profile = seed.securityProfile(instance.id, { name: `${name}-agents`, permissions: [] });
  const agent = seed.user(instance.id, {
    username: `${name}-agent`,
    securityProfileIds: [profile.id],
  });
  return { instance, queue, deniedQueue, agent };
}

/** Every callback the registry's index holds for one instance, oldest first. */
export async function queuedIn(
  world: CallbackWorld,
  instanceId: string,
): Promise<QueuedCallback[]> {
  const found: QueuedCallback[] = [];
  for await (const page of world.dynamo.registry.queuedBefore(instanceId, Number.MAX_SAFE_INTEGER, {
    pageSize: 500,
  })) {
    found.push(...page);
  }
  return found;
}

/** The QUEUED event the tracker records for a callback enqueued at `atMs`. */
export function queuedEvent(
  contactId: string,
  instanceId: string,
  queueId: string,
  atMs: number,
): CallbackEvent {
  return { kind: 'queued', contactId, instanceId, queueId, enqueuedAtMs: atMs, eventAtMs: atMs };
}

/**
 * A fresh instance with one voice callback queued 30 hours ago, in Connect and in the registry as
 * the tracker would have recorded it: the simplest stuck callback.
 */
export async function seedTrackedCallback(
  world: CallbackWorld,
  name: string,
  customerPhoneNumber: string,
) {
  const { instance, queue } = seedInstance(world, name);
  const enqueuedAt = world.connect.clock.now() - 30 * hour;
  const contact = world.connect.seed.contact(instance.id, {
    channel: 'VOICE',
    initiationMethod: 'CALLBACK',
    queueId: queue.id,
    enqueuedAt,
    customerPhoneNumber,
  });
  await seedRegistry(world.dynamo, [queuedEvent(contact.id, instance.id, queue.id, enqueuedAt)]);
  return { instance, queue, contact };
}
