import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CallbackWorld,
  contactsOf,
  seedTrackedCallback,
  startCallbackWorld,
  stoppedByApi,
} from '../support/callback-world.js';

// A StopContact that ended the callback but whose answer was lost, against the local Connect.
describe('the sweeper when a stop lands but its answer is lost', () => {
  let world: CallbackWorld;

  beforeAll(async () => {
    world = await startCallbackWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('finding 7: settles a stop whose answer was lost by a look afterwards, and reports, records and tags the end it made', async () => {
    const { instance, contact } = await seedTrackedCallback(world, 'lost-answer', '+15550100');
    const services = world.services(instance.id, {
      SWEEP_MODE: 'end',
      RECONCILE: 'false',
      DISCOVER_CALLBACKS: 'false',
    });
    const entry = async () =>
      (
        await world.dynamo.documentClient.send(
          new GetCommand({ TableName: world.dynamo.tableName, Key: { contactId: contact.id } }),
        )
      ).Item;

    world.connect.faults.set('StopContact', { dropAfterApplyRate: 1 });
    const first = await services.sweep();
    world.connect.faults.clear();

    expect(stoppedByApi(world, instance.id)).toEqual([contact.id]);
    expect(first.counts).toMatchObject({ ended: 1, failed: 0 });
    expect(first.decisions).toMatchObject([
      { contactId: contact.id, decision: 'ended', reason: 'queued-too-long', tag: 'tagged' },
    ]);
    expect(contactsOf(world, instance.id).get(contact.id)?.tags.EndedBy).toBe('callback-sweeper');
    expect(await entry()).toMatchObject({
      state: 'ENDED',
      endedBy: 'callback-sweeper',
      stoppedRunId: first.runId,
      stopIntentRunId: first.runId,
    });

    const second = await services.sweep();

    expect(second.counts).toMatchObject({ candidates: 0, ended: 0, failed: 0 });
  });

  it('finding 7: keeps a callback a 5xx stop left in its queue, and claims no end for it', async () => {
    const { instance, contact } = await seedTrackedCallback(
      world,
      'lost-answer-other',
      '+15550101',
    );
    const services = world.services(instance.id, {
      SWEEP_MODE: 'end',
      RECONCILE: 'false',
      DISCOVER_CALLBACKS: 'false',
    });
    // A 5xx before anything applies: the stop may have reached Connect, and did not end it.
    world.connect.faults.set('StopContact', { errorRate: 1 });
    const report = await services.sweep();
    world.connect.faults.clear();

    expect(stoppedByApi(world, instance.id)).toEqual([]);
    expect(report.counts).toMatchObject({ ended: 0, failed: 1 });
    expect(contactsOf(world, instance.id).get(contact.id)?.tags.EndedBy).toBeUndefined();
  });
});
