import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { readSweeperConfig, sweepOptions } from '../../lambdas/core/sweeper/config.js';
import { createSweepDeps } from '../../lambdas/core/sweeper/deps.js';
import { sweepStuckCallbacks } from '../../lambdas/core/sweeper/run.js';
import type { RequestLogEntry } from '../../local/connect/index.js';
import {
  type CallbackWorld,
  contactsOf,
  hour,
  queuedEvent,
  queuedIn,
  seedCallbacks,
  seedInstance,
  seedRegistry,
  seedTrackedCallback,
  stoppedByApi,
} from '../support/callback-world.js';
import { useCallbackWorld } from '../support/use-callback-world.js';

// What docs/sweeper.md promises under "What the sweeper guarantees", one finding of issue 18 each.

const endMode = { SWEEP_MODE: 'end', RECONCILE: 'false', DISCOVER_CALLBACKS: 'false' };

async function entryOf(world: CallbackWorld, contactId: string) {
  const { Item } = await world.dynamo.documentClient.send(
    new GetCommand({ TableName: world.dynamo.tableName, Key: { contactId } }),
  );
  return Item;
}

/** Timer and loopback jitter between the sweeper's clock and the local Connect's. */
const jitterMs = 150;

/** The most requests of `operation` the local Connect received in any window of one second, less the jitter. */
function busiestSecond(log: readonly RequestLogEntry[], operation: string): number {
  const times = log
    .filter((entry) => entry.operation === operation)
    .map((entry) => entry.receivedAt)
    .sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while ((times[j] as number) - (times[i] as number) >= 1000 - jitterMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

const minute = 60_000;

/**
 * The scheduled sweeper with a time budget counted in looks, not in wall-clock time: a run's
 * budget is spent once the local Connect answered `looks` DescribeContact calls of that run. One
 * candidate at a time, so the budget is checked before each.
 */
async function lookBudgetSweeper(world: CallbackWorld, environment: Record<string, string>) {
  const env = {
    CALLBACK_TABLE_NAME: world.dynamo.tableName,
    SWEEP_CONCURRENCY: '1',
    ...environment,
  };
  const config = readSweeperConfig(env);
  const endpoints = world.endpointsFor('callback-sweeper', env);
  await endpoints.ready();
  const deps = createSweepDeps(config, endpoints, () => world.connect.clock.now());
  const described = () =>
    world.connect.requestLog().filter((entry) => entry.operation === 'DescribeContact').length;
  return {
    sweep(looks: number) {
      world.connect.clearRequestLog();
      return sweepStuckCallbacks(
        deps,
        config.settings,
        sweepOptions(config, { timeLeftMs: () => (described() < looks ? 60_000 : 0) }),
      );
    },
    close() {
      deps.connect.destroy();
      deps.stopClient.destroy();
    },
  };
}

describe('what the sweeper guarantees', () => {
  const world = useCallbackWorld();

  it('finding 10: ends the queued leg of a customer-first callback queued too long, as queued too long', async () => {
    const { instance, queue } = seedInstance(world, 'customer-first');
    const queuedLeg = world.connect.actions.queueCallback(instance.id, {
      queueId: queue.id,
      customerPhoneNumber: '+15550170',
      customerFirst: true,
    });
    const enqueuedAt = world.connect.clock.now();
    await seedRegistry(world.dynamo, [
      queuedEvent(queuedLeg.id, instance.id, queue.id, enqueuedAt),
    ]);
    world.connect.clock.advance(30 * hour);
    const services = world.services(instance.id, endMode);

    const report = await services.sweep();

    expect(report.decisions).toMatchObject([
      { contactId: queuedLeg.id, decision: 'ended', reason: 'queued-too-long' },
    ]);
    expect(stoppedByApi(world, instance.id)).toEqual([queuedLeg.id]);
    expect(contactsOf(world, instance.id).get(queuedLeg.id)?.tags.EndedBy).toBe('callback-sweeper');
    expect(await entryOf(world, queuedLeg.id)).toMatchObject({
      state: 'ENDED',
      endedBy: 'callback-sweeper',
    });
  });

  it("finding 6: sends no more stops in any second than StopContact's rate, however the looks before them finish", async () => {
    const { instance, queue, deniedQueue, agent } = seedInstance(world, 'stop-rate');
    await seedCallbacks(world, {
      instanceId: instance.id,
      queueId: queue.id,
      deniedQueueId: deniedQueue.id,
      agentId: agent.id,
      states: Array.from({ length: 8 }, () => 'stuck' as const),
      prefix: 'stop-rate',
    });
    const services = world.services(instance.id, { ...endMode, STOP_CONTACT_RPS: '2' });
    // Looks that take between 0 and 600 ms, so looks begun a second apart finish together.
    world.connect.faults.set('DescribeContact', { latencyJitterMs: 600 });
    world.connect.faults.set('GetContactMetrics', { latencyJitterMs: 300 });
    world.connect.clearRequestLog();

    const report = await services.sweep();
    world.connect.faults.clear();

    expect(report.counts).toMatchObject({ ended: 8, failed: 0 });
    expect(busiestSecond(world.connect.requestLog(), 'StopContact')).toBeLessThanOrEqual(2);
  });

  it('finding 8: repairs an end whose registry write failed from its intent on the next run', async () => {
    const { instance, contact } = await seedTrackedCallback(world, 'lost-write', '+15550180');
    const services = world.services(instance.id, endMode);
    const { registry } = services;
    registry.recordSweeperEnd = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const first = await services.sweep();
    Reflect.deleteProperty(registry, 'recordSweeperEnd');

    const second = await services.sweep();

    expect(first.counts).toMatchObject({ ended: 1, registryErrors: 1 });
    expect(stoppedByApi(world, instance.id)).toEqual([contact.id]);
    expect(second.decisions).toMatchObject([
      { contactId: contact.id, decision: 'already-gone', reason: 'ended-by-sweeper' },
    ]);
    expect(await entryOf(world, contact.id)).toMatchObject({
      state: 'ENDED',
      endedBy: 'callback-sweeper',
      endReason: 'queued-too-long',
      stoppedRunId: first.runId,
      stopIntentRunId: first.runId,
    });
  });

  it("finding 8: clears an earlier run's intent from a callback still queued, and decides it as any other", async () => {
    const { instance, queue } = seedInstance(world, 'stale-intent');
    const trackedAt = world.connect.clock.now() - 30 * hour;
    // Queued again two hours ago, after the registry last heard of it.
    const contact = world.connect.seed.contact(instance.id, {
      channel: 'VOICE',
      initiationMethod: 'CALLBACK',
      queueId: queue.id,
      enqueuedAt: world.connect.clock.now() - 2 * hour,
      customerPhoneNumber: '+15550181',
    });
    await seedRegistry(world.dynamo, [queuedEvent(contact.id, instance.id, queue.id, trackedAt)]);
    const [callback] = await queuedIn(world, instance.id);
    if (!callback) throw new Error('the callback was seeded');
    await world.dynamo.registry.recordStopIntent(callback, {
      runId: 'a-run-that-crashed',
      reason: 'queued-too-long',
      atMs: world.connect.clock.now() - hour,
    });
    const services = world.services(instance.id, endMode);

    const report = await services.sweep();

    expect(report.decisions).toMatchObject([
      { contactId: contact.id, decision: 'skipped', reason: 'queued-recently' },
    ]);
    expect(stoppedByApi(world, instance.id)).toEqual([]);
    const entry = await entryOf(world, contact.id);
    expect(entry).toMatchObject({ state: 'QUEUED' });
    expect(entry?.stopIntentRunId).toBeUndefined();
  });

  it("finding 5: ends the second instance's old callback when the first always fills the stop cap", async () => {
    const first = seedInstance(world, 'fair-a');
    const second = seedInstance(world, 'fair-b');
    for (const [{ instance, queue, deniedQueue, agent }, count, prefix] of [
      [first, 6, 'fair-a'],
      [second, 1, 'fair-b'],
    ] as const) {
      await seedCallbacks(world, {
        instanceId: instance.id,
        queueId: queue.id,
        deniedQueueId: deniedQueue.id,
        agentId: agent.id,
        states: Array.from({ length: count }, () => 'stuck' as const),
        prefix,
      });
    }
    const services = world.services(first.instance.id, {
      ...endMode,
      CONNECT_INSTANCE_IDS: `${first.instance.id},${second.instance.id}`,
      MAX_STOPS_PER_RUN: '3',
    });

    const report = await services.sweep();

    expect(report.counts.ended).toBe(3);
    expect(stoppedByApi(world, second.instance.id)).toHaveLength(1);
    expect(stoppedByApi(world, first.instance.id)).toHaveLength(2);
  });

  it('finding 5: reaches the second instance within the time budget when forty re-queued callbacks are skipped every run', async () => {
    const first = seedInstance(world, 'requeued-a');
    const second = seedInstance(world, 'requeued-b');
    const now = world.connect.clock.now();
    // Forty callbacks an agent was offered, then re-queued, days ago: still waiting, agent fields kept.
    const requeued = Array.from({ length: 40 }, (_, i) => {
      const enqueuedAt = now - (72 - i) * hour;
      world.connect.seed.contact(first.instance.id, {
        id: `requeued-${i}`,
        channel: 'VOICE',
        initiationMethod: 'CALLBACK',
        queueId: first.queue.id,
        agentId: first.agent.id,
        ringStartAt: enqueuedAt - hour,
        enqueuedAt,
        customerPhoneNumber: `+1555020${String(i).padStart(4, '0')}`,
      });
      return queuedEvent(`requeued-${i}`, first.instance.id, first.queue.id, enqueuedAt);
    });
    const stuck = world.connect.seed.contact(second.instance.id, {
      channel: 'VOICE',
      initiationMethod: 'CALLBACK',
      queueId: second.queue.id,
      enqueuedAt: now - 48 * hour,
      customerPhoneNumber: '+15550290',
    });
    await seedRegistry(world.dynamo, [
      ...requeued,
      queuedEvent(stuck.id, second.instance.id, second.queue.id, now - 48 * hour),
    ]);
    const environment = {
      ...endMode,
      CONNECT_INSTANCE_IDS: `${first.instance.id},${second.instance.id}`,
    };
    // Every 15 minutes, as the schedule runs, with a time budget of one look: the smallest, where
    // taking turns alone always spends it on the first instance's oldest callback.
    const sweeper = await lookBudgetSweeper(world, environment);
    const describedAt = new Map<string, number[]>();
    const endedInRun: number[] = [];
    for (let run = 1; run <= 8; run++) {
      const report = await sweeper.sweep(1);
      for (const entry of world.connect.requestLog()) {
        if (entry.operation !== 'DescribeContact' || !entry.contactId?.startsWith('requeued-')) {
          continue;
        }
        const times = describedAt.get(entry.contactId) ?? [];
        describedAt.set(entry.contactId, [...times, world.connect.clock.now()]);
      }
      if (report.decisions.some((d) => d.contactId === stuck.id && d.decision === 'ended')) {
        endedInRun.push(run);
      }
      world.connect.clock.advance(15 * minute);
    }
    sweeper.close();

    expect(endedInRun).toEqual([2]);
    expect(stoppedByApi(world, second.instance.id)).toEqual([stuck.id]);
    expect(stoppedByApi(world, first.instance.id)).toEqual([]);
    expect(describedAt.size).toBeGreaterThan(1);
    // Described at most once per back-off interval: 30 minutes after the first skip, doubling.
    for (const [contactId, times] of describedAt) {
      const gaps = times.slice(1).map((at, i) => at - (times[i] as number));
      expect(
        gaps.every((gap) => gap >= 30 * minute),
        `${contactId}: ${gaps}`,
      ).toBe(true);
      expect(
        gaps.every((gap, i) => i === 0 || gap >= (gaps[i - 1] as number)),
        `${contactId}: ${gaps}`,
      ).toBe(true);
    }
  });

  it("finding 5: ends the second rule's old callback when the first rule always fills the stop cap", async () => {
    // The instance's second queue serves as billing: no deny list is configured here.
    const { instance, queue: claims, deniedQueue: billing, agent } = seedInstance(world, 'rules');
    // Six claims callbacks past their rule's day, all older than the billing one past its 2 hours.
    await seedCallbacks(world, {
      instanceId: instance.id,
      queueId: claims.id,
      deniedQueueId: billing.id,
      agentId: agent.id,
      states: Array.from({ length: 6 }, () => 'stuck' as const),
      prefix: 'rules-claims',
    });
    const enqueuedAt = world.connect.clock.now() - 3 * hour;
    const overdue = world.connect.seed.contact(instance.id, {
      channel: 'VOICE',
      initiationMethod: 'CALLBACK',
      queueId: billing.id,
      enqueuedAt,
      customerPhoneNumber: '+15550291',
    });
    await seedRegistry(world.dynamo, [
      queuedEvent(overdue.id, instance.id, billing.id, enqueuedAt),
    ]);
    const services = world.services(instance.id, {
      ...endMode,
      MAX_STOPS_PER_RUN: '3',
      SWEEP_POLICIES: JSON.stringify([
        { name: 'claims', queues: [claims.id], maxQueuedAge: '24h' },
        { name: 'billing', queues: [billing.id], maxQueuedAge: '2h' },
      ]),
    });

    const report = await services.sweep();

    expect(report.counts.ended).toBe(3);
    expect(report.rules?.map((rule) => [rule.name, rule.counts.ended])).toEqual([
      ['claims', 2],
      ['billing', 1],
    ]);
    expect(stoppedByApi(world, instance.id)).toContain(overdue.id);
  });
});
