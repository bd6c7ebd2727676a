import { DescribeContactCommand, StopContactCommand } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type LocalConnect,
  NON_STOPPABLE_VOICE_METHODS,
  startLocalConnect,
} from '../../../local/connect/index.js';
import { connectClient, connectError } from './support.js';

describe('StopContact', () => {
  let connect: LocalConnect;
  let client: ReturnType<typeof connectClient>;
  const instanceId = 'stop-instance';
  const queueId = 'stop-queue';

  beforeAll(async () => {
    connect = await startLocalConnect({ quotas: false, freezeClock: true });
    client = connectClient(connect);
  });
  afterAll(async () => {
    await connect.close();
  });
  beforeEach(() => {
    connect.reset();
    connect.seed.instance({ id: instanceId });
    connect.seed.queue(instanceId, { id: queueId, name: 'Callbacks' });
  });

  it('ends a queued voice callback: 200 with an empty body, a disconnect time, and out of its queue', async () => {
    const callback = connect.actions.queueCallback(instanceId, {
      queueId,
      customerPhoneNumber: '+12065550100',
    });
    connect.clock.advance(60_000);

    const output = await client.send(
      new StopContactCommand({ InstanceId: instanceId, ContactId: callback.id }),
    );

    expect(output.$metadata.httpStatusCode).toBe(200);
    const { Contact } = await client.send(
      new DescribeContactCommand({ InstanceId: instanceId, ContactId: callback.id }),
    );
    expect(Contact?.DisconnectTimestamp?.getTime()).toBe(connect.clock.now());
    // ctr-data-model: a voice contact ended through the API records OTHER.
    expect(Contact?.DisconnectReason).toBe('OTHER');
  });

  it('accepts the instance ARN as InstanceId', async () => {
    const chat = connect.actions.startContact(instanceId, {
      channel: 'CHAT',
      initiationMethod: 'API',
    });
    const arn = `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`;

    const output = await client.send(
      new StopContactCommand({ InstanceId: arn, ContactId: chat.id }),
    );

    expect(output.$metadata.httpStatusCode).toBe(200);
  });

  it('accepts a DisconnectReason code', async () => {
    const task = connect.actions.startContact(instanceId, {
      channel: 'TASK',
      initiationMethod: 'API',
    });

    const output = await client.send(
      new StopContactCommand({
        InstanceId: instanceId,
        ContactId: task.id,
        DisconnectReason: { Code: 'OTHER' },
      }),
    );

    expect(output.$metadata.httpStatusCode).toBe(200);
  });

  it.each([...NON_STOPPABLE_VOICE_METHODS])(
    'answers InvalidRequestException 400 naming the reason for a voice contact initiated by %s',
    async (initiationMethod) => {
      const contact = connect.seed.contact(instanceId, {
        channel: 'VOICE',
        initiationMethod,
        queueId,
      });

      const call = client.send(
        new StopContactCommand({ InstanceId: instanceId, ContactId: contact.id }),
      );

      await expect(call).rejects.toMatchObject(
        connectError(
          'InvalidRequestException',
          400,
          new RegExp(`initiation method ${initiationMethod}`),
        ),
      );
    },
  );

  it('answers ContactNotFoundException 410 when a voice contact is already disconnected', async () => {
    const call = connect.seed.contact(instanceId, {
      channel: 'VOICE',
      initiationMethod: 'INBOUND',
      disconnectedAt: connect.clock.now() - 1000,
    });

    const stop = client.send(
      new StopContactCommand({ InstanceId: instanceId, ContactId: call.id }),
    );

    await expect(stop).rejects.toMatchObject(
      connectError('ContactNotFoundException', 410, /not active/),
    );
  });

  it.each(['CHAT', 'TASK', 'EMAIL'])(
    'answers 200 and changes nothing when a %s contact is already ended',
    async (channel) => {
      const endedAt = connect.clock.now() - 5000;
      const contact = connect.seed.contact(instanceId, {
        channel,
        initiationMethod: 'API',
        disconnectedAt: endedAt,
      });

      const output = await client.send(
        new StopContactCommand({ InstanceId: instanceId, ContactId: contact.id }),
      );

      expect(output.$metadata.httpStatusCode).toBe(200);
      const { Contact } = await client.send(
        new DescribeContactCommand({ InstanceId: instanceId, ContactId: contact.id }),
      );
      expect(Contact?.DisconnectTimestamp?.getTime()).toBe(endedAt);
    },
  );

  it('ends a chat with an agent, whatever its initiation method', async () => {
    connect.seed.securityProfile(instanceId, { id: 'p', name: 'Agent', permissions: [] });
    connect.seed.user(instanceId, { id: 'agent', username: 'agent', securityProfileIds: ['p'] });
    const chat = connect.seed.contact(instanceId, {
      channel: 'CHAT',
      initiationMethod: 'TRANSFER',
      queueId,
      agentId: 'agent',
    });

    const output = await client.send(
      new StopContactCommand({ InstanceId: instanceId, ContactId: chat.id }),
    );

    expect(output.$metadata.httpStatusCode).toBe(200);
  });

  it('answers ResourceNotFoundException 404 for an unknown contact', async () => {
    const stop = client.send(
      new StopContactCommand({ InstanceId: instanceId, ContactId: 'no-such-contact' }),
    );

    await expect(stop).rejects.toMatchObject(
      connectError('ResourceNotFoundException', 404, /no-such-contact/),
    );
  });

  it('answers ResourceNotFoundException 404 for an unknown instance', async () => {
    const stop = client.send(
      new StopContactCommand({ InstanceId: 'no-such-instance', ContactId: 'c' }),
    );

    await expect(stop).rejects.toMatchObject(
      connectError('ResourceNotFoundException', 404, /no-such-instance/),
    );
  });

  it('answers InvalidParameterException 400 naming ContactId when it is longer than 256 characters', async () => {
    const stop = client.send(
      new StopContactCommand({ InstanceId: instanceId, ContactId: 'x'.repeat(257) }),
    );

    await expect(stop).rejects.toMatchObject(
      connectError('InvalidParameterException', 400, /'ContactId'.*less than or equal to 256/),
    );
  });

  it('answers InvalidParameterException 400 naming InstanceId when it is missing', async () => {
    const stop = client.send(new StopContactCommand({ ContactId: 'c' } as never));

    await expect(stop).rejects.toMatchObject(
      connectError('InvalidParameterException', 400, /'InstanceId'.*null/),
    );
  });

  it('answers InternalServiceException 500 when a fault is injected', async () => {
    connect.faults.set('StopContact', { errorRate: 1 });

    const stop = client.send(new StopContactCommand({ InstanceId: instanceId, ContactId: 'c' }));

    await expect(stop).rejects.toMatchObject(
      connectError('InternalServiceException', 500, /Injected fault/),
    );
  });
});
