import type { ConnectClient } from '@aws-sdk/client-connect';
import type { SweepOptions, SweepSettings } from './config.js';
import { type DiscoveryResult, discoverUntrackedCallbacks } from './discovery.js';
import type { SweepRegistry } from './end-callback.js';
import { type ReconciliationResult, reconcileQueues } from './reconcile.js';
import type { OldestByQueue } from './run-candidates.js';
import { minAgeMs } from './run-rules.js';

/** What a run checks around one instance's sweep: discovery before it, reconciliation after. */

/** Searches Connect for queued callbacks the registry does not track; writes them in mode end. */
export function discoverIn(
  connect: ConnectClient,
  registry: SweepRegistry,
  instanceId: string,
  run: { nowMs: number; write: boolean; options: SweepOptions },
): Promise<DiscoveryResult> {
  const { options } = run;
  return discoverUntrackedCallbacks(connect, registry, {
    instanceId,
    nowMs: run.nowMs,
    write: run.write,
    maxPages: options.discoveryPages ?? 1,
    timeLeftMs: options.timeLeftMs,
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
  });
}

/** Compares Connect's oldest queued contact per queue with the oldest the run saw tracked. */
export function reconcileIn(
  connect: ConnectClient,
  instanceId: string,
  oldestByQueue: OldestByQueue,
  run: { nowMs: number; settings: SweepSettings; options: SweepOptions },
): Promise<ReconciliationResult> {
  const { settings, options } = run;
  const queueIds = new Set([
    ...(options.reconcileQueueIds ?? []),
    ...settings.queueAllowList,
    ...oldestByQueue.keys(),
  ]);
  return reconcileQueues(connect, {
    instanceId,
    queueIds: [...queueIds],
    // The youngest rule age in this instance: a queue older than it may hold what a rule ends.
    maxQueuedAgeMs: minAgeMs(settings, instanceId),
    toleranceMs: options.reconcileToleranceMs ?? 120_000,
    nowMs: run.nowMs,
    oldestTrackedByQueue: oldestByQueue,
    abortSignal: options.abortSignal,
  });
}
