import { SearchContactsCommand, type SearchContactsCommandInput } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_IDS,
  demoScenario,
  type LocalConnect,
  startLocalConnect,
} from '../../../local/connect/index.js';
import { connectClient, connectError } from './support.js';

describe('SearchContacts', () => {
  let connect: LocalConnect;
  let client: ReturnType<typeof connectClient>;
  const now = new Date('2025-03-15T14:30:00.000Z');
  const lastWeek = {
    Type: 'INITIATION_TIMESTAMP' as const,
    StartTime: new Date(now.getTime() - 7 * 86_400_000),
    EndTime: now,
  };
  const search = (input: Partial<SearchContactsCommandInput> = {}) =>
    client.send(
      new SearchContactsCommand({ InstanceId: DEMO_IDS.instanceId, TimeRange: lastWeek, ...input }),
    );

  beforeAll(async () => {
    connect = await startLocalConnect({
      scenario: demoScenario(),
      quotas: false,
      clockStart: now,
      freezeClock: true,
    });
    client = connectClient(connect);
  });
  afterAll(async () => {
    await connect.close();
  });

  it('does not return queued voice callbacks, as Connect does not', async () => {
    const { Contacts } = await search({ SearchCriteria: { InitiationMethods: ['CALLBACK'] } });

    const ids = Contacts?.map((c) => c.Id);
    expect(ids).toEqual(
      expect.arrayContaining([
        DEMO_IDS.contacts.callbackWithAgent,
        DEMO_IDS.contacts.callbackEnded,
      ]),
    );
    expect(ids).not.toContain(DEMO_IDS.contacts.callbackQueued3d);
    expect(ids).not.toContain(DEMO_IDS.contacts.callbackQueued10m);
  });

  it('returns queued callbacks, and still no other queued voice call, once searchShowsQueuedCallbacks is on', async () => {
    connect.settings.set({ searchShowsQueuedCallbacks: true });
    const { Contacts } = await search({ SearchCriteria: { Channels: ['VOICE'] } });
    connect.settings.set({ searchShowsQueuedCallbacks: false });

    const ids = Contacts?.map((c) => c.Id);
    expect(ids).toEqual(
      expect.arrayContaining([
        DEMO_IDS.contacts.callbackQueued3d,
        DEMO_IDS.contacts.callbackQueued10m,
      ]),
    );
    expect(ids).not.toContain(DEMO_IDS.contacts.inboundCallQueued);
  });

  it('returns queued chats and tasks but no queued voice call', async () => {
    const { Contacts } = await search();

    const ids = Contacts?.map((c) => c.Id);
    expect(ids).toEqual(
      expect.arrayContaining([DEMO_IDS.contacts.chatQueued, DEMO_IDS.contacts.taskQueued]),
    );
    expect(ids).not.toContain(DEMO_IDS.contacts.inboundCallQueued);
  });

  it('filters by channel, queue and agent together', async () => {
    const { Contacts, TotalCount } = await search({
      SearchCriteria: {
        Channels: ['CHAT'],
        QueueIds: [DEMO_IDS.queues.general],
        AgentIds: [DEMO_IDS.users.alexAgent],
      },
    });

    expect(TotalCount).toBe(1);
    expect(Contacts?.[0]).toMatchObject({
      Id: DEMO_IDS.contacts.chatWithAgent,
      Channel: 'CHAT',
      QueueInfo: { Id: DEMO_IDS.queues.general },
      AgentInfo: {
        Id: DEMO_IDS.users.alexAgent,
        ConnectedToAgentTimestamp: new Date('2025-03-15T14:15:00.000Z'),
      },
    });
  });

  it('matches on the timestamp TimeRange.Type names', async () => {
    const { Contacts } = await search({
      TimeRange: {
        Type: 'DISCONNECT_TIMESTAMP',
        StartTime: new Date('2025-03-14T14:00:00.000Z'),
        EndTime: new Date('2025-03-14T15:00:00.000Z'),
      },
    });

    expect(Contacts?.map((c) => c.Id).sort()).toEqual(
      [DEMO_IDS.contacts.callbackEnded, DEMO_IDS.contacts.taskEnded].sort(),
    );
  });

  it('pages with MaxResults and NextToken, newest first by default', async () => {
    const first = await search({ MaxResults: 3 });
    const second = await search({ MaxResults: 3, NextToken: first.NextToken });

    expect(first.Contacts).toHaveLength(3);
    expect(first.NextToken).toBeDefined();
    const times = [...(first.Contacts ?? []), ...(second.Contacts ?? [])].map(
      (c) => c.InitiationTimestamp?.getTime() ?? 0,
    );
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(second.Contacts?.map((c) => c.Id)).not.toContain(first.Contacts?.[0]?.Id);
  });

  it('sorts ascending when asked', async () => {
    const { Contacts } = await search({
      Sort: { FieldName: 'INITIATION_TIMESTAMP', Order: 'ASCENDING' },
    });

    const times = (Contacts ?? []).map((c) => c.InitiationTimestamp?.getTime() ?? 0);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('answers InvalidParameterException 400 for a TimeRange.Type outside the model', async () => {
    const call = search({ TimeRange: { ...lastWeek, Type: 'YESTERDAY' as never } });

    await expect(call).rejects.toMatchObject(
      connectError('InvalidParameterException', 400, /'TimeRange.Type'/),
    );
  });

  it('answers InvalidParameterException 400 when MaxResults is above 100', async () => {
    const call = search({ MaxResults: 101 });

    await expect(call).rejects.toMatchObject(
      connectError('InvalidParameterException', 400, /'MaxResults'/),
    );
  });

  it('answers InvalidParameterException 400 for a NextToken it did not issue', async () => {
    const call = search({ NextToken: 'forged' });

    await expect(call).rejects.toMatchObject(
      connectError('InvalidParameterException', 400, /NextToken/),
    );
  });

  it('answers InvalidParameterException 400 naming a search criterion it does not support', async () => {
    const call = search({
      SearchCriteria: { Name: { SearchText: ['x'], MatchType: 'MATCH_ANY' } },
    });

    await expect(call).rejects.toMatchObject(
      connectError('InvalidParameterException', 400, /SearchCriteria.Name/),
    );
  });

  it('answers ResourceNotFoundException 404 for an unknown instance', async () => {
    const call = search({ InstanceId: 'nowhere' });

    await expect(call).rejects.toMatchObject(connectError('ResourceNotFoundException', 404));
  });

  it('answers ThrottlingException 429 on the second search in a second at the default quota', async () => {
    const throttled = await startLocalConnect({ scenario: demoScenario(), clockStart: now });
    const throttledClient = connectClient(throttled);
    const input = { InstanceId: DEMO_IDS.instanceId, TimeRange: lastWeek };
    try {
      await throttledClient.send(new SearchContactsCommand(input));

      const call = throttledClient.send(new SearchContactsCommand(input));

      await expect(call).rejects.toMatchObject(connectError('ThrottlingException', 429));
    } finally {
      await throttled.close();
    }
  });

  it('answers InternalServiceException 500 when a fault is injected', async () => {
    connect.faults.set('SearchContacts', { errorRate: 1 });

    await expect(search()).rejects.toMatchObject(connectError('InternalServiceException', 500));
    connect.faults.clear();
  });
});
