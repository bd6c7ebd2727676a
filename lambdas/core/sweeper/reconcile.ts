import { type ConnectClient, GetCurrentMetricDataCommand } from '@aws-sdk/client-connect';
import { outcomeFromError } from '../connect/errors.js';

/** A queue whose oldest contact has waited longer than allowed with no tracked callback to show for it. */
export interface UnexplainedQueue {
  instanceId: string;
  queueId: string;
  oldestContactAgeSeconds: number;
  contactsInQueue?: number;
  /** Age of the oldest callback the registry tracks in this queue, when it tracks one. */
  oldestTrackedAgeSeconds?: number;
}

export interface ReconciliationResult {
  instanceId: string;
  queuesChecked: number;
  unexplained: UnexplainedQueue[];
  /** Set when GetCurrentMetricData failed; the sweep's own result stands. */
  error?: string;
  /** Set when reconciliation did not run for this instance. */
  skipped?: string;
}

export interface ReconcileRequest {
  instanceId: string;
  queueIds: readonly string[];
  maxQueuedAgeMs: number;
  /** How much younger the oldest tracked callback may be and still explain the queue's oldest. */
  toleranceMs: number;
  nowMs: number;
  /** Oldest enqueue time (epoch ms) per queue among the callbacks the registry tracks. */
  oldestTrackedByQueue: ReadonlyMap<string, number>;
  abortSignal?: AbortSignal;
}

/** GetCurrentMetricData's Filters.Queues takes at most 100 queues. */
const queuesPerCall = 100;

/** Connect's real-time figures for one queue (GetCurrentMetricData, voice contacts). */
export interface QueueMetrics {
  oldestContactAgeSeconds?: number;
  contactsInQueue?: number;
}

/**
 * Reads OLDEST_CONTACT_AGE and CONTACTS_IN_QUEUE per queue, 100 queues a call, every page.
 * Throws Connect's error: the callers decide what a failed read means for them.
 */
export async function readQueueMetrics(
  client: ConnectClient,
  request: { instanceId: string; queueIds: readonly string[]; abortSignal?: AbortSignal },
): Promise<Map<string, QueueMetrics>> {
  const byQueue = new Map<string, QueueMetrics>();
  const { instanceId, queueIds } = request;
  for (let i = 0; i < queueIds.length; i += queuesPerCall) {
    const batch = queueIds.slice(i, i + queuesPerCall);
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new GetCurrentMetricDataCommand({
          InstanceId: instanceId,
          Filters: { Queues: batch, Channels: ['VOICE'] },
          Groupings: ['QUEUE'],
          CurrentMetrics: [
            { Name: 'OLDEST_CONTACT_AGE', Unit: 'SECONDS' },
            { Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' },
          ],
          NextToken: nextToken,
        }),
        { abortSignal: request.abortSignal },
      );
      for (const metricResult of page.MetricResults ?? []) {
        const queueId = metricResult.Dimensions?.Queue?.Id;
        if (!queueId) continue;
        const metric = (name: string) =>
          metricResult.Collections?.find((c) => c.Metric?.Name === name)?.Value;
        const oldestContactAgeSeconds = metric('OLDEST_CONTACT_AGE');
        const contactsInQueue = metric('CONTACTS_IN_QUEUE');
        byQueue.set(queueId, {
          ...(oldestContactAgeSeconds !== undefined ? { oldestContactAgeSeconds } : {}),
          ...(contactsInQueue !== undefined ? { contactsInQueue } : {}),
        });
      }
      nextToken = page.NextToken;
    } while (nextToken);
  }
  return byQueue;
}

/**
 * Compares each queue's OLDEST_CONTACT_AGE with the registry. A queue older than maxQueuedAge
 * that no tracked callback explains means events were lost or the tracker started late: those
 * callbacks are invisible to the sweep (contact search does not return queued callbacks).
 */
export async function reconcileQueues(
  client: ConnectClient,
  request: ReconcileRequest,
): Promise<ReconciliationResult> {
  const { instanceId, queueIds } = request;
  const result: ReconciliationResult = {
    instanceId,
    queuesChecked: queueIds.length,
    unexplained: [],
  };
  if (queueIds.length === 0) return { ...result, skipped: 'no queues to reconcile' };
  try {
    const metrics = await readQueueMetrics(client, request);
    for (const [queueId, { oldestContactAgeSeconds, contactsInQueue }] of metrics) {
      if (oldestContactAgeSeconds === undefined) continue;
      const unexplained = judgeQueue(request, queueId, oldestContactAgeSeconds);
      if (unexplained) {
        result.unexplained.push({
          ...unexplained,
          ...(contactsInQueue !== undefined ? { contactsInQueue } : {}),
        });
      }
    }
    return result;
  } catch (error) {
    const outcome = outcomeFromError(error, 'contact');
    return { ...result, error: `GetCurrentMetricData: ${outcome.code}: ${outcome.message}` };
  }
}

/** The reconciliation rule for one queue; undefined when the queue is fine or explained. */
export function judgeQueue(
  request: Pick<
    ReconcileRequest,
    'instanceId' | 'maxQueuedAgeMs' | 'toleranceMs' | 'nowMs' | 'oldestTrackedByQueue'
  >,
  queueId: string,
  oldestContactAgeSeconds: number,
): UnexplainedQueue | undefined {
  const oldestMs = oldestContactAgeSeconds * 1000;
  if (oldestMs <= request.maxQueuedAgeMs) return undefined;
  const trackedAt = request.oldestTrackedByQueue.get(queueId);
  const trackedAgeMs = trackedAt === undefined ? undefined : request.nowMs - trackedAt;
  if (trackedAgeMs !== undefined && trackedAgeMs + request.toleranceMs >= oldestMs)
    return undefined;
  return {
    instanceId: request.instanceId,
    queueId,
    oldestContactAgeSeconds,
    ...(trackedAgeMs !== undefined
      ? { oldestTrackedAgeSeconds: Math.floor(trackedAgeMs / 1000) }
      : {}),
  };
}
