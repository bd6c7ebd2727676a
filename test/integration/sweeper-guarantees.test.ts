import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  type CallbackWorld,
  contactsOf,
  hour,
  queuedEvent,
  seedInstance,
  seedRegistry,
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
});
