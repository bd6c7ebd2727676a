import type { SweepRegistry } from './end-callback.js';
import type { QueuedCallback } from './registry.js';

/** Per-queue oldest enqueue time of the callbacks a run saw queued. */
export type OldestByQueue = Map<string, number>;

/** Notes a callback seen queued, so reconciliation knows each queue's oldest entry. */
export function noteQueued(
  oldestByQueue: OldestByQueue,
  queueId: string | undefined,
  atMs: number,
): void {
  if (!queueId) return;
  const known = oldestByQueue.get(queueId);
  if (known === undefined || atMs < known) oldestByQueue.set(queueId, atMs);
}

/**
 * The candidates of one instance, page by page: an operator's selection, or the registry's
 * index of callbacks queued before `readBeforeMs`, oldest first.
 */
export function candidatePages(
  registry: SweepRegistry,
  instanceId: string,
  read: {
    selection: readonly QueuedCallback[] | undefined;
    readBeforeMs: number;
    pageSize: number;
  },
): AsyncGenerator<QueuedCallback[]> {
  return read.selection
    ? selectedIn(read.selection, instanceId)
    : registry.queuedBefore(instanceId, read.readBeforeMs, { pageSize: read.pageSize });
}

/** An operator's selection in one instance, as one page, oldest first like the index. */
async function* selectedIn(
  selection: readonly QueuedCallback[],
  instanceId: string,
): AsyncGenerator<QueuedCallback[]> {
  const mine = selection.filter((callback) => callback.instanceId === instanceId);
  if (mine.length > 0) yield mine.sort((a, b) => a.queuedAtMs - b.queuedAtMs);
}
