import { describe, expect, it } from 'vitest';
import { readSweeperConfig, sweepOptions } from '../../lambdas/core/sweeper/config.js';
import { createSweepDeps } from '../../lambdas/core/sweeper/deps.js';
import type { SweepDecision } from '../../lambdas/core/sweeper/report.js';
import { sweepStuckCallbacks } from '../../lambdas/core/sweeper/run.js';
import {
  allSeededStates,
  type CallbackWorld,
  contactsOf,
  hour,
  queuedEvent,
  queuedIn,
  type SeededState,
  seedCallbacks,
  seedInstance,
  seedRegistry,
  stoppedByApi,
} from '../support/callback-world.js';
import { useCallbackWorld } from '../support/use-callback-world.js';

const minute = 60_000;

/** An instance with a billing and a claims queue (and an unruled one), and an agent. */
function seedCenter(world: CallbackWorld, name: string) {
  const { instance, queue: billing, deniedQueue: other, agent } = seedInstance(world, name);
  const claims = world.connect.seed.queue(instance.id, { name: `${name}-claims` });
  return { instance, billing, claims, other, agent };
}

/** Places a queued callback in the local Connect and the registry, as the tracker records it. */
async function queueCallback(
  world: CallbackWorld,
  instanceId: string,
  queueId: string,
  id: string,
  ageMs: number,
  extra: { agentId?: string; answered?: boolean } = {},
): Promise<string> {
  const enqueuedAt = world.connect.clock.now() - ageMs;
  world.connect.seed.contact(instanceId, {
    id,
    channel: 'VOICE',
    initiationMethod: 'CALLBACK',
    queueId,
    enqueuedAt,
    customerPhoneNumber: `+1555${String(Math.abs(hash(id)) % 10_000_000).padStart(7, '0')}`,
    ...(extra.answered && extra.agentId
      ? { agentId: extra.agentId, connectedToAgentAt: enqueuedAt + minute }
      : {}),
  });
  await seedRegistry(world.dynamo, [queuedEvent(id, instanceId, queueId, enqueuedAt)]);
  return id;
}

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (h * 31 + char.charCodeAt(0)) | 0;
  return h;
}

const byContact = (decisions: SweepDecision[]) =>
  Object.fromEntries(
    decisions.map((d) => [d.contactId, `${d.rule ?? '-'} ${d.decision} ${d.reason}`]),
  );

describe('sweep policies against the local Amazon Connect and dynalite', () => {
  const world = useCallbackWorld();

  it('ends a billing callback after 4 hours while the claims rule keeps a 5-hour-old one, and leaves a queue no rule names alone', async () => {
    const { instance, billing, claims, other } = seedCenter(world, 'ages');
    const ids = {
      billing5h: await queueCallback(world, instance.id, billing.id, 'ages-billing-5h', 5 * hour),
      billing3h: await queueCallback(world, instance.id, billing.id, 'ages-billing-3h', 3 * hour),
      claims5h: await queueCallback(world, instance.id, claims.id, 'ages-claims-5h', 5 * hour),
      claims4d: await queueCallback(world, instance.id, claims.id, 'ages-claims-4d', 96 * hour),
      other10d: await queueCallback(world, instance.id, other.id, 'ages-other-10d', 240 * hour),
    };
    const services = world.services(instance.id, {
      SWEEP_POLICIES: JSON.stringify([
        { name: 'billing', queues: [billing.id], maxQueuedAge: '4h', mode: 'end' },
        { name: 'claims', queues: [claims.id], maxQueuedAge: '3d', mode: 'end' },
      ]),
    });

    const report = await services.sweep();

    expect(stoppedByApi(world, instance.id)).toEqual([ids.billing5h, ids.claims4d].sort());
    expect(byContact(report.decisions)).toEqual({
      [ids.other10d]: '- skipped no-rule',
      [ids.claims4d]: 'claims ended queued-too-long',
      [ids.billing5h]: 'billing ended queued-too-long',
      [ids.claims5h]: 'claims skipped queued-recently',
    });
    // The youngest rule age (4 h) bounds the index read: the 3-hour-old callback is not read.
    expect(report.decisions.map((d) => d.contactId)).not.toContain(ids.billing3h);
    expect(report.mode).toBe('end');
    expect(report.maxQueuedAgeSeconds).toBe(4 * 3600);
    expect(report.counts.skipped).toEqual({ 'no-rule': 1, 'queued-recently': 1 });
    expect(report.rules).toEqual([
      {
        name: 'billing',
        mode: 'end',
        maxQueuedAgeSeconds: 4 * 3600,
        counts: expect.objectContaining({ candidates: 1, ended: 1, skipped: 0 }),
      },
      {
        name: 'claims',
        mode: 'end',
        maxQueuedAgeSeconds: 72 * 3600,
        counts: expect.objectContaining({ candidates: 2, ended: 1, skipped: 1 }),
      },
    ]);
  });

  it('lets a report-mode rule list what it would end while an end-mode rule ends', async () => {
    const { instance, billing, claims } = seedCenter(world, 'modes');
    const billingOld = await queueCallback(world, instance.id, billing.id, 'modes-b', 30 * hour);
    const claimsOld = await queueCallback(world, instance.id, claims.id, 'modes-c', 30 * hour);
    const services = world.services(instance.id, {
      SWEEP_POLICIES: JSON.stringify([
        { name: 'billing', queues: [billing.id], mode: 'end' },
        { name: 'claims', queues: [claims.id], mode: 'report' },
      ]),
    });

    const report = await services.sweep();

    expect(stoppedByApi(world, instance.id)).toEqual([billingOld]);
    expect(byContact(report.decisions)).toEqual({
      [billingOld]: 'billing ended queued-too-long',
      [claimsOld]: 'claims would-end queued-too-long',
    });
  });

  it('makes a manual report-mode run of rules that say end change nothing', async () => {
    const { instance, billing } = seedCenter(world, 'manual');
    const old = await queueCallback(world, instance.id, billing.id, 'manual-b', 30 * hour);
    const services = world.services(instance.id, {
      SWEEP_POLICIES: JSON.stringify([{ name: 'billing', queues: [billing.id], mode: 'end' }]),
    });

    const report = await services.sweep({ mode: 'report' });

    expect(report.mode).toBe('report');
    expect(byContact(report.decisions)).toEqual({
      [old]: 'billing would-end queued-too-long',
    });
    expect(stoppedByApi(world, instance.id)).toEqual([]);
  });

  it("clears every callback still queued in its rule's queues on a schedule, skipping an answered one and other queues", async () => {
    const { instance, billing, claims, agent } = seedCenter(world, 'clear');
    const queued10m = await queueCallback(world, instance.id, billing.id, 'clear-10m', 10 * minute);
    const queued1m = await queueCallback(world, instance.id, billing.id, 'clear-1m', minute);
    const answered = await queueCallback(
      world,
      instance.id,
      billing.id,
      'clear-answered',
      20 * minute,
      {
        agentId: agent.id,
        answered: true,
      },
    );
    const claimsQueued = await queueCallback(world, instance.id, claims.id, 'clear-claims', hour);
    const services = world.services(instance.id, {
      SWEEP_POLICIES: JSON.stringify([
        {
          name: 'billing',
          queues: [billing.id],
          maxQueuedAge: '4h',
          schedules: [
            { name: 'billing-close', cron: '0 18 ? * MON-FRI *', timeZone: 'America/New_York' },
          ],
        },
        { name: 'claims', queues: [claims.id], maxQueuedAge: '3d' },
      ]),
    });

    // What the schedule's EventBridge Scheduler target sends.
    const report = await services.sweep({ rule: 'billing', schedule: 'billing-close' });

    expect(stoppedByApi(world, instance.id)).toEqual([queued10m, queued1m].sort());
    expect(report.schedule).toBe('billing-close');
    expect(byContact(report.decisions)).toEqual({
      [answered]: 'billing skipped connected-to-agent',
      [queued10m]: 'billing ended scheduled-clear',
      [queued1m]: 'billing ended scheduled-clear',
      [claimsQueued]: 'claims skipped other-rule',
    });
    // The same audit as any end: the tag says why.
    expect(contactsOf(world, instance.id).get(queued10m)?.tags).toMatchObject({
      EndedBy: 'callback-sweeper',
      EndReason: 'scheduled-clear',
    });
  });

  it('keeps first match in a scheduled clear: a queue an earlier report-mode rule decides is not cleared', async () => {
    const { instance, billing, claims } = seedCenter(world, 'clear-first');
    const vip = await queueCallback(world, instance.id, billing.id, 'clear-first-vip', 10 * minute);
    const general = await queueCallback(
      world,
      instance.id,
      claims.id,
      'clear-first-gen',
      10 * minute,
    );
    const services = world.services(instance.id, {
      SWEEP_POLICIES: JSON.stringify([
        { name: 'vip', queues: [billing.id], mode: 'report' },
        {
          name: 'all',
          queues: [billing.id, claims.id],
          mode: 'end',
          schedules: [{ name: 'close', cron: '0 18 ? * * *', timeZone: 'UTC' }],
        },
      ]),
    });

    const report = await services.sweep({ rule: 'all', schedule: 'close' });

    expect(stoppedByApi(world, instance.id)).toEqual([general]);
    expect(byContact(report.decisions)).toEqual({
      [vip]: 'vip skipped other-rule',
      [general]: 'all ended scheduled-clear',
    });
    expect(report.mode).toBe('end');
    expect(report.maxQueuedAgeSeconds).toBe(0);
  });

  it('keeps first match in a manual run of one rule: a queue an earlier report-mode rule decides is not ended', async () => {
    const { instance, billing, claims } = seedCenter(world, 'rule-first');
    const vip = await queueCallback(world, instance.id, billing.id, 'rule-first-vip', 30 * hour);
    const general = await queueCallback(world, instance.id, claims.id, 'rule-first-gen', 30 * hour);
    const services = world.services(instance.id, {
      SWEEP_POLICIES: JSON.stringify([
        { name: 'vip', queues: [billing.id], mode: 'report' },
        { name: 'all', queues: [billing.id, claims.id], mode: 'end' },
      ]),
    });

    const report = await services.sweep({ rule: 'all' });

    expect(stoppedByApi(world, instance.id)).toEqual([general]);
    expect(byContact(report.decisions)).toEqual({
      [vip]: 'vip skipped other-rule',
      [general]: 'all ended queued-too-long',
    });
  });

  it("decides an operator's selection by the rules: no rule leaves it alone, a report-mode rule only lists it, an end rule ends it whatever its age", async () => {
    const { instance, billing, claims, other } = seedCenter(world, 'selected');
    const vip = await queueCallback(world, instance.id, billing.id, 'selected-vip', 10 * minute);
    const general = await queueCallback(world, instance.id, claims.id, 'selected-gen', 10 * minute);
    const unruled = await queueCallback(world, instance.id, other.id, 'selected-none', 10 * minute);
    const environment = {
      CONNECT_INSTANCE_IDS: instance.id,
      CALLBACK_TABLE_NAME: world.dynamo.tableName,
      SWEEP_MODE: 'end',
      SWEEP_POLICIES: JSON.stringify([
        { name: 'vip', queues: [billing.id], mode: 'report' },
        { name: 'general', queues: [claims.id] },
      ]),
    };
    const config = readSweeperConfig(environment);
    const endpoints = world.endpointsFor('callback-sweeper', environment);
    await endpoints.ready();
    const deps = createSweepDeps(config, endpoints, () => world.connect.clock.now());
    const selection = await queuedIn(world, instance.id);

    const report = await sweepStuckCallbacks(deps, config.settings, {
      ...sweepOptions(config, { timeLeftMs: () => Number.POSITIVE_INFINITY }),
      concurrency: 1,
      selection,
      requestedBy: 'operator',
    });
    for (const client of [deps.connect, deps.lookClient, deps.stopClient]) client?.destroy();

    expect(stoppedByApi(world, instance.id)).toEqual([general]);
    expect(byContact(report.decisions)).toEqual({
      [vip]: 'vip would-end selected',
      [general]: 'general ended selected',
      [unruled]: '- skipped no-rule',
    });
  });

  it('keeps a clear under its minimum age and its stop cap', async () => {
    const { instance, billing } = seedCenter(world, 'capped');
    const ids = await Promise.all(
      [50, 40, 30, 5].map((ageMin) =>
        queueCallback(world, instance.id, billing.id, `capped-${ageMin}m`, ageMin * minute),
      ),
    );
    const services = world.services(instance.id, {
      MAX_STOPS_PER_RUN: '2',
      SWEEP_POLICIES: JSON.stringify([
        {
          name: 'billing',
          queues: [billing.id],
          schedules: [
            { name: 'capped-close', cron: '0 18 ? * * *', timeZone: 'UTC', minAge: '15m' },
          ],
        },
      ]),
    });

    const report = await services.sweep({ schedule: 'capped-close' });

    // Oldest first: the cap takes the 50- and 40-minute ones; the 5-minute one is under 15m.
    expect(stoppedByApi(world, instance.id)).toEqual([ids[0], ids[1]].sort());
    expect(report.counts.candidates).toBe(3);
    expect(report.counts.skipped).toEqual({ 'max-stops': 1 });
    expect(report.stoppedEarly).toBe('max-stops');
  });

  it('refuses a manual run that names a rule or schedule the policies lack, calling nothing', async () => {
    const { instance, billing } = seedCenter(world, 'unknown');
    const services = world.services(instance.id, {
      SWEEP_POLICIES: JSON.stringify([{ name: 'billing', queues: [billing.id] }]),
    });
    world.connect.clearRequestLog();

    await expect(services.sweep({ rule: 'claims' })).rejects.toThrow(
      'sweep refused: rule names "claims", which is not a rule of the sweep policies: the rules are billing',
    );
    await expect(services.sweep({ schedule: 'closing' })).rejects.toThrow(
      'sweep refused: schedule names "closing", which is not a scheduled clear of the sweep policies: the schedules are none',
    );
    expect(world.connect.requestLog()).toEqual([]);
  });

  it('decides exactly as before with the global settings as the one-rule default', async () => {
    const { instance, queue, deniedQueue, agent } = seedInstance(world, 'default');
    await seedCallbacks(world, {
      instanceId: instance.id,
      queueId: queue.id,
      deniedQueueId: deniedQueue.id,
      agentId: agent.id,
      states: Array.from(
        { length: 70 },
        (_, i) => allSeededStates[i % allSeededStates.length] as SeededState,
      ),
      prefix: 'default',
    });
    const env = {
      SWEEP_MODE: 'report',
      MAX_QUEUED_AGE: '24h',
      QUEUE_DENY_LIST: deniedQueue.id,
      DISCOVER_CALLBACKS: 'false',
    };
    const withoutPolicies = await world.services(instance.id, env).sweep();
    const withDefault = await world
      .services(instance.id, {
        ...env,
        SWEEP_POLICIES: JSON.stringify([{ name: 'default', queues: '*' }]),
      })
      .sweep();

    const comparable = (report: typeof withoutPolicies) => ({
      mode: report.mode,
      maxQueuedAgeSeconds: report.maxQueuedAgeSeconds,
      counts: report.counts,
      decisions: report.decisions.map(({ rule: _rule, ...decision }) => decision),
      unexplainedQueues: report.unexplainedQueues,
    });
    expect(comparable(withDefault)).toEqual(comparable(withoutPolicies));
    expect(withoutPolicies.rules).toBeUndefined();
    expect(withDefault.rules?.map((r) => r.counts.wouldEnd)).toEqual([
      withoutPolicies.counts.wouldEnd,
    ]);
    expect(withoutPolicies.counts.wouldEnd).toBe(10);
  });
});
