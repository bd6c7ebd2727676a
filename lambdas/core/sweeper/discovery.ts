import { type ConnectClient, SearchContactsCommand } from '@aws-sdk/client-connect';
import { outcomeFromError } from '../connect/errors.js';
import type { CallbackEvent } from '../registry/events.js';
import { maxQueuedLifetimeMs } from '../registry/table.js';

/** What one instance's search for untracked callbacks found. */
export interface DiscoveryResult {
  instanceId: string;
  /** SearchContacts calls made (one per page). */
  searches: number;
  /** In-progress queued callbacks SearchContacts returned. */
  found: number;
  /** Of `found`: ones the registry lacked. Added in mode `end`; counted only in mode `report`. */
  discovered: number;
  /** Contact IDs of the discovered callbacks (IDs only). */
  discoveredIds: string[];
  /** Set when SearchContacts failed; the sweep's own result stands. */
  error?: string;
}

/** The registry calls discovery makes. */
export interface DiscoveryRegistry {
  /** The tracker's own conditional write: `written` means the registry lacked this state. */
  record(event: Extract<CallbackEvent, { kind: 'queued' }>): Promise<'written' | 'superseded'>;
  /** Whether the registry holds the callback as queued since `enqueuedAtMs` or later (a read). */
  tracksQueued(contactId: string, enqueuedAtMs: number): Promise<boolean>;
}

export interface DiscoveryRequest {
  instanceId: string;
  nowMs: number;
  /** `report` writes nothing: it only counts what `end` would add. */
  write: boolean;
  /** Pages of 100 at the most; SearchContacts' quota is 0.5 requests per second. */
  maxPages: number;
  timeLeftMs: () => number;
  abortSignal?: AbortSignal;
}

/**
 * A backstop for lost contact events. AWS's pages disagree on whether contact search returns
 * queued callbacks (adminguide/contact-search has said both), so it may find nothing; when it
 * does find a queued callback the registry lacks, events were lost and it is added. Only
 * InitiationMethod CALLBACK is searched: CALLBACK_CUSTOMER_FIRST_QUEUED is not in the
 * SearchContacts API reference's values. Never throws for a Connect error.
 */
export async function discoverUntrackedCallbacks(
  connect: ConnectClient,
  registry: DiscoveryRegistry,
  request: DiscoveryRequest,
): Promise<DiscoveryResult> {
  const result: DiscoveryResult = {
    instanceId: request.instanceId,
    searches: 0,
    found: 0,
    discovered: 0,
    discoveredIds: [],
  };
  let nextToken: string | undefined;
  try {
    do {
      if (request.timeLeftMs() <= 0) break;
      result.searches++;
      const page = await connect.send(
        new SearchContactsCommand({
          InstanceId: request.instanceId,
          TimeRange: {
            Type: 'ENQUEUE_TIMESTAMP',
            StartTime: new Date(request.nowMs - maxQueuedLifetimeMs),
            EndTime: new Date(request.nowMs),
          },
          SearchCriteria: { Channels: ['VOICE'], InitiationMethods: ['CALLBACK'] },
          MaxResults: 100,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
        { abortSignal: request.abortSignal },
      );
      for (const contact of page.Contacts ?? []) {
        const enqueuedAt = contact.QueueInfo?.EnqueueTimestamp;
        // In progress and queued: not disconnected, never connected to an agent, enqueued.
        if (
          !contact.Id ||
          contact.DisconnectTimestamp ||
          contact.AgentInfo?.ConnectedToAgentTimestamp
        ) {
          continue;
        }
        if (!enqueuedAt) continue;
        result.found++;
        const event = {
          kind: 'queued' as const,
          contactId: contact.Id,
          instanceId: request.instanceId,
          ...(contact.QueueInfo?.Id ? { queueId: contact.QueueInfo.Id } : {}),
          enqueuedAtMs: enqueuedAt.getTime(),
          eventAtMs: enqueuedAt.getTime(),
        };
        const lacked = request.write
          ? (await registry.record(event)) === 'written'
          : !(await registry.tracksQueued(event.contactId, event.enqueuedAtMs));
        if (lacked) {
          result.discovered++;
          result.discoveredIds.push(contact.Id);
        }
      }
      nextToken = page.NextToken;
    } while (nextToken && result.searches < request.maxPages);
  } catch (error) {
    const outcome = outcomeFromError(error, 'contact');
    result.error = `${outcome.code}: ${outcome.message}`;
  }
  return result;
}
