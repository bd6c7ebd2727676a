import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CallbackWorld,
  hour,
  queuedIn,
  seedInstance,
  startCallbackWorld,
  stoppedByApi,
} from '../support/callback-world.js';

// The discovery backstop against both behaviours AWS's pages describe for contact search.
describe('the discovery backstop against the local Amazon Connect and dynalite', () => {
  let world: CallbackWorld;

  beforeAll(async () => {
    world = await startCallbackWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  /** A callback queued 30 h ago whose contact events never reached the tracker. */
  function untrackedCallback(name: string) {
    const { instance, queue } = seedInstance(world, name);
    const contact = world.connect.seed.contact(instance.id, {
      channel: 'VOICE',
      initiationMethod: 'CALLBACK',
      queueId: queue.id,
      enqueuedAt: world.connect.clock.now() - 30 * hour,
      customerPhoneNumber: '+15550100',
    });
    return { instance, contact };
  }

  it('costs one SearchContacts call a run and changes nothing when search hides queued callbacks', async () => {
    world.connect.settings.set({ searchShowsQueuedCallbacks: false });
    const { instance } = untrackedCallback('hidden');
    const services = world.services(instance.id, { SWEEP_MODE: 'end', RECONCILE: 'false' });
    world.connect.clearRequestLog();

    const report = await services.sweep();

    const searches = world.connect.requestLog().filter((e) => e.operation === 'SearchContacts');
    expect(searches).toHaveLength(1);
    expect(report.discovery).toMatchObject([{ instanceId: instance.id, found: 0, discovered: 0 }]);
    expect(report.counts).toMatchObject({ discovered: 0, candidates: 0, ended: 0 });
    expect(await queuedIn(world, instance.id)).toEqual([]);
  });

  it('adds a queued callback the registry lacks when search shows it, counts it and sweeps it in the same run', async () => {
    world.connect.settings.set({ searchShowsQueuedCallbacks: true });
    const { instance, contact } = untrackedCallback('shown');
    const services = world.services(instance.id, { SWEEP_MODE: 'end', RECONCILE: 'false' });

    const report = await services.sweep();

    expect(report.discovery).toMatchObject([
      { found: 1, discovered: 1, discoveredIds: [contact.id] },
    ]);
    expect(report.counts).toMatchObject({ discovered: 1, ended: 1 });
    expect(stoppedByApi(world, instance.id)).toEqual([contact.id]);
  });

  it('in report mode counts the untracked callback and writes nothing', async () => {
    world.connect.settings.set({ searchShowsQueuedCallbacks: true });
    const { instance } = untrackedCallback('shown-report');
    const services = world.services(instance.id, { SWEEP_MODE: 'report', RECONCILE: 'false' });

    const report = await services.sweep();

    expect(report.counts.discovered).toBe(1);
    expect(await queuedIn(world, instance.id)).toEqual([]);
  });
});
