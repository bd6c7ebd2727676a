import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackResult } from '../../lambdas/core/registry/tracker.js';
import type { CallbackServices } from '../support/callback-world.js';
import {
  type CallbackWorld,
  contactsOf,
  hour,
  seedInstance,
  startCallbackWorld,
} from '../support/callback-world.js';

/** Callbacks the local Connect holds in a queue right now, by its own state. */
function queuedCallbacks(world: CallbackWorld, instanceId: string): string[] {
  return [...contactsOf(world, instanceId).values()]
    .filter(
      (c) =>
        c.initiationMethod === 'CALLBACK' &&
        c.enqueuedAt !== undefined &&
        c.connectedToAgentAt === undefined &&
        c.disconnectedAt === undefined,
    )
    .map((c) => c.id)
    .sort();
}

async function registryQueued(services: CallbackServices, instanceId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of services.registry.queuedBefore(instanceId, Number.MAX_SAFE_INTEGER, {
    pageSize: 100,
  })) {
    ids.push(...page.map((c) => c.contactId));
  }
  return ids.sort();
}

describe('the tracker fed by the local Amazon Connect', () => {
  let world: CallbackWorld;
  let unsubscribe: () => void;
  const tracked: Promise<TrackResult>[] = [];
  let route: ((event: unknown) => Promise<TrackResult>) | undefined;

  beforeAll(async () => {
    world = await startCallbackWorld({ seed: 11 });
    // Like the EventBridge rule: only voice callback events reach the tracker.
    unsubscribe = world.connect.events.subscribe((event) => {
      const { detail } = event;
      if (detail.channel !== 'VOICE' || detail.initiationMethod !== 'CALLBACK' || !route) return;
      tracked.push(route(event));
    });
  });
  afterAll(async () => {
    unsubscribe();
    await world.close();
  });

  async function settle(): Promise<TrackResult[]> {
    await world.connect.events.flush();
    return Promise.all(tracked.splice(0));
  }

  it('keeps the registry equal to the queue when events are duplicated and reordered', async () => {
    const { instance, queue, agent } = seedInstance(world, 'busy');
    const services = world.services(instance.id);
    route = (event) => services.track(event);
    world.connect.events.setDelivery({ duplicateRate: 0.4, reorder: true, lossRate: 0 });
    const { actions, clock } = world.connect;

    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      ids.push(
        actions.queueCallback(instance.id, {
          queueId: queue.id,
          customerPhoneNumber: `+1555000${String(i).padStart(4, '0')}`,
        }).id,
      );
      clock.advance(1_000);
    }
    for (const [i, id] of ids.entries()) {
      clock.advance(1_000);
      if (i % 3 === 0) actions.connectToAgent(instance.id, id, agent.id);
      if (i % 3 === 1) actions.disconnect(instance.id, id);
      if (i % 6 === 0) actions.disconnect(instance.id, id);
    }
    const results = await settle();
    world.connect.events.setDelivery({ duplicateRate: 0, reorder: false });

    expect(world.connect.events.stats().duplicated).toBeGreaterThan(0);
    expect(results.filter((r) => r.outcome === 'superseded').length).toBeGreaterThan(0);
    expect(await registryQueued(services, instance.id)).toEqual(
      queuedCallbacks(world, instance.id),
    );
    expect(queuedCallbacks(world, instance.id)).toHaveLength(20);
  });

  it('ignores contact events it does not track, such as attribute updates', async () => {
    const { instance, queue } = seedInstance(world, 'tags');
    const services = world.services(instance.id);
    route = (event) => services.track(event);
    const { id } = world.connect.actions.queueCallback(instance.id, {
      queueId: queue.id,
      customerPhoneNumber: '+15550001111',
    });
    await settle();
    const client = services.connect;
    const { TagContactCommand } = await import('@aws-sdk/client-connect');

    await client.send(
      new TagContactCommand({ InstanceId: instance.id, ContactId: id, Tags: { team: 'a' } }),
    );
    const results = await settle();

    expect(results).toEqual([
      expect.objectContaining({ outcome: 'ignored', eventType: 'CONTACT_DATA_UPDATED' }),
    ]);
    expect(await registryQueued(services, instance.id)).toEqual([id]);
  });

  it('lets reconciliation report the queue whose callbacks were lost with their events', async () => {
    const { instance, queue } = seedInstance(world, 'lossy');
    const lostQueue = world.connect.seed.queue(instance.id, { name: 'lossy-lost' });
    const services = world.services(instance.id, {
      RECONCILE_QUEUE_IDS: `${queue.id},${lostQueue.id}`,
    });
    route = (event) => services.track(event);
    const { actions, clock } = world.connect;

    const trackedIds = Array.from({ length: 3 }, (_, i) =>
      actions.queueCallback(instance.id, {
        queueId: queue.id,
        customerPhoneNumber: `+1555111000${i}`,
      }),
    ).map((c) => c.id);
    await settle();
    world.connect.events.setDelivery({ lossRate: 1 });
    clock.advance(hour);
    for (let i = 0; i < 2; i++) {
      actions.queueCallback(instance.id, {
        queueId: lostQueue.id,
        customerPhoneNumber: `+1555222000${i}`,
      });
    }
    await settle();
    world.connect.events.setDelivery({ lossRate: 0 });
    clock.advance(30 * hour);

    const report = await services.sweep({ mode: 'report' });

    expect(report.counts.wouldEnd).toBe(trackedIds.length);
    expect(report.unexplainedQueues).toEqual([
      {
        instanceId: instance.id,
        queueId: lostQueue.id,
        oldestContactAgeSeconds: 30 * 3600,
        contactsInQueue: 2,
      },
    ]);
  });
});
