import { inQueueSet, type QueuedCallback, type QueueSet } from '../registry/registry.js';
import type { SweepRegistry } from './end-callback.js';

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
 * The candidates of one instance in some of its queues (one rule's share), page by page: an
 * operator's selection, or the registry's index of callbacks queued before `readBeforeMs`, oldest
 * first.
 */
export function candidatePages(
  registry: SweepRegistry,
  instanceId: string,
  read: {
    selection: readonly QueuedCallback[] | undefined;
    readBeforeMs: number;
    pageSize: number;
    queues: QueueSet;
  },
): AsyncGenerator<QueuedCallback[]> {
  return read.selection
    ? selectedIn(read.selection, instanceId, read.queues)
    : registry.queuedBefore(instanceId, read.readBeforeMs, {
        pageSize: read.pageSize,
        ...('only' in read.queues || read.queues.except.length > 0 ? { queues: read.queues } : {}),
      });
}

/** An operator's selection in one instance and some queues, as one page, oldest first like the index. */
async function* selectedIn(
  selection: readonly QueuedCallback[],
  instanceId: string,
  queues: QueueSet,
): AsyncGenerator<QueuedCallback[]> {
  const mine = selection.filter(
    (callback) => callback.instanceId === instanceId && inQueueSet(queues, callback.queueId),
  );
  if (mine.length > 0) yield mine.sort((a, b) => a.queuedAtMs - b.queuedAtMs);
}

/**
 * Fair sharing: the candidates of several streams (one per instance, or one per rule of an
 * instance; each oldest first) taken in turn, one from each while it has any, so no instance or
 * rule waits for another's whole index and the run's stop cap, time and rates are shared among
 * them. Each stream keeps its own order, so a
 * rule that keeps the oldest of a queue still sees its candidates oldest first. One page of each
 * stream is read at a time.
 */
export async function* takingTurns<T>(streams: readonly AsyncIterator<T[]>[]): AsyncGenerator<T[]> {
  let live = [...streams];
  while (live.length > 0) {
    const pages = await Promise.all(live.map((stream) => stream.next()));
    const round: T[][] = [];
    const next: AsyncIterator<T[]>[] = [];
    pages.forEach((page, i) => {
      if (page.done) return;
      round.push(page.value);
      next.push(live[i] as AsyncIterator<T[]>);
    });
    live = next;
    const merged: T[] = [];
    for (let i = 0; round.some((page) => i < page.length); i++) {
      for (const page of round) if (i < page.length) merged.push(page[i] as T);
    }
    if (merged.length > 0) yield merged;
  }
}
