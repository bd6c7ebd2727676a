import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUOTAS, type RequestLogEntry } from '../../local/connect/index.js';
import {
  type CallbackWorld,
  type SeededCallback,
  seedCallbacks,
  seedInstance,
  startCallbackWorld,
  stoppedByApi,
} from '../support/callback-world.js';

// Connect's API quotas are per account and Region, not per instance: instances of one Region share
// one budget. One local Connect is one account and Region, its quotas Connect's defaults.

/** The sweeper's rates at Connect's default quotas. */
const ratesAtQuota = {
  DescribeContact: DEFAULT_QUOTAS.DescribeContact.ratePerSecond,
  StopContact: DEFAULT_QUOTAS.StopContact.ratePerSecond,
  TagContact: DEFAULT_QUOTAS.TagContact.ratePerSecond,
  GetContactMetrics: DEFAULT_QUOTAS.GetContactMetrics.ratePerSecond,
  GetCurrentMetricData: DEFAULT_QUOTAS.GetCurrentMetricData.ratePerSecond,
  SearchContacts: DEFAULT_QUOTAS.SearchContacts.ratePerSecond,
};

const sweeperEnvironment = {
  SWEEP_MODE: 'end',
  DESCRIBE_CONTACT_RPS: String(ratesAtQuota.DescribeContact),
  STOP_CONTACT_RPS: String(ratesAtQuota.StopContact),
  TAG_CONTACT_RPS: String(ratesAtQuota.TagContact),
  GET_CONTACT_METRICS_RPS: String(ratesAtQuota.GetContactMetrics),
  GET_CURRENT_METRIC_DATA_RPS: String(ratesAtQuota.GetCurrentMetricData),
  SEARCH_CONTACTS_RPS: String(ratesAtQuota.SearchContacts),
};

/** Timer and loopback jitter between the client's limiter and the server's clock. */
const jitterMs = 150;

/**
 * The most requests of each operation the local Connect received in any window of one second
 * (less the jitter), throttled ones included: what the account's per-Region budget saw.
 */
function busiestSecond(log: readonly RequestLogEntry[]): Record<string, number> {
  const times = new Map<string, number[]>();
  for (const entry of log) {
    times.set(entry.operation, [...(times.get(entry.operation) ?? []), entry.receivedAt]);
  }
  const busiest: Record<string, number> = {};
  for (const [operation, list] of times) {
    list.sort((a, b) => a - b);
    let most = 0;
    for (let i = 0, j = 0; j < list.length; j++) {
      while ((list[j] as number) - (list[i] as number) >= 1000 - jitterMs) i++;
      most = Math.max(most, j - i + 1);
    }
    busiest[operation] = most;
  }
  return busiest;
}

/** Calls allowed in one second at `rate`: whole calls, at least one. */
const perSecond = (rate: number) => Math.max(1, Math.floor(rate));

describe('sweeping two instances of one account and Region', () => {
  let world: CallbackWorld;
  let first: ReturnType<typeof seedInstance>;
  let second: ReturnType<typeof seedInstance>;

  async function seedStuck(instance: ReturnType<typeof seedInstance>, prefix: string) {
    return seedCallbacks(world, {
      instanceId: instance.instance.id,
      queueId: instance.queue.id,
      deniedQueueId: instance.deniedQueue.id,
      agentId: instance.agent.id,
      states: Array.from({ length: 8 }, () => 'stuck' as const),
      prefix,
    });
  }

  const ids = (seeded: SeededCallback[]) => seeded.map((c) => c.contactId).sort();

  beforeAll(async () => {
    world = await startCallbackWorld({ quotas: true });
    first = seedInstance(world, 'east-a');
    second = seedInstance(world, 'east-b');
  });
  afterAll(async () => {
    await world.close();
  });

  it('shares one rate budget per API across both: never over the rate in any second, and no throttle', async () => {
    const seededFirst = await seedStuck(first, 'shared-a');
    const seededSecond = await seedStuck(second, 'shared-b');
    const sweeper = world.services(first.instance.id, {
      ...sweeperEnvironment,
      CONNECT_INSTANCE_IDS: `${first.instance.id},${second.instance.id}`,
    });
    world.connect.clearRequestLog();

    const report = await sweeper.sweep();

    expect(report.instanceIds).toEqual([first.instance.id, second.instance.id]);
    expect(report.counts).toMatchObject({ ended: 16, failed: 0, throttled: 0 });
    expect(stoppedByApi(world, first.instance.id)).toEqual(ids(seededFirst));
    expect(stoppedByApi(world, second.instance.id)).toEqual(ids(seededSecond));
    const log = world.connect.requestLog();
    expect(log.filter((entry) => entry.status === 429)).toEqual([]);
    const busiest = busiestSecond(log);
    for (const [operation, rate] of Object.entries(ratesAtQuota)) {
      expect(busiest[operation] ?? 0, operation).toBeLessThanOrEqual(perSecond(rate));
    }
    // Both instances' calls are in that log: the budget was spent on the two together.
    expect(busiest.GetContactMetrics).toBe(perSecond(ratesAtQuota.GetContactMetrics));
  });

  it('would double the rate with a sweeper per instance: why a Region has one stack and one sweeper', async () => {
    await seedStuck(first, 'apart-a');
    await seedStuck(second, 'apart-b');
    const apart = [first, second].map(({ instance }) =>
      world.services(instance.id, { ...sweeperEnvironment, DISCOVER_CALLBACKS: 'false' }),
    );
    world.connect.clearRequestLog();

    await Promise.all(apart.map((sweeper) => sweeper.sweep()));

    const busiest = busiestSecond(world.connect.requestLog());
    expect(busiest.GetContactMetrics).toBeGreaterThan(perSecond(ratesAtQuota.GetContactMetrics));
  });
});
