import {
  ConnectClient,
  type Contact,
  ContactNotFoundException,
  DescribeContactCommand,
  GetContactMetricsCommand,
  GetCurrentMetricDataCommand,
  InternalServiceException,
  ResourceNotFoundException,
  StopContactCommand,
  TagContactCommand,
  ThrottlingException,
  UpdateContactAttributesCommand,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallbackEvent } from '../../../../lambdas/core/registry/events.js';
import type { LookBackoff } from '../../../../lambdas/core/registry/look-backoff.js';
import {
  type EndedBy,
  everyQueue,
  inQueueSet,
  type QueuedCallback,
  type QueueSet,
  type StopAudit,
  type WriteResult,
} from '../../../../lambdas/core/registry/registry.js';
import { createPhoneHasher } from '../../../../lambdas/core/sweeper/phone-hash.js';
import {
  type SweepOptions,
  type SweepRegistry,
  sweepStuckCallbacks,
} from '../../../../lambdas/core/sweeper/sweep.js';
import {
  hour,
  type TestSweepSettings,
  testSweepSettings,
} from '../../../support/sweep-settings.js';

const connect = mockClient(ConnectClient);
const meta = { $metadata: {} };
const instanceId = 'c8c0e68d-2200-4265-82c0-5a3b1c2d3e4f';
const now = Date.parse('2026-11-22T12:00:00.000Z');

/** An in-memory registry that records every write. */
class FakeRegistry implements SweepRegistry {
  readonly entries: QueuedCallback[] = [];
  readonly writes: { event: CallbackEvent; ended?: EndedBy }[] = [];
  readonly requeues: { contactId: string; enqueuedAtMs: number }[] = [];
  readonly intents: (StopAudit & { contactId: string })[] = [];
  readonly sweeperEnds: (StopAudit & { contactId: string })[] = [];
  readonly attempts: { contactId: string; runId: string; atMs: number }[] = [];
  readonly clearedIntents: { contactId: string; runId: string }[] = [];
  readonly backoffs = new Map<string, LookBackoff>();
  readonly lookSkips: { contactId: string; seen?: LookBackoff; next: LookBackoff }[] = [];
  readonly clearedBackoffs: string[] = [];
  pagesRead = 0;

  add(contactId: string, queuedAtMs: number, queueId = 'queue-a'): void {
    this.entries.push({
      contactId,
      instanceId,
      queueId,
      queuedAtMs,
      lastEventAtMs: queuedAtMs,
      lastEventRank: 1,
    });
  }

  async record(event: CallbackEvent, ended?: EndedBy): Promise<WriteResult> {
    this.writes.push({ event, ...(ended ? { ended } : {}) });
    return 'written';
  }

  async recordStopIntent(callback: QueuedCallback, intent: StopAudit): Promise<WriteResult> {
    this.intents.push({ contactId: callback.contactId, ...intent });
    return 'written';
  }

  async recordStopAttempt(
    callback: QueuedCallback,
    attempt: { runId: string; atMs: number },
  ): Promise<WriteResult> {
    this.attempts.push({ contactId: callback.contactId, ...attempt });
    return 'written';
  }

  async clearStopIntent(callback: QueuedCallback, runId: string): Promise<WriteResult> {
    this.clearedIntents.push({ contactId: callback.contactId, runId });
    return 'written';
  }

  async recordSweeperEnd(callback: QueuedCallback, stop: StopAudit): Promise<WriteResult> {
    this.sweeperEnds.push({ contactId: callback.contactId, ...stop });
    return 'written';
  }

  async tracksQueued(): Promise<boolean> {
    return true;
  }

  async lookBackoff(contactId: string): Promise<LookBackoff | undefined> {
    return this.backoffs.get(contactId);
  }

  async recordLookSkip(
    callback: QueuedCallback,
    seen: LookBackoff | undefined,
    next: LookBackoff,
  ): Promise<WriteResult> {
    this.lookSkips.push({ contactId: callback.contactId, ...(seen ? { seen } : {}), next });
    return 'written';
  }

  async clearLookBackoff(callback: QueuedCallback): Promise<WriteResult> {
    this.clearedBackoffs.push(callback.contactId);
    return 'written';
  }

  async requeue(callback: QueuedCallback, enqueuedAtMs: number): Promise<WriteResult> {
    this.requeues.push({ contactId: callback.contactId, enqueuedAtMs });
    return 'written';
  }

  async *queuedBefore(
    id: string,
    cutoffMs: number,
    options: { pageSize: number; queues?: QueueSet },
  ) {
    const queues = options.queues ?? everyQueue;
    const matching = this.entries
      .filter(
        (e) => e.instanceId === id && e.queuedAtMs < cutoffMs && inQueueSet(queues, e.queueId),
      )
      .sort((a, b) => a.queuedAtMs - b.queuedAtMs);
    for (let i = 0; i < matching.length; i += options.pageSize) {
      this.pagesRead++;
      yield matching.slice(i, i + options.pageSize);
    }
  }
}

/** A queued callback as DescribeContact returns it. */
function callback(
  id: string,
  overrides: Partial<Contact> & { enqueuedAtMs?: number; queueId?: string } = {},
): Contact {
  const { enqueuedAtMs = now - 30 * hour, queueId = 'queue-a', ...rest } = overrides;
  return {
    Id: id,
    Channel: 'VOICE',
    InitiationMethod: 'CALLBACK',
    InitiationTimestamp: new Date(enqueuedAtMs - 1_000),
    QueueInfo: { Id: queueId, EnqueueTimestamp: new Date(enqueuedAtMs) },
    CustomerEndpoint: { Type: 'TELEPHONE_NUMBER', Address: '+15550100' },
    ...rest,
  };
}

/** GetContactMetrics' answer for a contact waiting in its queue. */
function inQueue(): void {
  connect.on(GetContactMetricsCommand).resolves({
    MetricResults: [{ Name: 'POSITION_IN_QUEUE', Value: { Number: 1 } }],
  });
}

function answerDescribe(contacts: Record<string, Contact | Error>): void {
  connect.on(DescribeContactCommand).callsFake((input: { ContactId: string }) => {
    const answer = contacts[input.ContactId];
    if (answer === undefined) {
      throw new ResourceNotFoundException({ message: 'Contact not found', ...meta });
    }
    if (answer instanceof Error) throw answer;
    return { Contact: answer };
  });
}

const options: SweepOptions = {
  concurrency: 4,
  pageSize: 2,
  timeLeftMs: () => 60_000,
  maxDecisionsInReport: 100,
};

function sweep(
  registry: FakeRegistry,
  overrides: TestSweepSettings = {},
  optionOverrides: Partial<SweepOptions> = {},
  deps: { hashPhoneNumber?: (n: string) => string } = {},
) {
  const client = new ConnectClient({});
  return sweepStuckCallbacks(
    { connect: client, stopClient: client, registry, now: () => now, runId: 'run-1', ...deps },
    testSweepSettings([instanceId], overrides),
    { ...options, ...optionOverrides },
  );
}

const mutatingCommands = [
  TagContactCommand.name,
  StopContactCommand.name,
  UpdateContactAttributesCommand.name,
];

describe('sweepStuckCallbacks', () => {
  beforeEach(() => {
    connect.reset();
    connect.on(StopContactCommand).resolves({});
    connect.on(TagContactCommand).resolves({});
    inQueue();
  });

  describe('in report mode', () => {
    it('lists what it would end and makes no mutating call and no registry write', async () => {
      const registry = new FakeRegistry();
      registry.add('old-1', now - 30 * hour);
      registry.add('old-2', now - 26 * hour);
      answerDescribe({ 'old-1': callback('old-1'), 'old-2': callback('old-2') });

      const report = await sweep(registry, { mode: 'report' });

      expect(report.counts).toMatchObject({ candidates: 2, verified: 2, wouldEnd: 2, ended: 0 });
      expect(report.decisions).toEqual([
        expect.objectContaining({
          contactId: 'old-1',
          decision: 'would-end',
          reason: 'queued-too-long',
        }),
        expect.objectContaining({
          contactId: 'old-2',
          decision: 'would-end',
          reason: 'queued-too-long',
        }),
      ]);
      const sent = connect.calls().map((call) => call.args[0].constructor.name);
      expect(sent.filter((name) => mutatingCommands.includes(name))).toEqual([]);
      expect(registry.writes).toEqual([]);
    });

    it('leaves even callbacks Connect says are gone in the registry', async () => {
      const registry = new FakeRegistry();
      registry.add('gone', now - 30 * hour);
      registry.add('with-agent', now - 30 * hour);
      answerDescribe({
        'with-agent': callback('with-agent', {
          AgentInfo: { Id: 'agent-1', ConnectedToAgentTimestamp: new Date(now - hour) },
        }),
      });

      const report = await sweep(registry, { mode: 'report' });

      expect(report.counts).toMatchObject({
        alreadyGone: 0,
        skipped: { 'not-found': 1, 'connected-to-agent': 1 },
      });
      expect(registry.writes).toEqual([]);
      expect(registry.requeues).toEqual([]);
    });
  });

  describe('in report mode with a stop cap', () => {
    it('lists every callback it would end, past the cap, and still reconciles', async () => {
      const registry = new FakeRegistry();
      const contacts: Record<string, Contact> = {};
      for (let i = 0; i < 5; i++) {
        registry.add(`c-${i}`, now - (30 + i) * hour);
        contacts[`c-${i}`] = callback(`c-${i}`);
      }
      answerDescribe(contacts);
      connect.on(GetCurrentMetricDataCommand).resolves({ MetricResults: [] });

      const report = await sweep(
        registry,
        { mode: 'report', maxStops: 2, reconcile: true },
        { concurrency: 1, pageSize: 2, maxDecisionsInReport: 3 },
      );

      expect(report).toMatchObject({ complete: true, decisionsOmitted: 2 });
      expect(report.counts).toMatchObject({ wouldEnd: 5, skipped: {} });
      expect(report.decisions).toHaveLength(3);
      expect(connect).toHaveReceivedCommand(GetCurrentMetricDataCommand);
    });
  });

  describe('in end mode', () => {
    it('writes its intent, looks last, stops, records the end, then tags, for a callback queued too long', async () => {
      const registry = new FakeRegistry();
      registry.add('old-1', now - 30 * hour);
      answerDescribe({ 'old-1': callback('old-1') });

      const report = await sweep(registry);

      expect(connect.calls().map((call) => call.args[0].constructor.name)).toEqual([
        'DescribeContactCommand',
        'GetContactMetricsCommand',
        'DescribeContactCommand',
        'StopContactCommand',
        'TagContactCommand',
      ]);
      expect(connect).toHaveReceivedCommandWith(TagContactCommand, {
        InstanceId: instanceId,
        ContactId: 'old-1',
        Tags: { EndedBy: 'callback-sweeper', EndReason: 'queued-too-long' },
      });
      expect(report.counts).toMatchObject({ ended: 1, endedUntagged: 0, tagFailed: 0 });
      expect(report.decisions).toMatchObject([{ decision: 'ended', tag: 'tagged' }]);
      const audit = { contactId: 'old-1', runId: 'run-1', reason: 'queued-too-long', atMs: now };
      expect(registry.intents).toEqual([audit]);
      expect(registry.sweeperEnds).toEqual([audit]);
      expect(registry.writes).toEqual([]);
    });

    it('does not tag when tagging is off', async () => {
      const registry = new FakeRegistry();
      registry.add('old-1', now - 30 * hour);
      answerDescribe({ 'old-1': callback('old-1') });

      const report = await sweep(registry, { tagEndedContacts: false });

      expect(connect).not.toHaveReceivedCommand(TagContactCommand);
      expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
      expect(report.decisions).toMatchObject([{ decision: 'ended', tag: 'off' }]);
    });

    it('leaves a callback untagged when it already carries five user tags, and still ends it', async () => {
      const registry = new FakeRegistry();
      registry.add('tagged', now - 30 * hour);
      const Tags = { a: '1', b: '2', c: '3', d: '4', e: '5', 'aws:connect:x': 'system' };
      answerDescribe({ tagged: callback('tagged', { Tags }) });

      const report = await sweep(registry);

      expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
      expect(connect).not.toHaveReceivedCommand(TagContactCommand);
      expect(report.counts).toMatchObject({ ended: 1, endedUntagged: 1 });
      expect(report.decisions).toMatchObject([{ decision: 'ended', tag: 'untagged-limit' }]);
    });

    it('tags a callback with four user tags, since two more fit under six', async () => {
      const registry = new FakeRegistry();
      registry.add('tagged', now - 30 * hour);
      answerDescribe({ tagged: callback('tagged', { Tags: { a: '1', b: '2', c: '3', d: '4' } }) });

      const report = await sweep(registry);

      expect(connect).toHaveReceivedCommandTimes(TagContactCommand, 1);
      expect(report.counts).toMatchObject({ ended: 1, endedUntagged: 0 });
    });

    it.each([
      ['failing', new InternalServiceException({ message: 'boom', ...meta })],
      ['throttled', new ThrottlingException({ message: 'Rate exceeded', ...meta })],
    ])(
      'keeps the end when TagContact is %s after the stop, and counts tag-failed',
      async (_n, error) => {
        const registry = new FakeRegistry();
        registry.add('c-1', now - 30 * hour);
        answerDescribe({ 'c-1': callback('c-1') });
        connect.on(TagContactCommand).rejects(error);

        const report = await sweep(registry);

        expect(report.counts).toMatchObject({ ended: 1, tagFailed: 1, failed: 0, throttled: 0 });
        expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
        expect(registry.sweeperEnds).toHaveLength(1);
      },
    );

    it('keeps a callback DescribeContact cannot find in the registry, skipped as not-found, and never stops it', async () => {
      const registry = new FakeRegistry();
      registry.add('missing', now - 30 * hour);
      answerDescribe({});

      const report = await sweep(registry);

      expect(report.decisions).toMatchObject([{ decision: 'skipped', reason: 'not-found' }]);
      expect(report.counts).toMatchObject({ alreadyGone: 0, skipped: { 'not-found': 1 } });
      expect(connect).not.toHaveReceivedCommand(StopContactCommand);
      expect(connect).not.toHaveReceivedCommand(TagContactCommand);
      expect(registry.writes).toEqual([]);
    });

    it('keeps every callback when DescribeContact cannot find the instance, as with a wrong Region', async () => {
      const registry = new FakeRegistry();
      for (let i = 0; i < 5; i++) registry.add(`c-${i}`, now - 30 * hour);
      connect
        .on(DescribeContactCommand)
        .rejects(new ResourceNotFoundException({ message: 'Instance not found', ...meta }));

      const report = await sweep(registry);

      expect(report.counts).toMatchObject({ alreadyGone: 0, skipped: { 'not-found': 5 } });
      expect(registry.writes).toEqual([]);
      expect(connect).not.toHaveReceivedCommand(StopContactCommand);
    });

    it('keeps a callback StopContact answers not found for, as failed, and claims no end', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      answerDescribe({ 'c-1': callback('c-1') });
      connect
        .on(StopContactCommand)
        .rejects(new ResourceNotFoundException({ message: 'Contact not found', ...meta }));

      const report = await sweep(registry);

      expect(report.decisions).toMatchObject([
        { decision: 'failed', reason: 'StopContact: ResourceNotFoundException' },
      ]);
      expect(registry.sweeperEnds).toEqual([]);
      expect(registry.writes).toEqual([]);
      expect(connect).not.toHaveReceivedCommand(TagContactCommand);
    });

    it.each([
      [
        'connected to an agent',
        { AgentInfo: { Id: 'a', ConnectedToAgentTimestamp: new Date(now - hour) } },
        'skipped',
        'connected-to-agent',
        { kind: 'connected', eventAtMs: now - hour },
      ],
      [
        'disconnected',
        { DisconnectTimestamp: new Date(now - 2 * hour) },
        'already-gone',
        'disconnected',
        { kind: 'ended', eventAtMs: now - 2 * hour },
      ],
      [
        'not a callback',
        { InitiationMethod: 'INBOUND' as const },
        'skipped',
        'not-callback',
        { kind: 'ended' },
      ],
      ['no longer enqueued', { QueueInfo: undefined }, 'skipped', 'not-queued', undefined],
      [
        'accepted by an agent and being dialled',
        { AgentInfo: { Id: 'a', AcceptedByAgentTimestamp: new Date(now - 60_000) } },
        'skipped',
        'accepted-by-agent',
        undefined,
      ],
      [
        'offered to an agent',
        { AgentInfo: { Id: 'a' }, RingStartTimestamp: new Date(now - 5_000) },
        'skipped',
        'offered-to-agent',
        undefined,
      ],
    ])(
      'does not stop a callback that is %s, and records only what is certain',
      async (_name, change, decision, reason, write) => {
        const registry = new FakeRegistry();
        registry.add('c-1', now - 30 * hour);
        answerDescribe({ 'c-1': { ...callback('c-1'), ...change } });

        const report = await sweep(registry);

        expect(report.decisions).toMatchObject([{ contactId: 'c-1', decision, reason }]);
        expect(connect).not.toHaveReceivedCommand(StopContactCommand);
        expect(connect).not.toHaveReceivedCommand(TagContactCommand);
        expect(registry.intents).toEqual([]);
        expect(registry.writes).toMatchObject(write ? [{ event: write }] : []);
      },
    );

    it("judges age by Connect's enqueue time, and moves the entry when Connect's is newer", async () => {
      const registry = new FakeRegistry();
      registry.add('requeued', now - 30 * hour);
      answerDescribe({ requeued: callback('requeued', { enqueuedAtMs: now - 2 * hour }) });

      const report = await sweep(registry);

      expect(report.decisions).toMatchObject([{ decision: 'skipped', reason: 'queued-recently' }]);
      expect(connect).not.toHaveReceivedCommand(StopContactCommand);
      expect(registry.requeues).toEqual([{ contactId: 'requeued', enqueuedAtMs: now - 2 * hour }]);
    });

    it.each([
      ['throttled', new ThrottlingException({ message: 'Rate exceeded', ...meta }), 'throttled'],
      ['failing', new InternalServiceException({ message: 'boom', ...meta }), 'failed'],
    ])(
      'keeps a callback for the next run when DescribeContact is %s',
      async (_n, error, decision) => {
        const registry = new FakeRegistry();
        registry.add('c-1', now - 30 * hour);
        answerDescribe({ 'c-1': error });

        const report = await sweep(registry);

        expect(report.decisions).toMatchObject([{ decision }]);
        expect(connect).not.toHaveReceivedCommand(StopContactCommand);
        expect(registry.writes).toEqual([]);
      },
    );

    it('counts a callback StopContact finds no longer active as already gone', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      answerDescribe({ 'c-1': callback('c-1') });
      connect
        .on(StopContactCommand)
        .rejects(new ContactNotFoundException({ message: 'not active', ...meta }));

      const report = await sweep(registry);

      expect(report.decisions).toMatchObject([{ decision: 'already-gone', reason: 'not-active' }]);
      expect(registry.writes).toMatchObject([{ event: { kind: 'ended' } }]);
    });

    it('keeps a callback whose StopContact is throttled, with its intent and no claimed end', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      answerDescribe({ 'c-1': callback('c-1') });
      connect
        .on(StopContactCommand)
        .rejects(new ThrottlingException({ message: 'Rate exceeded', ...meta }));

      const report = await sweep(registry);

      expect(report.decisions).toMatchObject([
        { decision: 'throttled', reason: 'StopContact: ThrottlingException' },
      ]);
      expect(report.counts.throttled).toBe(1);
      expect(registry.intents).toHaveLength(1);
      expect(registry.sweeperEnds).toEqual([]);
      expect(registry.writes).toEqual([]);
      expect(connect).not.toHaveReceivedCommand(TagContactCommand);
    });

    it('stops no more than the cap per run and says it stopped early', async () => {
      const registry = new FakeRegistry();
      const contacts: Record<string, Contact> = {};
      for (let i = 0; i < 5; i++) {
        registry.add(`c-${i}`, now - (30 + i) * hour);
        contacts[`c-${i}`] = callback(`c-${i}`);
      }
      answerDescribe(contacts);

      const report = await sweep(registry, { maxStops: 2 }, { concurrency: 1, pageSize: 10 });

      expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 2);
      expect(report.counts.ended).toBe(2);
      expect(report.counts.skipped['max-stops']).toBe(3);
      expect(report).toMatchObject({ complete: false, stoppedEarly: 'max-stops' });
    });

    it('spends the cap on the oldest callbacks even when younger ones are verified first', async () => {
      const registry = new FakeRegistry();
      const contacts: Record<string, Contact> = {};
      for (let i = 0; i < 6; i++) {
        registry.add(`c-${i}`, now - (40 - i) * hour);
        contacts[`c-${i}`] = callback(`c-${i}`);
      }
      // The oldest answer last.
      connect.on(DescribeContactCommand).callsFake(async (input: { ContactId: string }) => {
        const ticks = 6 - Number(input.ContactId.slice(2));
        for (let t = 0; t < ticks; t++) await new Promise((resolve) => setImmediate(resolve));
        return { Contact: contacts[input.ContactId] };
      });

      await sweep(registry, { maxStops: 2 }, { concurrency: 6, pageSize: 6 });

      const stopped = connect
        .commandCalls(StopContactCommand)
        .map((c) => c.args[0].input.ContactId);
      expect(stopped.sort()).toEqual(['c-0', 'c-1']);
    });

    it('skips queues on the deny list without asking Connect, and queues off the allow list', async () => {
      const registry = new FakeRegistry();
      registry.add('denied', now - 30 * hour, 'queue-denied');
      registry.add('moved', now - 30 * hour, 'queue-a');
      answerDescribe({ moved: callback('moved', { queueId: 'queue-b' }) });

      const report = await sweep(registry, {
        queueDenyList: ['queue-denied'],
        queueAllowList: ['queue-a'],
      });

      expect(report.decisions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ contactId: 'denied', reason: 'queue-denied' }),
          expect.objectContaining({
            contactId: 'moved',
            queueId: 'queue-b',
            reason: 'queue-not-allowed',
          }),
        ]),
      );
      expect(connect).toHaveReceivedCommandTimes(DescribeContactCommand, 1);
      expect(connect).not.toHaveReceivedCommand(StopContactCommand);
      expect(registry.writes).toEqual([]);
    });

    it('stops picking candidates when the time budget runs out and leaves the rest queued', async () => {
      const registry = new FakeRegistry();
      const contacts: Record<string, Contact> = {};
      for (let i = 0; i < 6; i++) {
        registry.add(`c-${i}`, now - (40 - i) * hour);
        contacts[`c-${i}`] = callback(`c-${i}`);
      }
      answerDescribe(contacts);
      // The budget runs out once three callbacks have been stopped.
      const timeLeftMs = () => (connect.commandCalls(StopContactCommand).length < 3 ? 1_000 : 0);

      const report = await sweep(registry, {}, { concurrency: 1, timeLeftMs });

      expect(report.counts.ended).toBe(3);
      expect(report.counts.skipped['time-budget']).toBeGreaterThanOrEqual(1);
      expect(report).toMatchObject({ complete: false, stoppedEarly: 'time-budget' });
      expect(registry.sweeperEnds).toHaveLength(3);
      expect(registry.pagesRead).toBeLessThan(3);
    });
  });

  describe('with a back-off', () => {
    const offered = (id: string) => callback(id, { AgentInfo: { Id: 'agent-1' } });

    it('records a growing back-off, on the entry it read, for a callback an agent is on, and never stops it', async () => {
      const registry = new FakeRegistry();
      registry.add('first-skip', now - 30 * hour);
      registry.add('third-skip', now - 29 * hour);
      registry.backoffs.set('third-skip', { skips: 2, nextLookAtMs: now - 1 });
      answerDescribe({ 'first-skip': offered('first-skip'), 'third-skip': offered('third-skip') });

      const report = await sweep(registry, { mode: 'end' });

      expect(report.counts.skipped).toEqual({ 'offered-to-agent': 2 });
      expect(connect).not.toHaveReceivedCommand(StopContactCommand);
      expect(registry.intents).toEqual([]);
      expect(registry.lookSkips).toEqual([
        { contactId: 'first-skip', next: { skips: 1, nextLookAtMs: now + 30 * 60_000 } },
        {
          contactId: 'third-skip',
          seen: { skips: 2, nextLookAtMs: now - 1 },
          next: { skips: 3, nextLookAtMs: now + 2 * hour },
        },
      ]);
    });

    it('does not look at a callback before its back-off runs out, and spends no budget on it', async () => {
      const registry = new FakeRegistry();
      registry.add('backed-off', now - 40 * hour);
      registry.add('stuck', now - 30 * hour);
      registry.backoffs.set('backed-off', { skips: 1, nextLookAtMs: now + 1 });
      answerDescribe({ stuck: callback('stuck') });

      const report = await sweep(registry, { mode: 'end', maxStops: 1 });

      expect(report.decisions).toMatchObject([
        { contactId: 'backed-off', decision: 'skipped', reason: 'backed-off' },
        { contactId: 'stuck', decision: 'ended' },
      ]);
      expect(
        connect.commandCalls(DescribeContactCommand).map((c) => c.args[0].input.ContactId),
      ).not.toContain('backed-off');
    });

    it('clears the back-off when a look finds the callback waiting, before any intent', async () => {
      const registry = new FakeRegistry();
      registry.add('waiting-again', now - 30 * hour);
      registry.backoffs.set('waiting-again', { skips: 4, nextLookAtMs: now });
      answerDescribe({ 'waiting-again': callback('waiting-again') });

      const report = await sweep(registry, { mode: 'end' });

      expect(report.counts.ended).toBe(1);
      expect(registry.clearedBackoffs).toEqual(['waiting-again']);
      expect(registry.lookSkips).toEqual([]);
    });

    it('writes no back-off in report mode, yet honours one an end run wrote', async () => {
      const registry = new FakeRegistry();
      registry.add('offered', now - 30 * hour);
      registry.add('backed-off', now - 29 * hour);
      registry.backoffs.set('backed-off', { skips: 1, nextLookAtMs: now + 1 });
      answerDescribe({ offered: offered('offered') });

      const report = await sweep(registry, { mode: 'report' });

      expect(report.counts.skipped).toEqual({ 'offered-to-agent': 1, 'backed-off': 1 });
      expect(registry.lookSkips).toEqual([]);
    });

    it("looks at an operator's selection whatever its back-off", async () => {
      const registry = new FakeRegistry();
      registry.add('chosen', now - 2 * hour);
      registry.backoffs.set('chosen', { skips: 1, nextLookAtMs: now + hour });
      answerDescribe({ chosen: callback('chosen', { enqueuedAtMs: now - 2 * hour }) });

      const report = await sweep(
        registry,
        { mode: 'end' },
        { selection: registry.entries, operatorRun: 'end' },
      );

      expect(report.decisions).toMatchObject([{ contactId: 'chosen', decision: 'ended' }]);
    });
  });

  describe('at the last look', () => {
    it('sends StopContact with no event-loop turn after the last DescribeContact answer', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      let turns = 0;
      let counting = false;
      let turnsAtStop = -1;
      const tick = () => {
        turns++;
        if (counting) setImmediate(tick);
      };
      let describes = 0;
      connect.on(DescribeContactCommand).callsFake(() => {
        describes++;
        // The second DescribeContact is the last look: count turns from its answer on.
        if (describes === 2) {
          counting = true;
          setImmediate(tick);
        }
        return { Contact: callback('c-1') };
      });
      connect.on(StopContactCommand).callsFake(() => {
        turnsAtStop = turns;
        counting = false;
        return {};
      });

      const report = await sweep(registry);

      expect(report.counts.ended).toBe(1);
      expect(turnsAtStop).toBe(0);
    });

    it('leaves a callback an agent accepted after it was verified, and keeps tracking it', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      let contact = callback('c-1');
      connect.on(DescribeContactCommand).callsFake(() => ({ Contact: contact }));
      // The agent accepts while the intent is written: the last look sees it.
      const recordStopIntent = registry.recordStopIntent.bind(registry);
      registry.recordStopIntent = async (entry, intent) => {
        contact = {
          ...callback('c-1'),
          AgentInfo: { Id: 'agent-1', AcceptedByAgentTimestamp: new Date(now) },
        };
        return recordStopIntent(entry, intent);
      };

      const report = await sweep(registry);

      expect(connect).toHaveReceivedCommandTimes(DescribeContactCommand, 2);
      expect(connect).not.toHaveReceivedCommand(StopContactCommand);
      expect(report.decisions).toMatchObject([
        { contactId: 'c-1', decision: 'skipped', reason: 'accepted-by-agent' },
      ]);
      expect(registry.writes).toEqual([]);
      expect(registry.sweeperEnds).toEqual([]);
    });

    it('does not stop a callback GetContactMetrics gives no position in queue for', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      answerDescribe({ 'c-1': callback('c-1') });
      connect.on(GetContactMetricsCommand).resolves({ MetricResults: [] });

      const report = await sweep(registry);

      expect(connect).not.toHaveReceivedCommand(StopContactCommand);
      expect(report.decisions).toMatchObject([{ decision: 'skipped', reason: 'not-in-queue' }]);
    });

    it('falls back to DescribeContact alone when GetContactMetrics is denied, and says so', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      registry.add('c-2', now - 29 * hour);
      answerDescribe({ 'c-1': callback('c-1'), 'c-2': callback('c-2') });
      connect
        .on(GetContactMetricsCommand)
        .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

      const report = await sweep(registry, {}, { concurrency: 1 });

      expect(report).toMatchObject({
        lastLook: 'describe-only',
        lastLookFallback: 'GetContactMetrics: AccessDeniedException',
      });
      expect(report.counts.ended).toBe(2);
      expect(connect).toHaveReceivedCommandTimes(GetContactMetricsCommand, 1);
    });

    it('keeps a callback whose GetContactMetrics is throttled, and stops nothing', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      answerDescribe({ 'c-1': callback('c-1') });
      connect
        .on(GetContactMetricsCommand)
        .rejects(new ThrottlingException({ message: 'Rate exceeded', ...meta }));

      const report = await sweep(registry);

      expect(connect).not.toHaveReceivedCommand(StopContactCommand);
      expect(report.decisions).toMatchObject([
        { decision: 'throttled', reason: 'GetContactMetrics: ThrottlingException' },
      ]);
    });

    it('stops nothing when the intent cannot be written', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      answerDescribe({ 'c-1': callback('c-1') });
      registry.recordStopIntent = async () => {
        throw new Error('ProvisionedThroughputExceededException');
      };

      const report = await sweep(registry);

      expect(connect).not.toHaveReceivedCommand(StopContactCommand);
      expect(connect).not.toHaveReceivedCommand(GetContactMetricsCommand);
      expect(report.counts).toMatchObject({ failed: 1, registryErrors: 1, ended: 0 });
    });

    it('skips a callback whose registry entry changed since the run read it', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      answerDescribe({ 'c-1': callback('c-1') });
      registry.recordStopIntent = async () => 'superseded';

      const report = await sweep(registry);

      expect(connect).not.toHaveReceivedCommand(StopContactCommand);
      expect(report.decisions).toMatchObject([{ decision: 'skipped', reason: 'registry-changed' }]);
    });
  });

  describe('when things go wrong', () => {
    it('keeps a callback whose StopContact is aborted by the run deadline', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      const deadline = new AbortController();
      // The SDK sends nothing once the run's signal is aborted: the look after the stop gets no answer.
      connect.on(DescribeContactCommand).callsFake(() => {
        if (deadline.signal.aborted) {
          throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
        }
        return { Contact: callback('c-1') };
      });
      connect.on(StopContactCommand).callsFake(() => {
        deadline.abort(new DOMException('the invocation must answer', 'TimeoutError'));
        throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
      });

      const report = await sweep(registry, {}, { abortSignal: deadline.signal });

      expect(report.decisions).toMatchObject([
        { contactId: 'c-1', decision: 'failed', reason: 'StopContact (unsettled): TimeoutError' },
      ]);
      expect(report.counts).toMatchObject({ ended: 0, alreadyGone: 0, failed: 1 });
      expect(registry.writes).toEqual([]);
      expect(registry.sweeperEnds).toEqual([]);
      expect(registry.attempts).toEqual([{ contactId: 'c-1', runId: 'run-1', atMs: now }]);
    });

    it('records no attempt when the look after a 5xx stop shows the callback still queued', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      answerDescribe({ 'c-1': callback('c-1') });
      connect
        .on(StopContactCommand)
        .rejects(
          Object.assign(new Error('Service unavailable'), { $metadata: { httpStatusCode: 503 } }),
        );

      const report = await sweep(registry);

      expect(report.counts).toMatchObject({ ended: 0, failed: 1 });
      // Nothing a later end by someone else could be credited to.
      expect(registry.attempts).toEqual([]);
      expect(registry.sweeperEnds).toEqual([]);
    });

    it("never credits an earlier run's attempt with an end that came long after it", async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      const [entry] = registry.entries;
      if (!entry) throw new Error('no entry');
      entry.stopIntent = { runId: 'run-0', reason: 'queued-too-long', atMs: now - 20 * 60_000 };
      entry.stopAttemptAtMs = now - 20 * 60_000;
      // A supervisor ended it ten minutes after that attempt, and its DISCONNECTED event was lost.
      answerDescribe({
        'c-1': { ...callback('c-1'), DisconnectTimestamp: new Date(now - 10 * 60_000) },
      });

      const report = await sweep(registry);

      expect(registry.sweeperEnds).toEqual([]);
      expect(report.decisions).toMatchObject([{ contactId: 'c-1', decision: 'already-gone' }]);
      expect(report.decisions[0]?.reason).not.toBe('ended-by-sweeper');
    });

    it('counts a registry write that fails, and the next run settles the same entry', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      let contact = callback('c-1');
      connect.on(DescribeContactCommand).callsFake(() => ({ Contact: contact }));
      connect.on(StopContactCommand).callsFake(() => {
        contact = { ...contact, DisconnectTimestamp: new Date(now) };
        return {};
      });
      const recordSweeperEnd = registry.recordSweeperEnd.bind(registry);
      let failWrites = true;
      registry.recordSweeperEnd = async (entry, stop) => {
        if (failWrites) throw new Error('ProvisionedThroughputExceededException');
        return recordSweeperEnd(entry, stop);
      };

      const first = await sweep(registry);
      failWrites = false;
      const second = await sweep(registry);

      expect(first.counts).toMatchObject({ ended: 1, registryErrors: 1 });
      expect(registry.intents).toHaveLength(1);
      expect(second.counts).toMatchObject({ ended: 0, alreadyGone: 1, registryErrors: 0 });
      expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
      expect(registry.writes).toMatchObject([
        {
          event: { kind: 'ended', contactId: 'c-1' },
          ended: { endedBy: 'sweeper-observation', reason: 'disconnected' },
        },
      ]);
    });
  });

  describe('with the duplicates policy', () => {
    const hashPhoneNumber = createPhoneHasher('a-salt-of-16-characters');

    it('keeps a younger duplicate when the older callback is gone by its turn, so the customer keeps one', async () => {
      const registry = new FakeRegistry();
      registry.add('older', now - 3 * hour);
      registry.add('younger', now - 2 * hour);
      let older = callback('older', { enqueuedAtMs: now - 3 * hour });
      const younger = callback('younger', { enqueuedAtMs: now - 2 * hour });
      connect.on(DescribeContactCommand).callsFake((input: { ContactId: string }) => {
        const contact = input.ContactId === 'older' ? older : younger;
        // The customer hangs up on the older callback right after it was verified.
        if (input.ContactId === 'older') older = { ...older, DisconnectTimestamp: new Date(now) };
        return { Contact: contact };
      });

      const report = await sweep(
        registry,
        { duplicatesPolicy: 'keep-oldest' },
        { concurrency: 1 },
        { hashPhoneNumber },
      );

      expect(connect).not.toHaveReceivedCommand(StopContactCommand);
      expect(report.decisions).toContainEqual(
        expect.objectContaining({
          contactId: 'younger',
          decision: 'skipped',
          reason: 'keeper-gone',
        }),
      );
    });

    it('keeps the oldest callback per queue and number and ends the younger ones', async () => {
      const registry = new FakeRegistry();
      registry.add('first', now - 3 * hour);
      registry.add('second', now - 2 * hour);
      registry.add('other-queue', now - hour, 'queue-b');
      registry.add('other-number', now - hour);
      answerDescribe({
        first: callback('first', { enqueuedAtMs: now - 3 * hour }),
        second: callback('second', {
          enqueuedAtMs: now - 2 * hour,
          CustomerEndpoint: { Type: 'TELEPHONE_NUMBER', Address: '+1 555 0100' },
        }),
        'other-queue': callback('other-queue', { enqueuedAtMs: now - hour, queueId: 'queue-b' }),
        'other-number': callback('other-number', {
          enqueuedAtMs: now - hour,
          CustomerEndpoint: { Type: 'TELEPHONE_NUMBER', Address: '+15550199' },
        }),
      });

      const report = await sweep(
        registry,
        { duplicatesPolicy: 'keep-oldest' },
        { concurrency: 1 },
        { hashPhoneNumber },
      );

      expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
      expect(connect).toHaveReceivedCommandWith(StopContactCommand, { ContactId: 'second' });
      expect(report.decisions).toContainEqual(
        expect.objectContaining({ contactId: 'second', decision: 'ended', reason: 'duplicate' }),
      );
      // E.164 numbers carry a '+', which no UUID, timestamp or count does.
      expect(JSON.stringify(report)).not.toContain('+1');
    });

    it('ends every younger duplicate and never the oldest, even when describes finish out of order', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 2, max: 6 }),
          fc.integer({ min: 1, max: 6 }),
          fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 6, maxLength: 6 }),
          async (n, concurrency, delays) => {
            connect.reset();
            connect.on(StopContactCommand).resolves({});
            inQueue();
            const registry = new FakeRegistry();
            const contacts: Record<string, Contact> = {};
            for (let i = 0; i < n; i++) {
              registry.add(`d-${i}`, now - (10 - i) * hour);
              contacts[`d-${i}`] = callback(`d-${i}`, { enqueuedAtMs: now - (10 - i) * hour });
            }
            // Each describe takes its own number of event-loop turns, so answers come out of order.
            connect.on(DescribeContactCommand).callsFake(async (input: { ContactId: string }) => {
              const ticks = delays[Number(input.ContactId.slice(2))] ?? 0;
              for (let t = 0; t < ticks; t++) await new Promise((resolve) => setImmediate(resolve));
              return { Contact: contacts[input.ContactId] };
            });

            await sweep(
              registry,
              { duplicatesPolicy: 'keep-oldest', tagEndedContacts: false },
              { concurrency, pageSize: 3 },
              { hashPhoneNumber },
            );

            const stopped = connect
              .commandCalls(StopContactCommand)
              .map((c) => c.args[0].input.ContactId);
            expect(stopped.sort()).toEqual(
              Array.from({ length: n - 1 }, (_, i) => `d-${i + 1}`).sort(),
            );
          },
        ),
        { numRuns: 20 },
      );
    });
  });

  describe('the run report', () => {
    it('caps the decisions it lists but counts every candidate', async () => {
      const registry = new FakeRegistry();
      const contacts: Record<string, Contact> = {};
      for (let i = 0; i < 5; i++) {
        registry.add(`c-${i}`, now - 30 * hour);
        contacts[`c-${i}`] = callback(`c-${i}`);
      }
      answerDescribe(contacts);

      const report = await sweep(registry, { mode: 'report' }, { maxDecisionsInReport: 2 });

      expect(report.decisions).toHaveLength(2);
      expect(report.decisionsOmitted).toBe(3);
      expect(report.counts.candidates).toBe(5);
    });

    it('reports queues whose oldest contact no tracked callback explains', async () => {
      const registry = new FakeRegistry();
      registry.add('tracked', now - 30 * hour, 'queue-tracked');
      answerDescribe({ tracked: callback('tracked', { queueId: 'queue-tracked' }) });
      connect.on(GetCurrentMetricDataCommand).resolves({
        MetricResults: [
          {
            Dimensions: { Queue: { Id: 'queue-tracked' } },
            Collections: [
              { Metric: { Name: 'OLDEST_CONTACT_AGE', Unit: 'SECONDS' }, Value: 30 * 3600 },
            ],
          },
          {
            Dimensions: { Queue: { Id: 'queue-lost' } },
            Collections: [
              { Metric: { Name: 'OLDEST_CONTACT_AGE', Unit: 'SECONDS' }, Value: 50 * 3600 },
              { Metric: { Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' }, Value: 4 },
            ],
          },
        ],
      });

      const report = await sweep(
        registry,
        { mode: 'report', reconcile: true },
        { reconcileQueueIds: ['queue-lost'] },
      );

      expect(connect).toHaveReceivedCommandWith(GetCurrentMetricDataCommand, {
        InstanceId: instanceId,
        Filters: {
          Queues: expect.arrayContaining(['queue-lost', 'queue-tracked']),
          Channels: ['VOICE'],
        },
        Groupings: ['QUEUE'],
      });
      expect(report.unexplainedQueues).toEqual([
        {
          instanceId,
          queueId: 'queue-lost',
          oldestContactAgeSeconds: 50 * 3600,
          contactsInQueue: 4,
        },
      ]);
    });

    it('does not reconcile an instance whose time budget ran out before it read the whole index', async () => {
      const registry = new FakeRegistry();
      registry.add('c-0', now - 30 * hour);
      registry.add('c-1', now - 29 * hour);
      answerDescribe({ 'c-0': callback('c-0'), 'c-1': callback('c-1') });
      const timeLeftMs = () =>
        connect.commandCalls(DescribeContactCommand).length < 1 ? 1_000 : 0;

      const report = await sweep(
        registry,
        { reconcile: true },
        { concurrency: 1, pageSize: 1, reconcileQueueIds: ['queue-a'], timeLeftMs },
      );

      expect(report.reconciliation).toMatchObject([
        { instanceId, skipped: 'the sweep stopped early (time-budget)' },
      ]);
      expect(connect).not.toHaveReceivedCommand(GetCurrentMetricDataCommand);
    });

    it('past the stop cap still reads the index, without Connect calls, and reconciles with it', async () => {
      const registry = new FakeRegistry();
      registry.add('c-0', now - 30 * hour, 'queue-a');
      registry.add('c-1', now - 29 * hour, 'queue-a');
      registry.add('c-2', now - 28 * hour, 'queue-b');
      answerDescribe({ 'c-0': callback('c-0'), 'c-1': callback('c-1') });
      connect.on(GetCurrentMetricDataCommand).resolves({
        MetricResults: [
          {
            Dimensions: { Queue: { Id: 'queue-b' } },
            Collections: [
              { Metric: { Name: 'OLDEST_CONTACT_AGE', Unit: 'SECONDS' }, Value: 28 * 3600 },
            ],
          },
        ],
      });

      const report = await sweep(
        registry,
        { maxStops: 1, reconcile: true },
        { concurrency: 1, pageSize: 1 },
      );

      expect(report).toMatchObject({ complete: false, stoppedEarly: 'max-stops' });
      expect(report.counts).toMatchObject({ ended: 1, skipped: { 'max-stops': 2 } });
      // c-1 reaches the cap; c-2, past it, is read from the index only.
      expect(connect).toHaveReceivedCommandTimes(DescribeContactCommand, 3);
      // queue-b's oldest contact is explained by c-2, read past the cap.
      expect(connect).toHaveReceivedCommandWith(GetCurrentMetricDataCommand, {
        Filters: { Queues: expect.arrayContaining(['queue-a', 'queue-b']), Channels: ['VOICE'] },
      });
      expect(report.reconciliation).toMatchObject([{ instanceId, unexplained: [] }]);
      expect(report.unexplainedQueues).toEqual([]);
    });

    it('names the reconciliation error and keeps the sweep result when metrics fail', async () => {
      const registry = new FakeRegistry();
      connect
        .on(GetCurrentMetricDataCommand)
        .rejects(new ThrottlingException({ message: 'Rate exceeded', ...meta }));

      const report = await sweep(registry, { reconcile: true }, { reconcileQueueIds: ['q'] });

      expect(report.reconciliation).toMatchObject([
        { instanceId, error: 'GetCurrentMetricData: ThrottlingException: Rate exceeded' },
      ]);
    });
  });

  it('ends exactly the eligible callbacks, whatever mix of states Connect reports', async () => {
    const state = fc.constantFrom(
      'stuck',
      'recent',
      'agent',
      'disconnected',
      'gone',
      'inbound',
      'throttled',
      'offered',
      'accepted',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(state, { maxLength: 12 }), async (states) => {
        connect.reset();
        connect.on(StopContactCommand).resolves({});
        connect.on(TagContactCommand).resolves({});
        inQueue();
        const registry = new FakeRegistry();
        const contacts: Record<string, Contact | Error> = {};
        states.forEach((s, i) => {
          const id = `p-${i}`;
          registry.add(id, now - 30 * hour);
          if (s === 'gone') return;
          contacts[id] =
            s === 'throttled'
              ? new ThrottlingException({ message: 'Rate exceeded', ...meta })
              : {
                  ...callback(id, { enqueuedAtMs: s === 'recent' ? now - hour : now - 30 * hour }),
                  ...(s === 'agent'
                    ? { AgentInfo: { ConnectedToAgentTimestamp: new Date(now - hour) } }
                    : {}),
                  ...(s === 'disconnected' ? { DisconnectTimestamp: new Date(now - hour) } : {}),
                  ...(s === 'inbound' ? { InitiationMethod: 'INBOUND' as const } : {}),
                  ...(s === 'offered' ? { AgentInfo: { Id: 'agent-1' } } : {}),
                  ...(s === 'accepted'
                    ? { AgentInfo: { Id: 'a', AcceptedByAgentTimestamp: new Date(now) } }
                    : {}),
                };
        });
        answerDescribe(contacts);

        await sweep(registry);

        const stopped = connect
          .commandCalls(StopContactCommand)
          .map((c) => c.args[0].input.ContactId);
        const eligible = states.flatMap((s, i) => (s === 'stuck' ? [`p-${i}`] : []));
        expect(stopped.sort()).toEqual(eligible.sort());
      }),
      { numRuns: 40 },
    );
  });
});

describe('sweepStuckCallbacks for an operator', () => {
  beforeEach(() => {
    connect.reset();
    connect.on(StopContactCommand).resolves({});
    connect.on(TagContactCommand).resolves({});
    inQueue();
  });

  /** The registry entries an operator chose, as the operator core reads them. */
  const chosen = (registry: FakeRegistry, ...contactIds: string[]) =>
    registry.entries.filter((entry) => contactIds.includes(entry.contactId));

  it('ends a chosen callback of any age with reason selected, and reads nothing else', async () => {
    const registry = new FakeRegistry();
    registry.add('young', now - 5 * 60_000);
    registry.add('old-not-chosen', now - 30 * hour);
    answerDescribe({
      young: callback('young', { enqueuedAtMs: now - 5 * 60_000 }),
      'old-not-chosen': callback('old-not-chosen'),
    });

    const report = await sweep(registry, {}, { selection: chosen(registry, 'young') });

    expect(report.decisions).toEqual([
      expect.objectContaining({ contactId: 'young', decision: 'ended', reason: 'selected' }),
    ]);
    expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
    expect(connect).toHaveReceivedCommandWith(StopContactCommand, { ContactId: 'young' });
    expect(registry.pagesRead).toBe(0);
  });

  it('skips a chosen callback an agent answered, and one an agent accepts before its last look', async () => {
    const registry = new FakeRegistry();
    registry.add('answered', now - hour);
    registry.add('accepted-late', now - hour);
    let late = callback('accepted-late');
    connect.on(DescribeContactCommand).callsFake((input: { ContactId: string }) => {
      if (input.ContactId === 'answered') {
        return {
          Contact: callback('answered', {
            AgentInfo: { Id: 'agent-1', ConnectedToAgentTimestamp: new Date(now - 60_000) },
          }),
        };
      }
      return { Contact: late };
    });
    const recordStopIntent = registry.recordStopIntent.bind(registry);
    registry.recordStopIntent = async (entry, intent) => {
      late = {
        ...callback('accepted-late'),
        AgentInfo: { Id: 'agent-2', AcceptedByAgentTimestamp: new Date(now) },
      };
      return recordStopIntent(entry, intent);
    };

    const report = await sweep(
      registry,
      {},
      { selection: chosen(registry, 'answered', 'accepted-late') },
    );

    expect(connect).not.toHaveReceivedCommand(StopContactCommand);
    expect(report.counts.skipped).toEqual({ 'connected-to-agent': 1, 'accepted-by-agent': 1 });
  });

  it('still keeps to the stop cap and the queue deny list', async () => {
    const registry = new FakeRegistry();
    registry.add('c-1', now - 3 * hour);
    registry.add('c-2', now - 2 * hour);
    registry.add('denied', now - hour, 'queue-denied');
    answerDescribe({
      'c-1': callback('c-1'),
      'c-2': callback('c-2'),
      denied: callback('denied', { queueId: 'queue-denied' }),
    });

    const report = await sweep(
      registry,
      { maxStops: 1, queueDenyList: ['queue-denied'] },
      { selection: chosen(registry, 'c-1', 'c-2', 'denied') },
    );

    expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
    expect(report.counts).toMatchObject({
      ended: 1,
      skipped: { 'max-stops': 1, 'queue-denied': 1 },
    });
    expect(report).toMatchObject({ complete: false, stoppedEarly: 'max-stops' });
  });

  it('records who asked with the stop intent and the end', async () => {
    const registry = new FakeRegistry();
    registry.add('old-1', now - 30 * hour);
    answerDescribe({ 'old-1': callback('old-1') });

    await sweep(registry, {}, { requestedBy: 'arn:aws:iam::123456789012:user/ops' });

    const audit = {
      contactId: 'old-1',
      runId: 'run-1',
      reason: 'queued-too-long',
      atMs: now,
      requestedBy: 'arn:aws:iam::123456789012:user/ops',
    };
    expect(registry.intents).toEqual([audit]);
    expect(registry.sweeperEnds).toEqual([audit]);
  });

  it('tells onDecision of every decision, also those past the report cap', async () => {
    const registry = new FakeRegistry();
    const contacts: Record<string, Contact> = {};
    for (let i = 0; i < 4; i++) {
      registry.add(`c-${i}`, now - (30 + i) * hour);
      contacts[`c-${i}`] = callback(`c-${i}`);
    }
    answerDescribe(contacts);
    const seen: string[] = [];

    const report = await sweep(
      registry,
      {},
      {
        maxDecisionsInReport: 1,
        onDecision: (decision) => seen.push(`${decision.contactId}:${decision.decision}`),
      },
    );

    expect(report.decisions).toHaveLength(1);
    expect(seen.sort()).toEqual(['c-0:ended', 'c-1:ended', 'c-2:ended', 'c-3:ended']);
  });

  it('starts no new candidate once stopSignal fires, and finishes the one in flight', async () => {
    const registry = new FakeRegistry();
    const contacts: Record<string, Contact> = {};
    for (let i = 0; i < 5; i++) {
      registry.add(`c-${i}`, now - (30 - i) * hour);
      contacts[`c-${i}`] = callback(`c-${i}`);
    }
    answerDescribe(contacts);
    const stop = new AbortController();
    // Ctrl+C while the first stop is in flight.
    connect.on(StopContactCommand).callsFake(() => {
      stop.abort();
      return {};
    });

    const report = await sweep(
      registry,
      {},
      { concurrency: 1, pageSize: 5, stopSignal: stop.signal, reconcileQueueIds: ['queue-a'] },
    );

    expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
    expect(report.counts).toMatchObject({ ended: 1, skipped: { stopped: 4 } });
    expect(report).toMatchObject({ complete: false, stoppedEarly: 'stopped' });
    expect(connect).not.toHaveReceivedCommand(GetCurrentMetricDataCommand);
  });
});
