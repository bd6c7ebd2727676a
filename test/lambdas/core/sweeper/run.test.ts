import {
  type Contact,
  ContactNotFoundException,
  DescribeContactCommand,
  GetCurrentMetricDataCommand,
  InternalServiceException,
  ResourceNotFoundException,
  StopContactCommand,
  TagContactCommand,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { createPhoneHasher } from '../../../../lambdas/core/sweeper/phone-hash.js';
import { hour } from '../../../support/sweep-settings.js';
import {
  answerDescribe,
  callback,
  connect,
  connectStopsAndTags,
  FakeRegistry,
  inQueue,
  instanceId,
  meta,
  mutatingCommands,
  now,
  sweep,
} from './sweep-fakes.js';

describe('sweepStuckCallbacks', () => {
  beforeEach(connectStopsAndTags);

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
