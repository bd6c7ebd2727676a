import {
  DescribeContactCommand,
  GetContactMetricsCommand,
  InternalServiceException,
  StopContactCommand,
  TagContactCommand,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { beforeEach, describe, expect, it } from 'vitest';
import { tagsFit } from '../../../../lambdas/core/sweeper/end.js';
import { hour } from '../../../support/sweep-settings.js';
import {
  answerDescribe,
  callback,
  connect,
  connectStopsAndTags,
  FakeRegistry,
  meta,
  now,
  sweep,
} from './sweep-fakes.js';

describe('the end of one callback, in a run', () => {
  beforeEach(connectStopsAndTags);

  describe('the tag after the stop', () => {
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
});

describe('tagsFit', () => {
  it('counts only user tags against the limit of six', () => {
    expect(tagsFit({ a: '1', b: '2', c: '3', d: '4' }, 2)).toBe(true);
    expect(tagsFit({ a: '1', b: '2', c: '3', d: '4', e: '5' }, 2)).toBe(false);
    expect(tagsFit({ 'aws:connect:a': '1', 'aws:connect:b': '2', a: '1' }, 2)).toBe(true);
    expect(tagsFit(undefined, 2)).toBe(true);
  });
});
