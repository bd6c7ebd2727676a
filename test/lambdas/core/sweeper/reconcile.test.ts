import { ConnectClient, GetCurrentMetricDataCommand } from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { judgeQueue, reconcileQueues } from '../../../../lambdas/core/sweeper/reconcile.js';

const connect = mockClient(ConnectClient);
const now = Date.parse('2026-11-22T12:00:00.000Z');
const hour = 3_600_000;
const base = {
  instanceId: 'instance-1',
  maxQueuedAgeMs: 24 * hour,
  toleranceMs: 2 * 60_000,
  nowMs: now,
};

function oldest(queueId: string, seconds: number) {
  return {
    Dimensions: { Queue: { Id: queueId } },
    Collections: [
      { Metric: { Name: 'OLDEST_CONTACT_AGE' as const, Unit: 'SECONDS' as const }, Value: seconds },
    ],
  };
}

describe('judgeQueue', () => {
  it('accepts a queue whose oldest contact is within the maximum age', () => {
    expect(judgeQueue({ ...base, oldestTrackedByQueue: new Map() }, 'q', 23 * 3600)).toBe(
      undefined,
    );
  });

  it('explains an old queue by a tracked callback at least as old, within the tolerance', () => {
    const tracked = new Map([['q', now - 30 * hour + 60_000]]);

    expect(judgeQueue({ ...base, oldestTrackedByQueue: tracked }, 'q', 30 * 3600)).toBe(undefined);
  });

  it('reports an old queue the registry knows nothing about', () => {
    expect(judgeQueue({ ...base, oldestTrackedByQueue: new Map() }, 'q', 30 * 3600)).toEqual({
      instanceId: 'instance-1',
      queueId: 'q',
      oldestContactAgeSeconds: 30 * 3600,
    });
  });

  it('reports an old queue whose oldest contact is older than anything tracked there', () => {
    const tracked = new Map([['q', now - 25 * hour]]);

    expect(judgeQueue({ ...base, oldestTrackedByQueue: tracked }, 'q', 30 * 3600)).toMatchObject({
      oldestTrackedAgeSeconds: 25 * 3600,
    });
  });
});

describe('reconcileQueues', () => {
  beforeEach(() => {
    connect.reset();
  });

  it('asks for at most 100 queues per call and follows NextToken', async () => {
    const queueIds = Array.from({ length: 150 }, (_, i) => `q-${i}`);
    connect.on(GetCurrentMetricDataCommand).callsFake((input) => {
      if (input.NextToken === 'page-2') return { MetricResults: [] };
      if (input.Filters.Queues[0] === 'q-0') {
        return { MetricResults: [oldest('q-1', 40 * 3600)], NextToken: 'page-2' };
      }
      return { MetricResults: [oldest('q-120', 41 * 3600)] };
    });

    const result = await reconcileQueues(connect as unknown as ConnectClient, {
      ...base,
      queueIds,
      oldestTrackedByQueue: new Map(),
    });

    const calls = connect.commandCalls(GetCurrentMetricDataCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Filters?.Queues?.length)).toEqual([100, 100, 50]);
    expect(calls[1]?.NextToken).toBe('page-2');
    expect(result.unexplained.map((u) => u.queueId)).toEqual(['q-1', 'q-120']);
  });

  it('skips reconciliation with no queue to ask about', async () => {
    const result = await reconcileQueues(connect as unknown as ConnectClient, {
      ...base,
      queueIds: [],
      oldestTrackedByQueue: new Map(),
    });

    expect(result).toMatchObject({ skipped: 'no queues to reconcile' });
    expect(connect).not.toHaveReceivedAnyCommand();
  });
});
