import { beforeAll, describe, expect, it } from 'vitest';
import { readSweeperConfig, sweepOptions } from '../../lambdas/core/sweeper/config.js';
import { createRegistry, createSweepConnect } from '../../lambdas/core/sweeper/deps.js';
import { sweepStuckCallbacks } from '../../lambdas/core/sweeper/run.js';
import type { StopTurns } from '../../lambdas/core/sweeper/stop-pacer.js';
import {
  allSeededStates,
  type CallbackWorld,
  contactsOf,
  hour,
  queuedIn,
  type SeededCallback,
  type SeededState,
  seedCallbacks,
  seedInstance,
  seedRegistry,
  stoppedByApi,
} from '../support/callback-world.js';
import { useCallbackWorld } from '../support/use-callback-world.js';

/** 1,050 callbacks: every state, interleaved, 150 of each. */
const mixedStates: SeededState[] = Array.from(
  { length: 1_050 },
  (_, i) => allSeededStates[i % allSeededStates.length] as SeededState,
);

const mutatingOperations = new Set(['StopContact', 'TagContact', 'UpdateContactAttributes']);

function idsIn(seeded: SeededCallback[], ...states: SeededState[]): string[] {
  return seeded
    .filter((c) => states.includes(c.state))
    .map((c) => c.contactId)
    .sort();
}

describe('the sweeper against the local Amazon Connect and dynalite', () => {
  const world = useCallbackWorld();

  it('in report mode makes zero mutating calls and leaves the registry as it was', async () => {
    const { instance, queue, deniedQueue, agent } = seedInstance(world, 'report');
    const seeded = await seedCallbacks(world, {
      instanceId: instance.id,
      queueId: queue.id,
      deniedQueueId: deniedQueue.id,
      agentId: agent.id,
      states: mixedStates.slice(0, 140),
      prefix: 'report',
    });
    const registryBefore = await queuedIn(world, instance.id);
    const services = world.services(instance.id, {
      SWEEP_MODE: 'report',
      QUEUE_DENY_LIST: deniedQueue.id,
    });
    world.connect.clearRequestLog();

    const report = await services.sweep();

    const operations = world.connect.requestLog().map((entry) => entry.operation);
    expect(operations.filter((op) => mutatingOperations.has(op))).toEqual([]);
    expect(new Set(operations)).toEqual(
      new Set(['SearchContacts', 'DescribeContact', 'GetCurrentMetricData']),
    );
    expect(report.counts.wouldEnd).toBe(idsIn(seeded, 'stuck').length);
    expect(
      report.decisions
        .filter((d) => d.decision === 'would-end')
        .map((d) => d.contactId)
        .sort(),
    ).toEqual(idsIn(seeded, 'stuck'));
    expect(await queuedIn(world, instance.id)).toEqual(registryBefore);
    expect(stoppedByApi(world, instance.id)).toEqual([]);
  });

  describe('with 1,050 callbacks of mixed states and ages in mode end', () => {
    let seeded: SeededCallback[];
    let instanceId: string;
    let firstRun: Awaited<ReturnType<ReturnType<CallbackWorld['services']>['sweep']>>;
    let sweep: () => typeof firstRun extends never ? never : Promise<typeof firstRun>;

    beforeAll(async () => {
      const { instance, queue, deniedQueue, agent } = seedInstance(world, 'mixed');
      instanceId = instance.id;
      seeded = await seedCallbacks(world, {
        instanceId,
        queueId: queue.id,
        deniedQueueId: deniedQueue.id,
        agentId: agent.id,
        states: mixedStates,
        prefix: 'mixed',
      });
      const services = world.services(instanceId, {
        SWEEP_MODE: 'end',
        QUEUE_DENY_LIST: deniedQueue.id,
      });
      sweep = () => services.sweep();
      firstRun = await sweep();
    });

    it('ends exactly the eligible callbacks and never an ineligible one', () => {
      expect(seeded).toHaveLength(1_050);
      expect(stoppedByApi(world, instanceId)).toEqual(idsIn(seeded, 'stuck'));
      expect(firstRun.counts).toMatchObject({
        // Recent callbacks are younger than the cutoff: the index query never returns them.
        candidates: 900,
        ended: 150,
        // Disconnected ones; those DescribeContact cannot find stay, skipped as not-found.
        alreadyGone: 150,
        failed: 0,
        throttled: 0,
        skipped: {
          'not-found': 150,
          'connected-to-agent': 150,
          'not-callback': 150,
          'queue-denied': 150,
        },
      });
    });

    it('tags every callback it ended with who ended it and why', () => {
      const contacts = contactsOf(world, instanceId);
      for (const id of idsIn(seeded, 'stuck')) {
        expect(contacts.get(id)?.tags).toEqual({
          EndedBy: 'callback-sweeper',
          EndReason: 'queued-too-long',
        });
      }
      for (const id of idsIn(seeded, 'recent', 'with-agent', 'denied-queue')) {
        expect(contacts.get(id)?.tags).toEqual({});
      }
    });

    it('keeps in the registry exactly the callbacks not ended and not seen leaving the queue', async () => {
      const remaining = (await queuedIn(world, instanceId)).map((c) => c.contactId).sort();

      // Not found is ambiguous (a wrong instance or Region looks the same): the TTL removes those.
      expect(remaining).toEqual(idsIn(seeded, 'recent', 'denied-queue', 'gone'));
    });

    it('changes nothing when run again', async () => {
      const before = contactsOf(world, instanceId);
      world.connect.clearRequestLog();

      const again = await sweep();

      expect(again.counts).toMatchObject({ ended: 0, alreadyGone: 0, failed: 0, throttled: 0 });
      expect(
        world.connect.requestLog().filter((entry) => mutatingOperations.has(entry.operation)),
      ).toEqual([]);
      expect(contactsOf(world, instanceId)).toEqual(before);
    });
  });

  it('with the duplicates policy, keeps the oldest callback per number and queue and ends the rest', async () => {
    const { instance, queue } = seedInstance(world, 'duplicates');
    const now = world.connect.clock.now();
    const callbacks = [
      { id: 'dup-oldest', phone: '+15550100', age: 5 },
      { id: 'dup-second', phone: '+15550100', age: 3 },
      { id: 'dup-third', phone: '+15550100', age: 1 },
      { id: 'dup-other-number', phone: '+15550199', age: 2 },
    ];
    for (const c of callbacks) {
      world.connect.seed.contact(instance.id, {
        id: c.id,
        channel: 'VOICE',
        initiationMethod: 'CALLBACK',
        queueId: queue.id,
        enqueuedAt: now - c.age * hour,
        customerPhoneNumber: c.phone,
      });
    }
    await seedRegistry(
      world.dynamo,
      callbacks.map((c) => ({
        kind: 'queued' as const,
        contactId: c.id,
        instanceId: instance.id,
        queueId: queue.id,
        enqueuedAtMs: now - c.age * hour,
        eventAtMs: now - c.age * hour,
      })),
    );
    const services = world.services(instance.id, {
      SWEEP_MODE: 'end',
      DUPLICATES_POLICY: 'keep-oldest',
      PHONE_HASH_SALT: 'integration-test-salt',
    });

    const report = await services.sweep();

    expect(stoppedByApi(world, instance.id)).toEqual(['dup-second', 'dup-third']);
    expect(contactsOf(world, instance.id).get('dup-third')?.tags).toEqual({
      EndedBy: 'callback-sweeper',
      EndReason: 'duplicate',
    });
    // The numbers are E.164: a '+' occurs in no UUID, timestamp or count, so any match is a leak.
    expect(JSON.stringify(report)).not.toContain('+1555');
  });

  it('with 20% injected 5xx and throttles, is delayed but never wrong', async () => {
    const { instance, queue, deniedQueue, agent } = seedInstance(world, 'faulty');
    const seeded = await seedCallbacks(world, {
      instanceId: instance.id,
      queueId: queue.id,
      deniedQueueId: deniedQueue.id,
      agentId: agent.id,
      states: mixedStates.slice(0, 280),
      prefix: 'faulty',
    });
    const services = world.services(instance.id, {
      SWEEP_MODE: 'end',
      QUEUE_DENY_LIST: deniedQueue.id,
      CONNECT_MAX_ATTEMPTS: '2',
    });
    for (const operation of ['DescribeContact', 'TagContact', 'StopContact'] as const) {
      world.connect.faults.set(operation, { errorRate: 0.1, throttleRate: 0.1 });
    }
    const eligible = idsIn(seeded, 'stuck');
    const runs = [];
    try {
      for (let run = 0; run < 10; run++) {
        const report = await services.sweep();
        runs.push(report.counts);
        const stopped = stoppedByApi(world, instance.id);
        // After every run, whatever was stopped was eligible.
        expect(stopped.filter((id) => !eligible.includes(id))).toEqual([]);
        if (
          stopped.length === eligible.length &&
          report.counts.failed + report.counts.throttled === 0
        ) {
          break;
        }
      }
    } finally {
      world.connect.faults.clear();
    }

    expect(runs[0]?.failed ?? 0).toBeGreaterThan(0);
    expect(stoppedByApi(world, instance.id)).toEqual(eligible);
    const remaining = (await queuedIn(world, instance.id)).map((c) => c.contactId).sort();
    expect(remaining).toEqual(idsIn(seeded, 'recent', 'denied-queue', 'gone'));
  });

  it('does not hang up on a callback an agent picks up while its StopContact waits for its rate', async () => {
    const { instance, queue, agent } = seedInstance(world, 'pickup');
    const enqueuedAt = world.connect.clock.now() - 30 * hour;
    world.connect.seed.contact(instance.id, {
      id: 'pickup-1',
      channel: 'VOICE',
      initiationMethod: 'CALLBACK',
      queueId: queue.id,
      enqueuedAt,
      customerPhoneNumber: '+15550111',
    });
    await seedRegistry(world.dynamo, [
      {
        kind: 'queued',
        contactId: 'pickup-1',
        instanceId: instance.id,
        queueId: queue.id,
        enqueuedAtMs: enqueuedAt,
        eventAtMs: enqueuedAt,
      },
    ]);
    const environment = {
      CONNECT_INSTANCE_IDS: instance.id,
      CALLBACK_TABLE_NAME: world.dynamo.tableName,
      SWEEP_MODE: 'end',
      TAG_ENDED_CONTACTS: 'false',
      RECONCILE: 'false',
      DISCOVER_CALLBACKS: 'false',
    };
    const config = readSweeperConfig(environment);
    const endpoints = world.endpointsFor('callback-sweeper', environment);
    await endpoints.ready();
    const clients = createSweepConnect(config, {
      ...endpoints.clientConfig,
      endpoint: endpoints.connectEndpoint,
    });
    // An agent takes the callback while its StopContact waits for its turn at the rate.
    const pacer = clients.stopPacer;
    if (!pacer) throw new Error('the sweeper paces its stops');
    const stopPacer: StopTurns = {
      turn: (turn, signal) =>
        pacer.turn((sent) => {
          world.connect.actions.connectToAgent(instance.id, 'pickup-1', agent.id);
          return turn(sent);
        }, signal),
    };
    world.connect.clearRequestLog();

    const report = await sweepStuckCallbacks(
      {
        ...clients,
        stopPacer,
        registry: createRegistry(world.dynamo.tableName, endpoints),
        now: () => world.connect.clock.now(),
      },
      config.settings,
      sweepOptions(config, { timeLeftMs: () => 60_000 }),
    );
    clients.connect.destroy();
    clients.stopClient.destroy();

    const operations = world.connect.requestLog().map((entry) => entry.operation);
    expect(operations.at(-1)).toBe('DescribeContact');
    expect(operations).not.toContain('StopContact');
    expect(report.decisions).toMatchObject([
      { contactId: 'pickup-1', decision: 'skipped', reason: 'connected-to-agent' },
    ]);
    expect(contactsOf(world, instance.id).get('pickup-1')?.disconnectReason).toBeUndefined();
    expect(await queuedIn(world, instance.id)).toEqual([]);
  });
});
