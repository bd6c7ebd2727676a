import {
  ConnectClient,
  type Contact,
  DescribeContactCommand,
  GetContactMetricsCommand,
  StopContactCommand,
  TagContactCommand,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  everyQueue,
  inQueueSet,
  type QueuedCallback,
} from '../../../../lambdas/core/registry/registry.js';
import type { SweepSettings } from '../../../../lambdas/core/sweeper/config.js';
import { type SweepRegistry, sweepStuckCallbacks } from '../../../../lambdas/core/sweeper/sweep.js';
import { hour, testRules, testSweepSettings } from '../../../support/sweep-settings.js';

const connect = mockClient(ConnectClient);
const instanceId = 'c8c0e68d-2200-4265-82c0-5a3b1c2d3e4f';
const now = Date.parse('2026-11-22T12:00:00.000Z');

/** The registry reads and writes one sweep makes, in memory. */
function registryOf(entries: QueuedCallback[]): SweepRegistry & { intents: string[] } {
  const intents: string[] = [];
  return {
    intents,
    async *queuedBefore(id, cutoffMs, options) {
      const queues = options.queues ?? everyQueue;
      yield entries
        .filter(
          (e) => e.instanceId === id && e.queuedAtMs < cutoffMs && inQueueSet(queues, e.queueId),
        )
        .sort((a, b) => a.queuedAtMs - b.queuedAtMs);
    },
    recordStopIntent: async (callback) => {
      intents.push(callback.contactId);
      return 'written';
    },
    recordStopAttempt: async () => 'written',
    clearStopIntent: async () => 'written',
    recordSweeperEnd: async () => 'written',
    record: async () => 'written',
    requeue: async () => 'written',
    tracksQueued: async () => true,
    lookBackoff: async () => undefined,
    recordLookSkip: async () => 'written',
    clearLookBackoff: async () => 'written',
  };
}

const entry = (contactId: string, queueId: string, ageMs: number): QueuedCallback => ({
  contactId,
  instanceId,
  queueId,
  queuedAtMs: now - ageMs,
  lastEventAtMs: now - ageMs,
  lastEventRank: 1,
});

const queued = (id: string, queueId: string, ageMs: number): Contact => ({
  Id: id,
  Channel: 'VOICE',
  InitiationMethod: 'CALLBACK',
  QueueInfo: { Id: queueId, EnqueueTimestamp: new Date(now - ageMs) },
});

const rules = (input: unknown) => testRules(input, [instanceId]);

const settings: SweepSettings = testSweepSettings([instanceId], {
  tagEndedContacts: false,
  policies: rules([
    { name: 'billing', queues: ['billing'], maxQueuedAge: '4h' },
    { name: 'claims', queues: ['claims'], maxQueuedAge: '3d' },
  ]),
});

function sweep(registry: SweepRegistry, overrides: Partial<SweepSettings> = {}) {
  const client = new ConnectClient({});
  return sweepStuckCallbacks(
    { connect: client, stopClient: client, registry, now: () => now, runId: 'run-1' },
    { ...settings, ...overrides },
    { concurrency: 2, pageSize: 10, timeLeftMs: () => 60_000, maxDecisionsInReport: 100 },
  );
}

describe('a sweep with rules', () => {
  beforeEach(() => {
    connect.reset();
    connect.on(StopContactCommand).resolves({});
    connect.on(TagContactCommand).resolves({});
    connect.on(GetContactMetricsCommand).resolves({
      MetricResults: [{ Name: 'POSITION_IN_QUEUE', Value: { Number: 1 } }],
    });
  });

  it("decides by the rule of the queue Connect shows, not the registry's", async () => {
    // The registry saw it queued in billing (4 h); Connect has it in claims (3 d) now.
    const registry = registryOf([entry('moved', 'billing', 5 * hour)]);
    connect.on(DescribeContactCommand).resolves({ Contact: queued('moved', 'claims', 5 * hour) });

    const report = await sweep(registry);

    expect(report.decisions).toEqual([
      expect.objectContaining({
        contactId: 'moved',
        queueId: 'claims',
        rule: 'claims',
        decision: 'skipped',
        reason: 'queued-recently',
      }),
    ]);
    expect(connect.commandCalls(StopContactCommand)).toEqual([]);
  });

  it('does not stop a callback that moved to another rule’s queue between the check and the last look', async () => {
    const registry = registryOf([entry('moving', 'billing', 5 * hour)]);
    connect
      .on(DescribeContactCommand)
      .resolvesOnce({ Contact: queued('moving', 'billing', 5 * hour) })
      .resolves({ Contact: queued('moving', 'claims', 5 * hour) });

    const report = await sweep(registry);

    expect(registry.intents).toEqual(['moving']);
    expect(connect.commandCalls(StopContactCommand)).toEqual([]);
    expect(report.decisions).toEqual([
      expect.objectContaining({ contactId: 'moving', rule: 'billing', decision: 'skipped' }),
    ]);
  });

  it('reads no instance no rule applies to', async () => {
    const registry = registryOf([entry('elsewhere', 'billing', 50 * hour)]);
    const report = await sweep(registry, {
      rules: rules([{ name: 'only-other', instance: instanceId, queues: ['x'] }]).map((r) => ({
        ...r,
        instanceId: 'another-instance',
      })),
    });

    expect(report.counts.candidates).toBe(0);
    expect(connect.calls()).toEqual([]);
  });

  it('ends a young duplicate only under a rule with keep-oldest', async () => {
    const registry = registryOf([
      entry('billing-first', 'billing', 1 * hour),
      entry('billing-second', 'billing', 0.5 * hour),
      entry('claims-first', 'claims', 1 * hour),
      entry('claims-second', 'claims', 0.5 * hour),
    ]);
    const sameCustomer = {
      CustomerEndpoint: { Type: 'TELEPHONE_NUMBER' as const, Address: '+15550100' },
    };
    connect.on(DescribeContactCommand).callsFake((input: { ContactId: string }) => {
      const [queue, order] = input.ContactId.split('-');
      const age = order === 'first' ? 1 * hour : 0.5 * hour;
      return { Contact: { ...queued(input.ContactId, queue as string, age), ...sameCustomer } };
    });
    const client = new ConnectClient({});
    const report = await sweepStuckCallbacks(
      {
        connect: client,
        stopClient: client,
        registry,
        now: () => now,
        hashPhoneNumber: (n) => `h${n}`,
      },
      {
        ...settings,
        rules: rules([
          {
            name: 'billing',
            queues: ['billing'],
            maxQueuedAge: '4h',
            duplicatesPolicy: 'keep-oldest',
          },
          { name: 'claims', queues: ['claims'], maxQueuedAge: '4h' },
        ]),
      },
      { concurrency: 1, pageSize: 10, timeLeftMs: () => 60_000, maxDecisionsInReport: 100 },
    );

    expect(report.decisions.map((d) => `${d.contactId} ${d.decision} ${d.reason}`).sort()).toEqual([
      'billing-first skipped queued-recently',
      'billing-second ended duplicate',
      'claims-first skipped queued-recently',
      'claims-second skipped queued-recently',
    ]);
  });
});
