import {
  ConnectClient,
  type Contact,
  ContactNotFoundException,
  DescribeContactCommand,
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
import type { CallbackEvent } from '../../../../lambdas/core/callbacks/events.js';
import { createPhoneHasher } from '../../../../lambdas/core/callbacks/phone-hash.js';
import type {
  EndedBy,
  QueuedCallback,
  WriteResult,
} from '../../../../lambdas/core/callbacks/registry.js';
import {
  assessCallback,
  type SweepOptions,
  type SweepRegistry,
  sweepStuckCallbacks,
} from '../../../../lambdas/core/callbacks/sweep.js';
import type { SweepSettings } from '../../../../lambdas/core/callbacks/sweeper-config.js';

const connect = mockClient(ConnectClient);
const meta = { $metadata: {} };
const instanceId = 'c8c0e68d-2200-4265-82c0-5a3b1c2d3e4f';
const now = Date.parse('2026-11-22T12:00:00.000Z');
const hour = 3_600_000;

/** An in-memory registry that records every write. */
class FakeRegistry implements SweepRegistry {
  readonly entries: QueuedCallback[] = [];
  readonly writes: { event: CallbackEvent; ended?: EndedBy }[] = [];
  readonly requeues: { contactId: string; enqueuedAtMs: number }[] = [];
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

  async requeue(callback: QueuedCallback, enqueuedAtMs: number): Promise<WriteResult> {
    this.requeues.push({ contactId: callback.contactId, enqueuedAtMs });
    return 'written';
  }

  async *queuedBefore(id: string, cutoffMs: number, options: { pageSize: number }) {
    const matching = this.entries
      .filter((e) => e.instanceId === id && e.queuedAtMs < cutoffMs)
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

const settings: SweepSettings = {
  mode: 'end',
  instanceIds: [instanceId],
  maxQueuedAgeMs: 24 * hour,
  maxStops: 100,
  queueAllowList: [],
  queueDenyList: [],
  tagEndedContacts: true,
  tagBeforeStop: true,
  discoverCallbacks: false,
  duplicatesPolicy: 'off',
  reconcile: false,
};

const options: SweepOptions = {
  concurrency: 4,
  pageSize: 2,
  timeLeftMs: () => 60_000,
  maxDecisionsInReport: 100,
};

function sweep(
  registry: FakeRegistry,
  overrides: Partial<SweepSettings> = {},
  optionOverrides: Partial<SweepOptions> = {},
  deps: { hashPhoneNumber?: (n: string) => string; monotonicNowMs?: () => number } = {},
) {
  return sweepStuckCallbacks(
    { connect: connect as unknown as ConnectClient, registry, now: () => now, ...deps },
    { ...settings, ...overrides },
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
    it('tags, then stops, each callback queued longer than the maximum age, and tombstones it', async () => {
      const registry = new FakeRegistry();
      registry.add('old-1', now - 30 * hour);
      answerDescribe({ 'old-1': callback('old-1') });

      const report = await sweep(registry);

      expect(connect).toHaveReceivedCommandWith(TagContactCommand, {
        InstanceId: instanceId,
        ContactId: 'old-1',
        Tags: { EndedBy: 'callback-sweeper', EndReason: 'queued-too-long' },
      });
      expect(connect).toHaveReceivedCommandWith(StopContactCommand, {
        InstanceId: instanceId,
        ContactId: 'old-1',
      });
      expect(report.counts.ended).toBe(1);
      expect(registry.writes).toEqual([
        {
          event: { kind: 'ended', contactId: 'old-1', instanceId, eventAtMs: now },
          ended: { endedBy: 'callback-sweeper', reason: 'queued-too-long' },
        },
      ]);
    });

    it('does not tag when TAG_BEFORE_STOP is off', async () => {
      const registry = new FakeRegistry();
      registry.add('old-1', now - 30 * hour);
      answerDescribe({ 'old-1': callback('old-1') });

      await sweep(registry, { tagBeforeStop: false });

      expect(connect).not.toHaveReceivedCommand(TagContactCommand);
      expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
    });

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

    it.each([
      ['ResourceNotFoundException', new ResourceNotFoundException({ message: 'nope', ...meta })],
      ['InternalServiceException', new InternalServiceException({ message: 'boom', ...meta })],
    ])(
      'keeps a callback whose TagContact fails with %s, counted as failed, and stops nothing',
      async (code, error) => {
        const registry = new FakeRegistry();
        registry.add('c-1', now - 30 * hour);
        answerDescribe({ 'c-1': callback('c-1') });
        connect.on(TagContactCommand).rejects(error);

        const report = await sweep(registry);

        expect(report.decisions).toMatchObject([
          { contactId: 'c-1', decision: 'failed', reason: `TagContact: ${code}` },
        ]);
        expect(report.counts).toMatchObject({ failed: 1, alreadyGone: 0, ended: 0 });
        expect(connect).not.toHaveReceivedCommand(StopContactCommand);
        expect(registry.writes).toEqual([]);
      },
    );

    it('counts a callback StopContact cannot find as already gone', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      answerDescribe({ 'c-1': callback('c-1') });
      connect
        .on(StopContactCommand)
        .rejects(new ResourceNotFoundException({ message: 'Contact not found', ...meta }));

      const report = await sweep(registry);

      expect(report.decisions).toMatchObject([{ decision: 'already-gone', reason: 'not-active' }]);
      expect(registry.writes).toMatchObject([{ event: { kind: 'ended' } }]);
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
      [
        'no longer enqueued',
        { QueueInfo: undefined },
        'skipped',
        'not-queued',
        { kind: 'connected' },
      ],
    ])(
      'does not stop a callback that is %s, and records where it is',
      async (_name, change, decision, reason, write) => {
        const registry = new FakeRegistry();
        registry.add('c-1', now - 30 * hour);
        answerDescribe({ 'c-1': { ...callback('c-1'), ...change } });

        const report = await sweep(registry);

        expect(report.decisions).toMatchObject([{ contactId: 'c-1', decision, reason }]);
        expect(connect).not.toHaveReceivedCommand(StopContactCommand);
        expect(connect).not.toHaveReceivedCommand(TagContactCommand);
        expect(registry.writes).toMatchObject([{ event: write }]);
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

    it.each([
      ['StopContact', StopContactCommand],
      ['TagContact', TagContactCommand],
    ])(
      'keeps a callback whose %s is throttled, and never stops it untagged',
      async (name, command) => {
        const registry = new FakeRegistry();
        registry.add('c-1', now - 30 * hour);
        answerDescribe({ 'c-1': callback('c-1') });
        connect
          .on(command as typeof StopContactCommand)
          .rejects(new ThrottlingException({ message: 'Rate exceeded', ...meta }));

        const report = await sweep(registry);

        expect(report.decisions).toMatchObject([
          { decision: 'throttled', reason: `${name}: ThrottlingException` },
        ]);
        expect(report.counts.throttled).toBe(1);
        expect(registry.writes).toEqual([]);
        if (name === 'TagContact') expect(connect).not.toHaveReceivedCommand(StopContactCommand);
      },
    );

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
      // The budget runs out once three callbacks have been looked at.
      const timeLeftMs = () =>
        connect.commandCalls(DescribeContactCommand).length < 3 ? 1_000 : 0;

      const report = await sweep(registry, {}, { concurrency: 1, timeLeftMs });

      expect(report.counts.ended).toBe(3);
      expect(report.counts.skipped['time-budget']).toBeGreaterThanOrEqual(1);
      expect(report).toMatchObject({ complete: false, stoppedEarly: 'time-budget' });
      expect(registry.writes).toHaveLength(3);
      expect(registry.pagesRead).toBeLessThan(3);
    });
  });

  describe('between verifying and stopping', () => {
    const agentPickedUp = {
      AgentInfo: { Id: 'agent-1', ConnectedToAgentTimestamp: new Date(now - 1_000) },
    };

    it('asks DescribeContact again when its answer is older than MAX_VERIFY_AGE, and leaves a callback an agent picked up meanwhile', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      let clock = 0;
      let contact = callback('c-1');
      connect.on(DescribeContactCommand).callsFake(() => ({ Contact: contact }));
      // Tagging is slow, and an agent accepts the callback while it runs.
      connect.on(TagContactCommand).callsFake(() => {
        clock += 3_000;
        contact = { ...callback('c-1'), ...agentPickedUp };
        return {};
      });

      const report = await sweep(registry, {}, {}, { monotonicNowMs: () => clock });

      expect(connect).toHaveReceivedCommandTimes(DescribeContactCommand, 2);
      expect(connect).not.toHaveReceivedCommand(StopContactCommand);
      expect(report.decisions).toMatchObject([
        { contactId: 'c-1', decision: 'skipped', reason: 'connected-to-agent' },
      ]);
      expect(report.counts).toMatchObject({ candidates: 1, verified: 1, ended: 0 });
      expect(registry.writes).toMatchObject([{ event: { kind: 'connected', contactId: 'c-1' } }]);
    });

    it('stops after asking again when the callback is still queued', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      let clock = 0;
      answerDescribe({ 'c-1': callback('c-1') });
      connect.on(TagContactCommand).callsFake(() => {
        clock += 3_000;
        return {};
      });

      const report = await sweep(registry, {}, {}, { monotonicNowMs: () => clock });

      expect(connect).toHaveReceivedCommandTimes(DescribeContactCommand, 2);
      expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
      expect(report.counts.ended).toBe(1);
    });

    it('does not stop when the second DescribeContact fails, and keeps the entry', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      let clock = 0;
      let describes = 0;
      connect.on(DescribeContactCommand).callsFake(() => {
        describes++;
        if (describes > 1) throw new InternalServiceException({ message: 'boom', ...meta });
        return { Contact: callback('c-1') };
      });

      const report = await sweep(
        registry,
        { tagBeforeStop: false },
        {},
        {
          // Every reading of the clock is 3 s after the last: each answer is stale by the stop.
          monotonicNowMs: () => {
            clock += 3_000;
            return clock;
          },
        },
      );

      expect(connect).not.toHaveReceivedCommand(StopContactCommand);
      expect(report.decisions).toMatchObject([
        { decision: 'failed', reason: 'DescribeContact: InternalServiceException' },
      ]);
      expect(registry.writes).toEqual([]);
    });

    it('stops on the first answer when it is fresh', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      answerDescribe({ 'c-1': callback('c-1') });

      await sweep(registry, {}, {}, { monotonicNowMs: () => 0 });

      expect(connect).toHaveReceivedCommandTimes(DescribeContactCommand, 1);
      expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
    });
  });

  describe('when things go wrong', () => {
    it('keeps a callback whose StopContact is aborted by the run deadline', async () => {
      const registry = new FakeRegistry();
      registry.add('c-1', now - 30 * hour);
      answerDescribe({ 'c-1': callback('c-1') });
      const deadline = new AbortController();
      connect.on(StopContactCommand).callsFake(() => {
        deadline.abort(new DOMException('the invocation must answer', 'TimeoutError'));
        throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
      });

      const report = await sweep(registry, {}, { abortSignal: deadline.signal });

      expect(report.decisions).toMatchObject([
        { contactId: 'c-1', decision: 'failed', reason: 'StopContact: TimeoutError' },
      ]);
      expect(report.counts).toMatchObject({ ended: 0, alreadyGone: 0, failed: 1 });
      expect(registry.writes).toEqual([]);
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
      const record = registry.record.bind(registry);
      let failWrites = true;
      registry.record = async (event, ended) => {
        if (failWrites) throw new Error('ProvisionedThroughputExceededException');
        return record(event, ended);
      };

      const first = await sweep(registry);
      failWrites = false;
      const second = await sweep(registry);

      expect(first.counts).toMatchObject({ ended: 1, registryErrors: 1 });
      expect(second.counts).toMatchObject({ ended: 0, alreadyGone: 1, registryErrors: 0 });
      expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
      expect(registry.writes).toMatchObject([
        { event: { kind: 'ended', contactId: 'c-1' }, ended: { reason: 'disconnected' } },
      ]);
    });
  });

  describe('with the duplicates policy', () => {
    const hashPhoneNumber = createPhoneHasher('a-salt-of-16-characters');

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
      expect(JSON.stringify(report)).not.toMatch(/555/);
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
              { duplicatesPolicy: 'keep-oldest', tagBeforeStop: false },
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
      expect(connect).toHaveReceivedCommandTimes(DescribeContactCommand, 2);
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
    );
    await fc.assert(
      fc.asyncProperty(fc.array(state, { maxLength: 12 }), async (states) => {
        connect.reset();
        connect.on(StopContactCommand).resolves({});
        connect.on(TagContactCommand).resolves({});
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

describe('assessCallback', () => {
  const policy = { cutoffMs: now - 24 * hour, queueAllowList: [], queueDenyList: [] };

  it("treats a customer first callback's queued leg as a callback, and never its dialed leg", () => {
    const queuedLeg = {
      ...callback('c2'),
      InitiationMethod: 'CALLBACK_CUSTOMER_FIRST_QUEUED',
    } as unknown as Contact;
    const dialedLeg = {
      ...callback('c3'),
      InitiationMethod: 'CALLBACK_CUSTOMER_FIRST_DIALED',
    } as unknown as Contact;

    expect(assessCallback(queuedLeg, policy).verdict).toBe('stuck');
    expect(assessCallback(dialedLeg, policy).verdict).toBe('not-callback');
  });

  it('calls a callback enqueued exactly at the cutoff recent, and one before it stuck', () => {
    expect(assessCallback(callback('a', { enqueuedAtMs: now - 24 * hour }), policy).verdict).toBe(
      'recent',
    );
    expect(
      assessCallback(callback('a', { enqueuedAtMs: now - 24 * hour - 1 }), policy).verdict,
    ).toBe('stuck');
  });
});
