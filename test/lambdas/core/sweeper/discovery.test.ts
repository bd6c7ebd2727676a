import {
  ConnectClient,
  type ContactSearchSummary,
  SearchContactsCommand,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type DiscoveryRegistry,
  discoverUntrackedCallbacks,
} from '../../../../lambdas/core/sweeper/discovery.js';

const connect = mockClient(ConnectClient);
const instanceId = 'c8c0e68d-2200-4265-82c0-5a3b1c2d3e4f';
const now = Date.parse('2026-11-22T12:00:00.000Z');

/** Tracks the contact IDs it holds; `record` writes only what it lacks, as the real condition. */
class FakeRegistry implements DiscoveryRegistry {
  readonly tracked = new Set<string>();
  writes = 0;

  async record(event: { contactId: string }) {
    if (this.tracked.has(event.contactId)) return 'superseded' as const;
    this.tracked.add(event.contactId);
    this.writes++;
    return 'written' as const;
  }

  async tracksQueued(contactId: string) {
    return this.tracked.has(contactId);
  }
}

function queuedCallback(
  id: string,
  extra: Partial<ContactSearchSummary> = {},
): ContactSearchSummary {
  return {
    Id: id,
    Channel: 'VOICE',
    InitiationMethod: 'CALLBACK',
    QueueInfo: { Id: 'queue-a', EnqueueTimestamp: new Date(now - 3_600_000) },
    ...extra,
  };
}

const request = { instanceId, nowMs: now, write: true, maxPages: 3, timeLeftMs: () => 60_000 };

describe('discoverUntrackedCallbacks', () => {
  beforeEach(() => connect.reset());

  it('searches in-progress queued voice callbacks of the last 14 days with one call', async () => {
    connect.on(SearchContactsCommand).resolves({ Contacts: [] });

    const result = await discoverUntrackedCallbacks(
      new ConnectClient({}),
      new FakeRegistry(),
      request,
    );

    expect(result).toEqual({ instanceId, searches: 1, found: 0, discovered: 0, discoveredIds: [] });
    expect(connect).toHaveReceivedCommandWith(SearchContactsCommand, {
      InstanceId: instanceId,
      TimeRange: {
        Type: 'ENQUEUE_TIMESTAMP',
        StartTime: new Date(now - 14 * 24 * 3_600_000),
        EndTime: new Date(now),
      },
      SearchCriteria: { Channels: ['VOICE'], InitiationMethods: ['CALLBACK'] },
    });
  });

  it('adds the queued callbacks the registry lacks, and counts them as discovered', async () => {
    const registry = new FakeRegistry();
    registry.tracked.add('known');
    connect.on(SearchContactsCommand).resolves({
      Contacts: [
        queuedCallback('known'),
        queuedCallback('lost'),
        queuedCallback('ended', { DisconnectTimestamp: new Date(now) }),
        queuedCallback('not-queued', { QueueInfo: { Id: 'queue-a' } }),
      ],
    });

    const result = await discoverUntrackedCallbacks(new ConnectClient({}), registry, request);

    expect(result).toMatchObject({ found: 2, discovered: 1, discoveredIds: ['lost'] });
    expect(registry.tracked.has('lost')).toBe(true);
  });

  it('in report mode counts what it would add and writes nothing', async () => {
    const registry = new FakeRegistry();
    connect.on(SearchContactsCommand).resolves({ Contacts: [queuedCallback('lost')] });

    const result = await discoverUntrackedCallbacks(new ConnectClient({}), registry, {
      ...request,
      write: false,
    });

    expect(result).toMatchObject({ discovered: 1 });
    expect(registry.writes).toBe(0);
  });

  it('follows pages up to its limit', async () => {
    connect.on(SearchContactsCommand).resolves({ Contacts: [], NextToken: 'more' });

    const result = await discoverUntrackedCallbacks(
      new ConnectClient({}),
      new FakeRegistry(),
      request,
    );

    expect(result.searches).toBe(3);
  });

  it('names a SearchContacts failure and never throws', async () => {
    connect
      .on(SearchContactsCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));

    const result = await discoverUntrackedCallbacks(
      new ConnectClient({}),
      new FakeRegistry(),
      request,
    );

    expect(result.error).toBe('ThrottlingException: Rate exceeded');
  });
});
