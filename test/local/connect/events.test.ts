import { StopContactCommand } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ContactEvent,
  type LocalConnect,
  startLocalConnect,
} from '../../../local/connect/index.js';
import { connectClient } from './support.js';

describe('contact events', () => {
  let connect: LocalConnect;
  let received: ContactEvent[];
  let unsubscribe: () => void;
  const instanceId = 'events-instance';
  const instanceArn = `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`;
  const clockStart = new Date('2025-03-15T14:30:00.000Z');

  beforeAll(async () => {
    connect = await startLocalConnect({ quotas: false, clockStart, freezeClock: true, seed: 3 });
  });
  afterAll(async () => {
    await connect.close();
  });
  beforeEach(() => {
    connect.reset();
    connect.clock.set(clockStart.getTime());
    connect.seed.instance({ id: instanceId });
    connect.seed.queue(instanceId, { id: 'q', name: 'Callbacks' });
    connect.seed.securityProfile(instanceId, { id: 'p', name: 'Agent', permissions: [] });
    connect.seed.user(instanceId, { id: 'agent', username: 'agent', securityProfileIds: ['p'] });
    received = [];
    unsubscribe?.();
    unsubscribe = connect.events.subscribe((event) => received.push(event));
  });

  it('emits INITIATED then QUEUED for a queued callback, shaped as EventBridge delivers it', async () => {
    const callback = connect.actions.queueCallback(instanceId, {
      queueId: 'q',
      customerPhoneNumber: '+12065550100',
    });
    await connect.events.flush();

    expect(received.map((e) => e.detail.eventType)).toEqual(['INITIATED', 'QUEUED']);
    expect(received[1]).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Amazon Connect Contact Event',
      source: 'aws.connect',
      account: '123456789012',
      time: '2025-03-15T14:30:00Z',
      region: 'us-east-1',
      resources: [instanceArn, `${instanceArn}/contact/${callback.id}`],
      detail: {
        eventType: 'QUEUED',
        contactId: callback.id,
        initialContactId: callback.id,
        channel: 'VOICE',
        initiationMethod: 'CALLBACK',
        instanceArn,
        initiationTimestamp: '2025-03-15T14:30:00.000Z',
        queueInfo: {
          queueArn: `${instanceArn}/queue/q`,
          queueType: 'STANDARD',
          enqueueTimestamp: '2025-03-15T14:30:00.000Z',
        },
      },
    });
    expect(JSON.stringify(received)).not.toContain('+12065550100');
  });

  it('emits CONNECTED_TO_AGENT with the agent, then DISCONNECTED and COMPLETED with the disconnect time', async () => {
    const chat = connect.actions.startContact(instanceId, {
      channel: 'CHAT',
      initiationMethod: 'API',
      queueId: 'q',
    });
    connect.clock.advance(60_000);
    connect.actions.connectToAgent(instanceId, chat.id, 'agent');
    connect.clock.advance(60_000);
    connect.actions.disconnect(instanceId, chat.id);
    await connect.events.flush();

    expect(received.map((e) => e.detail.eventType)).toEqual([
      'INITIATED',
      'QUEUED',
      'CONNECTED_TO_AGENT',
      'DISCONNECTED',
      'COMPLETED',
    ]);
    // contact-events: with no After Contact Work, COMPLETED carries the same data as DISCONNECTED.
    expect(received[4]?.detail).toEqual({ ...received[3]?.detail, eventType: 'COMPLETED' });
    expect(received[3]?.detail).toMatchObject({
      agentInfo: {
        agentArn: `${instanceArn}/agent/agent`,
        connectedToAgentTimestamp: '2025-03-15T14:31:00.000Z',
      },
      disconnectTimestamp: '2025-03-15T14:32:00.000Z',
    });
  });

  it('emits DISCONNECTED then COMPLETED when StopContact ends a contact, and nothing when it refuses', async () => {
    const callback = connect.actions.queueCallback(instanceId, {
      queueId: 'q',
      customerPhoneNumber: '+12065550100',
    });
    const transferred = connect.seed.contact(instanceId, {
      channel: 'VOICE',
      initiationMethod: 'TRANSFER',
      queueId: 'q',
    });
    await connect.events.flush();
    received.length = 0;
    const client = connectClient(connect);

    await client.send(new StopContactCommand({ InstanceId: instanceId, ContactId: callback.id }));
    await client
      .send(new StopContactCommand({ InstanceId: instanceId, ContactId: transferred.id }))
      .catch(() => {});
    await connect.events.flush();

    expect(received.map((e) => [e.detail.eventType, e.detail.contactId])).toEqual([
      ['DISCONNECTED', callback.id],
      ['COMPLETED', callback.id],
    ]);
  });

  it('seeds contacts silently', async () => {
    connect.seed.contact(instanceId, {
      channel: 'VOICE',
      initiationMethod: 'CALLBACK',
      queueId: 'q',
    });
    await connect.events.flush();

    expect(received).toEqual([]);
    expect(connect.events.history()).toEqual([]);
  });

  it('loses events at the configured loss rate, but keeps them in the history', async () => {
    connect.events.setDelivery({ lossRate: 1 });

    connect.actions.queueCallback(instanceId, {
      queueId: 'q',
      customerPhoneNumber: '+12065550100',
    });
    await connect.events.flush();

    expect(received).toEqual([]);
    expect(connect.events.history()).toHaveLength(2);
    expect(connect.events.stats()).toMatchObject({ emitted: 2, lost: 2 });
  });

  it('delivers duplicates with the same event id at the configured duplicate rate', async () => {
    connect.events.setDelivery({ duplicateRate: 1 });

    connect.actions.startContact(instanceId, { channel: 'TASK', initiationMethod: 'API' });
    await connect.events.flush();

    expect(received).toHaveLength(2);
    expect(received[0]?.id).toBe(received[1]?.id);
  });

  it('delivers every event out of order when reordering is on, and flush() releases the window', async () => {
    connect.events.setDelivery({ reorder: true });

    const contacts = Array.from({ length: 12 }, () =>
      connect.actions.startContact(instanceId, { channel: 'TASK', initiationMethod: 'API' }),
    );
    await connect.events.flush();

    const emitted = connect.events.history().map((e) => e.id);
    expect(received.map((e) => e.id).sort()).toEqual([...emitted].sort());
    expect(received.map((e) => e.id)).not.toEqual(emitted);
    expect(new Set(received.map((e) => e.detail.contactId))).toEqual(
      new Set(contacts.map((c) => c.id)),
    );
  });

  it('keeps a throwing listener from breaking delivery to others', async () => {
    const stop = connect.events.subscribe(() => {
      throw new Error('listener bug');
    });

    connect.actions.startContact(instanceId, { channel: 'TASK', initiationMethod: 'API' });
    await connect.events.flush();
    stop();

    expect(received).toHaveLength(1);
  });
});
