import type { ConnectClient } from '@aws-sdk/client-connect';
import { outcomeFromError } from '../../lambdas/core/connect/errors.js';
import { toOwnQueueId } from '../../lambdas/core/connect/identifiers.js';
import type { CallbackRegistry } from '../../lambdas/core/registry/registry.js';
import type { SweeperConfig } from '../../lambdas/core/sweeper/config.js';
import {
  judgeQueue,
  type QueueMetrics,
  readQueueMetrics,
} from '../../lambdas/core/sweeper/reconcile.js';
import type { OperatorTarget, QueueOverview } from './api.js';
import { OperatorInputError } from './errors.js';

interface Tracked {
  count: number;
  oldestAtMs: number;
}

/**
 * Each queue of one instance as the registry and Connect see it: the queues a tracked callback is
 * in, plus those the sweeper reconciles (its allow list and reconcileQueueIds). "Unexplained" is
 * reconciliation's own rule (judgeQueue), with the sweeper's maxQueuedAge and tolerance.
 */
export async function queueOverviews(
  deps: { connect: ConnectClient; registry: CallbackRegistry; config: SweeperConfig },
  instanceId: string,
  nowMs: number,
): Promise<QueueOverview[]> {
  const { config } = deps;
  const tracked = new Map<string, Tracked>();
  const everything = deps.registry.queuedBefore(instanceId, Number.MAX_SAFE_INTEGER, {
    pageSize: config.values.registryPageSize,
  });
  for await (const page of everything) {
    for (const callback of page) {
      if (!callback.queueId) continue;
      const known = tracked.get(callback.queueId) ?? { count: 0, oldestAtMs: callback.queuedAtMs };
      known.count++;
      known.oldestAtMs = Math.min(known.oldestAtMs, callback.queuedAtMs);
      tracked.set(callback.queueId, known);
    }
  }
  const queueIds = [
    ...new Set([
      ...tracked.keys(),
      ...config.settings.queueAllowList,
      ...config.values.reconcileQueueIds,
    ]),
  ].sort();
  let metrics = new Map<string, QueueMetrics>();
  let metricsError: string | undefined;
  try {
    if (queueIds.length > 0) {
      metrics = await readQueueMetrics(deps.connect, { instanceId, queueIds });
    }
  } catch (error) {
    const outcome = outcomeFromError(error, 'contact');
    metricsError = `GetCurrentMetricData: ${outcome.code}: ${outcome.message}`;
  }
  const oldestTrackedByQueue = new Map([...tracked].map(([id, t]) => [id, t.oldestAtMs]));
  const rule = {
    instanceId,
    maxQueuedAgeMs: config.settings.maxQueuedAgeMs,
    toleranceMs: config.values.reconcileTolerance,
    nowMs,
    oldestTrackedByQueue,
  };
  return queueIds.map((queueId): QueueOverview => {
    const own = tracked.get(queueId);
    const connect = metrics.get(queueId);
    const oldestSeconds = connect?.oldestContactAgeSeconds;
    return {
      instanceId,
      queueId,
      trackedCallbacks: own?.count ?? 0,
      ...(own ? { oldestTrackedAgeMs: nowMs - own.oldestAtMs } : {}),
      ...(connect?.contactsInQueue !== undefined
        ? { contactsInQueue: connect.contactsInQueue }
        : {}),
      ...(oldestSeconds !== undefined ? { oldestContactAgeMs: oldestSeconds * 1000 } : {}),
      unexplained:
        oldestSeconds !== undefined && judgeQueue(rule, queueId, oldestSeconds) !== undefined,
      ...(metricsError ? { metricsError } : {}),
    };
  });
}

/** Connect's answers that mean "no such queue in this instance". */
const unknownQueue = new Set(['InvalidParameterException', 'ResourceNotFoundException']);

/**
 * The queue IDs (or ARNs) an operator named, as IDs, each known to Connect in at least one of
 * the target's instances: GetCurrentMetricData, the call `queues` makes, refuses a queue the
 * instance does not have. Any other error (access, throttling) is thrown as it is.
 */
export async function checkQueues(
  connect: ConnectClient,
  target: Pick<OperatorTarget, 'instanceIds' | 'region' | 'accountId'>,
  refs: readonly string[],
): Promise<string[]> {
  const { instanceIds } = target;
  const owner = {
    region: target.region,
    whose: "the target's",
    ...(target.accountId ? { accountId: target.accountId } : {}),
  };
  const ids: string[] = [];
  for (const ref of refs) {
    const parsed = toOwnQueueId(ref, owner);
    if (!parsed.ok) throw new OperatorInputError(`--queue "${ref}" ${parsed.message}`);
    const { queueId } = parsed;
    let known = false;
    for (const instanceId of instanceIds) {
      try {
        await readQueueMetrics(connect, { instanceId, queueIds: [queueId] });
        known = true;
        break;
      } catch (error) {
        if (!unknownQueue.has((error as { name?: string }).name ?? '')) throw error;
      }
    }
    if (!known) {
      throw new OperatorInputError(
        `--queue ${ref}: no such queue in instance ${instanceIds.join(', ')} (Connect refused it)`,
      );
    }
    ids.push(queueId);
  }
  return [...new Set(ids)];
}
