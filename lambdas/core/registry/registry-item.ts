import type { CallbackEvent } from './events.js';
import { maxQueuedLifetimeMs, tombstoneLifetimeMs } from './table.js';

/**
 * QUEUED: waiting in a queue (the only state in the sweeper's index).
 * DEQUEUED: left the queue without ending (with an agent); a later QUEUED may bring it back.
 * ENDED: terminal; no event, however late, brings it back.
 */
export type RegistryState = 'QUEUED' | 'DEQUEUED' | 'ENDED';

/** Orders events with the same timestamp: an end beats a connect, which beats an enqueue. */
export const rankByKind = { queued: 1, connected: 2, ended: 3 } as const;

/** One entry of the sweeper's index: a callback the registry believes is queued. */
export interface QueuedCallback {
  contactId: string;
  instanceId: string;
  queueId?: string;
  /** When Connect enqueued it (epoch ms), as the last QUEUED event or the sweeper saw it. */
  queuedAtMs: number;
  lastEventAtMs: number;
  lastEventRank: number;
  /** A run's intent to stop it, still on the entry: that run never recorded how it ended. */
  stopIntent?: StopAudit;
  /** That run's StopContact was sent then, with no known result (recordStopAttempt). */
  stopAttemptAtMs?: number;
}

/**
 * Some of the queues, by the queue the registry holds: those listed (`only`), or all but those
 * listed (`except`), entries with no queue included. One rule's share of an instance's index.
 */
export type QueueSet = { only: readonly string[] } | { except: readonly string[] };

/** Every queue, entries with no queue too. */
export const everyQueue: QueueSet = { except: [] };

export function inQueueSet(set: QueueSet, queueId: string | undefined): boolean {
  if ('only' in set) return queueId !== undefined && set.only.includes(queueId);
  return queueId === undefined || !set.except.includes(queueId);
}

/** `superseded`: the registry already held a newer (or terminal) state, so nothing changed. */
export type WriteResult = 'written' | 'superseded';

/**
 * Who wrote an ENDED entry and why, for whoever reads the table later. No personal data.
 * `callback-sweeper` claims an end: only `recordSweeperEnd` writes it, after StopContact succeeded.
 * `sweeper-observation`: the sweeper saw the contact already over (or not a callback).
 */
export interface EndedBy {
  endedBy: 'tracker' | 'sweeper-observation';
  reason?: string;
}

/** The sweeper's audit of one stop: written before the last look, settled after the stop. */
export interface StopAudit {
  runId: string;
  reason: string;
  atMs: number;
  /** An operator who asked for the run (CLI, console); unset for the schedule. */
  requestedBy?: string;
}

/** One registry item as stored. */
export interface StoredItem {
  contactId: string;
  instanceId: string;
  state: RegistryState;
  queueId?: string;
  queuedInstanceId?: string;
  queuedAt?: number;
  lastEventAt: number;
  lastEventRank: number;
  expiresAt: number;
  endedBy?: string;
  endReason?: string;
  /** The sweeper's last intent to stop it: run, reason and time. An intent is not an end. */
  stopIntentRunId?: string;
  stopIntentReason?: string;
  stopIntentAt?: number;
  /** That run's StopContact was sent then, and its result was not known (recordStopAttempt). */
  stopAttemptAt?: number;
  /** Set with endedBy `callback-sweeper`: the run whose StopContact succeeded, and when. */
  stoppedRunId?: string;
  stoppedAt?: number;
  /** Who asked for the last intent or end: an operator's identity; absent for the schedule. */
  requestedBy?: string;
  /** The sweeper's back-off (look-backoff.ts): consecutive looks that found an agent on it. */
  lookSkips?: number;
  /** Epoch ms before which no run looks at it; any event removes both. */
  nextLookAt?: number;
  /** Set on whatever the sweeper acted on, for the audit index: the instance and the time. */
  auditInstanceId?: string;
  auditAt?: number;
}

/** The item an event leaves in the table (exported so tests can seed the table in batches). */
export function registryItem(event: CallbackEvent, ended?: EndedBy): StoredItem {
  const base = {
    contactId: event.contactId,
    instanceId: event.instanceId,
    lastEventAt: event.eventAtMs,
    lastEventRank: rankByKind[event.kind],
  };
  switch (event.kind) {
    case 'queued':
      return {
        ...base,
        state: 'QUEUED',
        ...(event.queueId ? { queueId: event.queueId } : {}),
        queuedInstanceId: event.instanceId,
        queuedAt: event.enqueuedAtMs,
        expiresAt: epochSeconds(event.enqueuedAtMs + maxQueuedLifetimeMs),
      };
    case 'connected':
      return {
        ...base,
        state: 'DEQUEUED',
        expiresAt: epochSeconds(event.eventAtMs + tombstoneLifetimeMs),
      };
    case 'ended':
      return {
        ...base,
        state: 'ENDED',
        expiresAt: epochSeconds(event.eventAtMs + tombstoneLifetimeMs),
        endedBy: ended?.endedBy ?? 'tracker',
        ...(ended?.reason ? { endReason: ended.reason } : {}),
        // What the sweeper saw already over is in the audit; what the tracker recorded is not.
        ...(ended?.endedBy === 'sweeper-observation'
          ? { auditInstanceId: event.instanceId, auditAt: event.eventAtMs }
          : {}),
      };
  }
}

export function toQueuedCallback(item: Record<string, unknown>): QueuedCallback {
  return {
    contactId: String(item.contactId),
    instanceId: String(item.queuedInstanceId),
    ...(typeof item.queueId === 'string' ? { queueId: item.queueId } : {}),
    queuedAtMs: Number(item.queuedAt),
    lastEventAtMs: Number(item.lastEventAt),
    lastEventRank: Number(item.lastEventRank),
    ...(typeof item.stopIntentRunId === 'string'
      ? {
          stopIntent: {
            runId: item.stopIntentRunId,
            reason: String(item.stopIntentReason),
            atMs: Number(item.stopIntentAt),
            ...(typeof item.requestedBy === 'string' ? { requestedBy: item.requestedBy } : {}),
          },
        }
      : {}),
    ...(typeof item.stopAttemptAt === 'number' ? { stopAttemptAtMs: item.stopAttemptAt } : {}),
  };
}

export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
