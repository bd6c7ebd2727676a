import {
  type Contact as ConnectContact,
  DescribeContactCommand,
  StopContactCommand,
} from '@aws-sdk/client-connect';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ContactEvent,
  type LocalConnect,
  LocalStateConflictError,
  startLocalConnect,
} from '../../../local/connect/index.js';
import { connectClient, seedCallCenter } from './support.js';

describe('callback lifecycle', () => {
  let connect: LocalConnect;
  let client: ReturnType<typeof connectClient>;
  let ids: ReturnType<typeof seedCallCenter>;
  let events: ContactEvent[];
  const clockStart = new Date('2025-03-15T14:30:00.000Z');
  const at = (secondsAfterStart: number) =>
    new Date(clockStart.getTime() + secondsAfterStart * 1000);

  beforeAll(async () => {
    connect = await startLocalConnect({ quotas: false, clockStart, freezeClock: true });
    client = connectClient(connect);
    connect.events.subscribe((event) => events.push(event));
  });
  afterAll(async () => {
    await connect.close();
  });
  beforeEach(() => {
    ids = seedCallCenter(connect, clockStart);
    events = [];
  });

  const queueCallback = () =>
    connect.actions.queueCallback(ids.instanceId, {
      queueId: ids.queueId,
      customerPhoneNumber: '+12065550100',
    });
  const describe_ = async (contactId: string): Promise<ConnectContact> => {
    const { Contact } = await client.send(
      new DescribeContactCommand({ InstanceId: ids.instanceId, ContactId: contactId }),
    );
    if (!Contact) throw new Error('DescribeContact returned no Contact');
    return Contact;
  };
  const eventTypes = async (contactId: string) => {
    await connect.events.flush();
    return events.filter((e) => e.detail.contactId === contactId).map((e) => e.detail.eventType);
  };
  const historyEvents = (contactId: string) =>
    connect.history(ids.instanceId, contactId).map((entry) => entry.event);

  it('shows an offered callback with the agent and ring time, still enqueued and with no accept time', async () => {
    const callback = queueCallback();
    connect.clock.advance(10_000);

    connect.actions.offer(ids.instanceId, callback.id, 'ana');

    const contact = await describe_(callback.id);
    expect(contact.AgentInfo).toEqual({ Id: 'ana' });
    expect(contact.RingStartTimestamp).toEqual(at(10));
    expect(contact.QueueInfo).toEqual({ Id: ids.queueId, EnqueueTimestamp: at(0) });
    expect(contact.ConnectedToSystemTimestamp).toBeUndefined();
    expect(contact.DisconnectTimestamp).toBeUndefined();
    expect(await eventTypes(callback.id)).toEqual(['INITIATED', 'QUEUED']);
  });

  it('shows an accepted callback with its accept time and no connect times while the customer is dialled', async () => {
    const callback = queueCallback();
    connect.actions.offer(ids.instanceId, callback.id, 'ana');
    connect.clock.advance(5_000);

    const accepted = connect.actions.accept(ids.instanceId, callback.id);

    expect(accepted.phase).toBe('dialling');
    const contact = await describe_(callback.id);
    expect(contact.AgentInfo).toEqual({ Id: 'ana', AcceptedByAgentTimestamp: at(5) });
    expect(contact.ConnectedToSystemTimestamp).toBeUndefined();
    expect(contact.DisconnectTimestamp).toBeUndefined();
    expect(historyEvents(callback.id)).toEqual(['queued', 'offered', 'accepted', 'dialling']);
  });

  it('accepts a queued callback that was never offered when told which agent takes it', async () => {
    const callback = queueCallback();

    connect.actions.accept(ids.instanceId, callback.id, 'ben');

    expect((await describe_(callback.id)).AgentInfo).toMatchObject({ Id: 'ben' });
  });

  it('connects an answered callback: system and agent connect times, CONNECTED_TO_SYSTEM then CONNECTED_TO_AGENT', async () => {
    const callback = queueCallback();
    connect.actions.accept(ids.instanceId, callback.id, 'ana');
    connect.clock.advance(20_000);

    connect.actions.dialResult(ids.instanceId, callback.id, 'answered');

    const contact = await describe_(callback.id);
    expect(contact.ConnectedToSystemTimestamp).toEqual(at(20));
    expect(contact.AgentInfo).toEqual({
      Id: 'ana',
      AcceptedByAgentTimestamp: at(0),
      ConnectedToAgentTimestamp: at(20),
    });
    expect(await eventTypes(callback.id)).toEqual([
      'INITIATED',
      'QUEUED',
      'CONNECTED_TO_SYSTEM',
      'CONNECTED_TO_AGENT',
    ]);
  });

  it('dials again after a failed attempt when told to retry, staying out of the queue', async () => {
    const callback = queueCallback();
    connect.actions.accept(ids.instanceId, callback.id, 'ana');

    const retried = connect.actions.dialResult(ids.instanceId, callback.id, 'no-answer', 'retry');

    expect(retried.phase).toBe('dialling');
    expect(historyEvents(callback.id)).toEqual([
      'queued',
      'accepted',
      'dialling',
      'dial-failed',
      'dialling',
    ]);
  });

  it('re-queues a failed callback with a new enqueue time and a QUEUED event, keeping the failed attempt agent fields', async () => {
    const callback = queueCallback();
    connect.actions.accept(ids.instanceId, callback.id, 'ana');
    connect.clock.advance(30_000);

    const requeued = connect.actions.dialResult(ids.instanceId, callback.id, 'busy', 'requeue');

    expect(requeued.phase).toBe('queued');
    const contact = await describe_(callback.id);
    expect(contact.QueueInfo?.EnqueueTimestamp).toEqual(at(30));
    expect(contact.AgentInfo).toEqual({ Id: 'ana', AcceptedByAgentTimestamp: at(0) });
    expect(await eventTypes(callback.id)).toEqual(['INITIATED', 'QUEUED', 'QUEUED']);
  });

  it('ends a given-up callback with a telephony disconnect reason, DISCONNECTED then COMPLETED', async () => {
    const callback = queueCallback();
    connect.actions.accept(ids.instanceId, callback.id, 'ana');

    connect.actions.dialResult(ids.instanceId, callback.id, 'no-answer', 'give-up');

    const contact = await describe_(callback.id);
    expect(contact.DisconnectTimestamp).toEqual(at(0));
    expect(contact.DisconnectReason).toBe('TELECOM_UNANSWERED');
    expect(await eventTypes(callback.id)).toEqual([
      'INITIATED',
      'QUEUED',
      'DISCONNECTED',
      'COMPLETED',
    ]);
    expect(historyEvents(callback.id).slice(-3)).toEqual([
      'dial-failed',
      'disconnected',
      'completed',
    ]);
  });

  it('puts an offered callback back in its queue when the offer lapses', async () => {
    const callback = queueCallback();
    connect.actions.offer(ids.instanceId, callback.id, 'ana');
    connect.clock.advance(15_000);

    const requeued = connect.actions.requeue(ids.instanceId, callback.id);

    expect(requeued).toMatchObject({ phase: 'queued', enqueuedAt: at(15).getTime() });
  });

  it.each([
    ['offered', (id: string) => connect.actions.offer(ids.instanceId, id, 'ana')],
    ['accepted', (id: string) => connect.actions.accept(ids.instanceId, id, 'ana')],
    [
      'connected',
      (id: string) => {
        connect.actions.accept(ids.instanceId, id, 'ana');
        connect.actions.dialResult(ids.instanceId, id, 'answered');
      },
    ],
  ])(
    'lets StopContact end a callback that is %s, recording OTHER and the stop in its history',
    async (_state, advance) => {
      const callback = queueCallback();
      advance(callback.id);

      await client.send(
        new StopContactCommand({ InstanceId: ids.instanceId, ContactId: callback.id }),
      );

      const contact = await describe_(callback.id);
      expect(contact.DisconnectReason).toBe('OTHER');
      expect(historyEvents(callback.id).slice(-3)).toEqual([
        'stopped-by-api',
        'disconnected',
        'completed',
      ]);
    },
  );

  it('records API as the disconnect reason of a chat StopContact ends', async () => {
    const chat = connect.actions.startContact(ids.instanceId, {
      channel: 'CHAT',
      initiationMethod: 'API',
      queueId: ids.queueId,
    });

    await client.send(new StopContactCommand({ InstanceId: ids.instanceId, ContactId: chat.id }));

    expect((await describe_(chat.id)).DisconnectReason).toBe('API');
  });

  it('refuses an action the state does not allow, naming the state', () => {
    const callback = queueCallback();

    expect(() => connect.actions.dialResult(ids.instanceId, callback.id, 'answered')).toThrow(
      LocalStateConflictError,
    );
    expect(() => connect.actions.requeue(ids.instanceId, callback.id)).toThrow(/is queued/);
    connect.actions.disconnect(ids.instanceId, callback.id);
    expect(() => connect.actions.offer(ids.instanceId, callback.id, 'ana')).toThrow(
      /is disconnected; offer needs a contact that is queued or offered/,
    );
  });

  it('refuses to offer a contact that is not an agent-first callback, naming its initiation method', () => {
    const inbound = connect.actions.startContact(ids.instanceId, {
      channel: 'VOICE',
      initiationMethod: 'INBOUND',
      queueId: ids.queueId,
    });

    expect(() => connect.actions.offer(ids.instanceId, inbound.id, 'ana')).toThrow(
      /initiated by INBOUND; offer works on agent-first callbacks/,
    );
  });

  it('numbers history entries on one increasing sequence, with real and clock times', () => {
    const callback = queueCallback();
    connect.actions.offer(ids.instanceId, callback.id, 'ana');
    connect.clock.advance(1_000);
    connect.actions.accept(ids.instanceId, callback.id);

    const history = connect.history(ids.instanceId, callback.id);
    const seqs = history.map((entry) => entry.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(history.at(-1)).toMatchObject({ clockAt: at(1).getTime(), at: expect.any(Number) });
  });
});
