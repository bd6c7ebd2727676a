import { DescribeContactCommand } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_IDS,
  demoScenario,
  type LocalConnect,
  startLocalConnect,
} from '../../../local/connect/index.js';
import { connectClient, connectError } from './support.js';

describe('DescribeContact', () => {
  let connect: LocalConnect;
  let client: ReturnType<typeof connectClient>;
  const clockStart = new Date('2025-03-15T14:30:00.000Z');

  beforeAll(async () => {
    connect = await startLocalConnect({
      scenario: demoScenario(),
      quotas: false,
      clockStart,
      freezeClock: true,
    });
    client = connectClient(connect);
  });
  afterAll(async () => {
    await connect.close();
  });

  it('returns a queued callback with its queue, enqueue time and no agent or disconnect time', async () => {
    const { Contact } = await client.send(
      new DescribeContactCommand({
        InstanceId: DEMO_IDS.instanceId,
        ContactId: DEMO_IDS.contacts.callbackQueued3d,
      }),
    );

    expect(Contact).toMatchObject({
      Id: DEMO_IDS.contacts.callbackQueued3d,
      Arn: `arn:aws:connect:us-east-1:123456789012:instance/${DEMO_IDS.instanceId}/contact/${DEMO_IDS.contacts.callbackQueued3d}`,
      InitialContactId: DEMO_IDS.contacts.callbackQueued3d,
      Channel: 'VOICE',
      InitiationMethod: 'CALLBACK',
      QueueInfo: {
        Id: DEMO_IDS.queues.billing,
        EnqueueTimestamp: new Date('2025-03-12T14:30:00.000Z'),
      },
      InitiationTimestamp: new Date('2025-03-12T14:30:00.000Z'),
      CustomerEndpoint: { Type: 'TELEPHONE_NUMBER', Address: expect.stringMatching(/^\+1206555/) },
      Tags: {},
    });
    expect(Contact?.AgentInfo).toBeUndefined();
    expect(Contact?.DisconnectTimestamp).toBeUndefined();
  });

  it('returns the agent, accept and connect times of a contact with an agent', async () => {
    const { Contact } = await client.send(
      new DescribeContactCommand({
        InstanceId: DEMO_IDS.instanceId,
        ContactId: DEMO_IDS.contacts.callbackWithAgent,
      }),
    );

    expect(Contact?.AgentInfo).toEqual({
      Id: DEMO_IDS.users.beaAgent,
      AcceptedByAgentTimestamp: new Date('2025-03-15T12:30:00.000Z'),
      ConnectedToAgentTimestamp: new Date('2025-03-15T12:30:00.000Z'),
    });
    expect(Contact?.ConnectedToSystemTimestamp).toEqual(new Date('2025-03-15T12:30:00.000Z'));
  });

  it('returns the previous and initial contact of a transferred call', async () => {
    const { Contact } = await client.send(
      new DescribeContactCommand({
        InstanceId: DEMO_IDS.instanceId,
        ContactId: DEMO_IDS.contacts.transferredCallQueued,
      }),
    );

    expect(Contact).toMatchObject({
      InitiationMethod: 'TRANSFER',
      PreviousContactId: DEMO_IDS.contacts.inboundCallTransferredAway,
      InitialContactId: DEMO_IDS.contacts.inboundCallTransferredAway,
    });
  });

  it('keeps millisecond precision in timestamps (epoch seconds with a fraction on the wire)', async () => {
    const contact = connect.seed.contact(DEMO_IDS.instanceId, {
      channel: 'TASK',
      initiationMethod: 'API',
      initiatedAt: Date.parse('2025-03-15T14:29:59.123Z'),
    });

    const { Contact } = await client.send(
      new DescribeContactCommand({ InstanceId: DEMO_IDS.instanceId, ContactId: contact.id }),
    );

    expect(Contact?.InitiationTimestamp?.toISOString()).toBe('2025-03-15T14:29:59.123Z');
  });

  it('accepts the instance ARN as InstanceId', async () => {
    const { Contact } = await client.send(
      new DescribeContactCommand({
        InstanceId: `arn:aws:connect:us-east-1:123456789012:instance/${DEMO_IDS.instanceId}`,
        ContactId: DEMO_IDS.contacts.chatQueued,
      }),
    );

    expect(Contact?.Channel).toBe('CHAT');
  });

  it('answers ResourceNotFoundException 404 for an unknown contact', async () => {
    const call = client.send(
      new DescribeContactCommand({ InstanceId: DEMO_IDS.instanceId, ContactId: 'missing' }),
    );

    await expect(call).rejects.toMatchObject(
      connectError('ResourceNotFoundException', 404, /Contact missing/),
    );
  });

  it('answers ResourceNotFoundException 404 for an unknown instance', async () => {
    const call = client.send(new DescribeContactCommand({ InstanceId: 'nowhere', ContactId: 'c' }));

    await expect(call).rejects.toMatchObject(
      connectError('ResourceNotFoundException', 404, /Instance nowhere/),
    );
  });

  it('answers InvalidParameterException 400 when InstanceId is longer than 100 characters', async () => {
    const call = client.send(
      new DescribeContactCommand({ InstanceId: 'i'.repeat(101), ContactId: 'c' }),
    );

    await expect(call).rejects.toMatchObject(
      connectError('InvalidParameterException', 400, /'InstanceId'/),
    );
  });

  it('answers ThrottlingException 429 once its quota is spent', async () => {
    connect.quotas.enable(true);
    connect.quotas.set('DescribeContact', { ratePerSecond: 0.001, burst: 1 });
    const input = { InstanceId: DEMO_IDS.instanceId, ContactId: DEMO_IDS.contacts.chatQueued };
    await client.send(new DescribeContactCommand(input));

    const call = client.send(new DescribeContactCommand(input));

    await expect(call).rejects.toMatchObject(
      connectError('ThrottlingException', 429, /Rate exceeded/),
    );
    connect.quotas.enable(false);
  });

  it('answers InternalServiceException 500 when a fault is injected', async () => {
    connect.faults.set('DescribeContact', { errorRate: 1 });

    const call = client.send(
      new DescribeContactCommand({
        InstanceId: DEMO_IDS.instanceId,
        ContactId: DEMO_IDS.contacts.chatQueued,
      }),
    );

    await expect(call).rejects.toMatchObject(connectError('InternalServiceException', 500));
    connect.faults.clear();
  });
});
