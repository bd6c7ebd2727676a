import {
  ConnectClient,
  type Contact,
  DescribeContactCommand,
  GetContactMetricsCommand,
  ResourceNotFoundException,
  StopContactCommand,
  TagContactCommand,
  UpdateContactAttributesCommand,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import type { CallbackEvent } from '../../../../lambdas/core/registry/events.js';
import type { LookBackoff } from '../../../../lambdas/core/registry/look-backoff.js';
import {
  type EndedBy,
  everyQueue,
  inQueueSet,
  type QueuedCallback,
  type QueueSet,
  type StopAudit,
  type WriteResult,
} from '../../../../lambdas/core/registry/registry.js';
import type { SweepOptions, SweepSettings } from '../../../../lambdas/core/sweeper/config.js';
import type { SweepRegistry } from '../../../../lambdas/core/sweeper/model.js';
import { sweepStuckCallbacks } from '../../../../lambdas/core/sweeper/run.js';
import {
  hour,
  type TestSweepSettings,
  testSweepSettings,
} from '../../../support/sweep-settings.js';

/**
 * What the sweeper's unit tests share (run.test.ts, end.test.ts): a mocked Connect, an in-memory
 * registry that records every write, contacts as DescribeContact returns them, and one run.
 */

export const connect = mockClient(ConnectClient);
export const meta = { $metadata: {} };
export const instanceId = 'c8c0e68d-2200-4265-82c0-5a3b1c2d3e4f';
export const now = Date.parse('2026-11-22T12:00:00.000Z');

/** An in-memory registry that records every write. */
export class FakeRegistry implements SweepRegistry {
  readonly entries: QueuedCallback[] = [];
  readonly writes: { event: CallbackEvent; ended?: EndedBy }[] = [];
  readonly requeues: { contactId: string; enqueuedAtMs: number }[] = [];
  readonly intents: (StopAudit & { contactId: string })[] = [];
  readonly sweeperEnds: (StopAudit & { contactId: string })[] = [];
  readonly attempts: { contactId: string; runId: string; atMs: number }[] = [];
  readonly clearedIntents: { contactId: string; runId: string }[] = [];
  readonly backoffs = new Map<string, LookBackoff>();
  readonly lookSkips: { contactId: string; seen?: LookBackoff; next: LookBackoff }[] = [];
  readonly clearedBackoffs: string[] = [];
  pagesRead = 0;

  add(contactId: string, queuedAtMs: number, queueId = 'queue-a'): void {
    this.entries.push({
      contactId,
      instanceId,
      queueId,
      queuedAtMs,
      lastEventAtMs: queuedAtMs,
      lastEventRank: 1,
    });
  }

  async record(event: CallbackEvent, ended?: EndedBy): Promise<WriteResult> {
    this.writes.push({ event, ...(ended ? { ended } : {}) });
    return 'written';
  }

  async recordStopIntent(callback: QueuedCallback, intent: StopAudit): Promise<WriteResult> {
    this.intents.push({ contactId: callback.contactId, ...intent });
    return 'written';
  }

  async recordStopAttempt(
    callback: QueuedCallback,
    attempt: { runId: string; atMs: number },
  ): Promise<WriteResult> {
    this.attempts.push({ contactId: callback.contactId, ...attempt });
    return 'written';
  }

  async clearStopIntent(callback: QueuedCallback, runId: string): Promise<WriteResult> {
    this.clearedIntents.push({ contactId: callback.contactId, runId });
    return 'written';
  }

  async recordSweeperEnd(callback: QueuedCallback, stop: StopAudit): Promise<WriteResult> {
    this.sweeperEnds.push({ contactId: callback.contactId, ...stop });
    return 'written';
  }

  async tracksQueued(): Promise<boolean> {
    return true;
  }

  async lookBackoff(contactId: string): Promise<LookBackoff | undefined> {
    return this.backoffs.get(contactId);
  }

  async recordLookSkip(
    callback: QueuedCallback,
    seen: LookBackoff | undefined,
    next: LookBackoff,
  ): Promise<WriteResult> {
    this.lookSkips.push({ contactId: callback.contactId, ...(seen ? { seen } : {}), next });
    return 'written';
  }

  async clearLookBackoff(callback: QueuedCallback): Promise<WriteResult> {
    this.clearedBackoffs.push(callback.contactId);
    return 'written';
  }

  async requeue(callback: QueuedCallback, enqueuedAtMs: number): Promise<WriteResult> {
    this.requeues.push({ contactId: callback.contactId, enqueuedAtMs });
    return 'written';
  }

  async *queuedBefore(
    id: string,
    cutoffMs: number,
    options: { pageSize: number; queues?: QueueSet },
  ) {
    const queues = options.queues ?? everyQueue;
    const matching = this.entries
      .filter(
        (e) => e.instanceId === id && e.queuedAtMs < cutoffMs && inQueueSet(queues, e.queueId),
      )
      .sort((a, b) => a.queuedAtMs - b.queuedAtMs);
    for (let i = 0; i < matching.length; i += options.pageSize) {
      this.pagesRead++;
      yield matching.slice(i, i + options.pageSize);
    }
  }
}

/** A queued callback as DescribeContact returns it. */
export function callback(
  id: string,
  overrides: Partial<Contact> & { enqueuedAtMs?: number; queueId?: string } = {},
): Contact {
  const { enqueuedAtMs = now - 30 * hour, queueId = 'queue-a', ...rest } = overrides;
  return {
    Id: id,
    Channel: 'VOICE',
    InitiationMethod: 'CALLBACK',
    InitiationTimestamp: new Date(enqueuedAtMs - 1_000),
    QueueInfo: { Id: queueId, EnqueueTimestamp: new Date(enqueuedAtMs) },
    CustomerEndpoint: { Type: 'TELEPHONE_NUMBER', Address: '+15550100' },
    ...rest,
  };
}

/** GetContactMetrics' answer for a contact waiting in its queue. */
export function inQueue(): void {
  connect.on(GetContactMetricsCommand).resolves({
    MetricResults: [{ Name: 'POSITION_IN_QUEUE', Value: { Number: 1 } }],
  });
}

export function answerDescribe(contacts: Record<string, Contact | Error>): void {
  connect.on(DescribeContactCommand).callsFake((input: { ContactId: string }) => {
    const answer = contacts[input.ContactId];
    if (answer === undefined) {
      throw new ResourceNotFoundException({ message: 'Contact not found', ...meta });
    }
    if (answer instanceof Error) throw answer;
    return { Contact: answer };
  });
}

export const settings: SweepSettings = testSweepSettings([instanceId]);

export const options: SweepOptions = {
  concurrency: 4,
  pageSize: 2,
  timeLeftMs: () => 60_000,
  maxDecisionsInReport: 100,
};

export function sweep(
  registry: FakeRegistry,
  overrides: TestSweepSettings = {},
  optionOverrides: Partial<SweepOptions> = {},
  deps: { hashPhoneNumber?: (n: string) => string } = {},
) {
  const client = new ConnectClient({});
  return sweepStuckCallbacks(
    { connect: client, stopClient: client, registry, now: () => now, runId: 'run-1', ...deps },
    testSweepSettings([instanceId], overrides),
    { ...options, ...optionOverrides },
  );
}

export const mutatingCommands = [
  TagContactCommand.name,
  StopContactCommand.name,
  UpdateContactAttributesCommand.name,
];

/** A fresh Connect that stops and tags, and shows every contact waiting in its queue. */
export function connectStopsAndTags(): void {
  connect.reset();
  connect.on(StopContactCommand).resolves({});
  connect.on(TagContactCommand).resolves({});
  inQueue();
}
