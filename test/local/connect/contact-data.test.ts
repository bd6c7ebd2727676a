import {
  DescribeContactCommand,
  TagContactCommand,
  UpdateContactAttributesCommand,
} from '@aws-sdk/client-connect';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ContactEvent,
  type LocalConnect,
  startLocalConnect,
} from '../../../local/connect/index.js';
import { connectClient, connectError } from './support.js';

describe('TagContact and UpdateContactAttributes', () => {
  let connect: LocalConnect;
  let client: ReturnType<typeof connectClient>;
  const instanceId = 'data-instance';

  beforeAll(async () => {
    connect = await startLocalConnect({ quotas: false });
    client = connectClient(connect);
  });
  afterAll(async () => {
    await connect.close();
  });
  beforeEach(() => {
    connect.reset();
    connect.seed.instance({ id: instanceId });
  });

  describe('TagContact', () => {
    it('merges tags into the contact and emits CONTACT_DATA_UPDATED', async () => {
      const chat = connect.seed.contact(instanceId, {
        channel: 'CHAT',
        initiationMethod: 'API',
        tags: { team: 'a' },
      });
      const events: ContactEvent[] = [];
      const unsubscribe = connect.events.subscribe((event) => events.push(event));

      await client.send(
        new TagContactCommand({
          InstanceId: instanceId,
          ContactId: chat.id,
          Tags: { reason: 'stuck' },
        }),
      );
      await connect.events.flush();
      unsubscribe();

      const { Contact } = await client.send(
        new DescribeContactCommand({ InstanceId: instanceId, ContactId: chat.id }),
      );
      expect(Contact?.Tags).toEqual({ team: 'a', reason: 'stuck' });
      expect(events.map((e) => e.detail.eventType)).toEqual(['CONTACT_DATA_UPDATED']);
    });

    it('refuses with InvalidParameterException naming Tags a request that would leave more than 6 user tags', async () => {
      const callback = connect.seed.contact(instanceId, {
        channel: 'VOICE',
        initiationMethod: 'CALLBACK',
        tags: { a: '1', b: '2', c: '3', d: '4', e: '5' },
      });

      const call = client.send(
        new TagContactCommand({
          InstanceId: instanceId,
          ContactId: callback.id,
          Tags: { EndedBy: 'callback-sweeper', EndedReason: 'stuck' },
        }),
      );

      await expect(call).rejects.toMatchObject(
        connectError('InvalidParameterException', 400, /Tags: .*7 user-defined tags; .*at most 6/),
      );
      const { Contact } = await client.send(
        new DescribeContactCommand({ InstanceId: instanceId, ContactId: callback.id }),
      );
      expect(Object.keys(Contact?.Tags ?? {})).toHaveLength(5);
    });

    it('counts neither aws: system tags nor keys it overwrites toward the 6-tag limit', async () => {
      const callback = connect.seed.contact(instanceId, {
        channel: 'VOICE',
        initiationMethod: 'CALLBACK',
        tags: { 'aws:connect:systemTag': 'x', a: '1', b: '2', c: '3', d: '4', e: '5' },
      });

      await client.send(
        new TagContactCommand({
          InstanceId: instanceId,
          ContactId: callback.id,
          Tags: { a: 'changed', f: '6' },
        }),
      );

      const { Contact } = await client.send(
        new DescribeContactCommand({ InstanceId: instanceId, ContactId: callback.id }),
      );
      expect(Contact?.Tags).toEqual({
        'aws:connect:systemTag': 'x',
        a: 'changed',
        b: '2',
        c: '3',
        d: '4',
        e: '5',
        f: '6',
      });
    });

    it('answers InvalidParameterException 400 for a tag key starting with aws:', async () => {
      const chat = connect.seed.contact(instanceId, { channel: 'CHAT', initiationMethod: 'API' });

      const call = client.send(
        new TagContactCommand({
          InstanceId: instanceId,
          ContactId: chat.id,
          Tags: { 'aws:x': 'y' },
        }),
      );

      await expect(call).rejects.toMatchObject(
        connectError('InvalidParameterException', 400, /'Tags.key'/),
      );
    });

    it('answers InvalidParameterException 400 for more than 6 tags', async () => {
      const chat = connect.seed.contact(instanceId, { channel: 'CHAT', initiationMethod: 'API' });
      const Tags = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`k${i}`, 'v']));

      const call = client.send(
        new TagContactCommand({ InstanceId: instanceId, ContactId: chat.id, Tags }),
      );

      await expect(call).rejects.toMatchObject(
        connectError('InvalidParameterException', 400, /'Tags'/),
      );
    });

    it('answers ResourceNotFoundException 404 for an unknown contact', async () => {
      const call = client.send(
        new TagContactCommand({ InstanceId: instanceId, ContactId: 'nope', Tags: { a: 'b' } }),
      );

      await expect(call).rejects.toMatchObject(
        connectError('ResourceNotFoundException', 404, /Contact nope/),
      );
    });

    it('answers ThrottlingException 429 after a burst of 5', async () => {
      const chat = connect.seed.contact(instanceId, { channel: 'CHAT', initiationMethod: 'API' });
      connect.quotas.enable(true);
      connect.quotas.set('TagContact', { ratePerSecond: 0.001, burst: 5 });
      const tag = () =>
        client.send(
          new TagContactCommand({ InstanceId: instanceId, ContactId: chat.id, Tags: { a: 'b' } }),
        );
      for (let i = 0; i < 5; i++) await tag();

      await expect(tag()).rejects.toMatchObject(connectError('ThrottlingException', 429));
      connect.quotas.enable(false);
    });
  });

  describe('UpdateContactAttributes', () => {
    it('updates the attributes of every contact in the chain of an initial contact', async () => {
      const first = connect.seed.contact(instanceId, {
        channel: 'VOICE',
        initiationMethod: 'INBOUND',
      });
      const transferred = connect.seed.contact(instanceId, {
        channel: 'VOICE',
        initiationMethod: 'TRANSFER',
        initialContactId: first.id,
        previousContactId: first.id,
      });

      await client.send(
        new UpdateContactAttributesCommand({
          InstanceId: instanceId,
          InitialContactId: first.id,
          Attributes: { endedBy: 'sweeper' },
        }),
      );

      for (const id of [first.id, transferred.id]) {
        const { Contact } = await client.send(
          new DescribeContactCommand({ InstanceId: instanceId, ContactId: id }),
        );
        expect(Contact?.Attributes).toEqual({ endedBy: 'sweeper' });
      }
    });

    it('answers InvalidParameterException 400 for an attribute key with a space', async () => {
      const chat = connect.seed.contact(instanceId, { channel: 'CHAT', initiationMethod: 'API' });

      const call = client.send(
        new UpdateContactAttributesCommand({
          InstanceId: instanceId,
          InitialContactId: chat.id,
          Attributes: { 'a b': 'c' },
        }),
      );

      await expect(call).rejects.toMatchObject(
        connectError('InvalidParameterException', 400, /'Attributes.key'/),
      );
    });

    it('answers InvalidParameterException 400 when attributes exceed 32 KB', async () => {
      const chat = connect.seed.contact(instanceId, { channel: 'CHAT', initiationMethod: 'API' });

      const call = client.send(
        new UpdateContactAttributesCommand({
          InstanceId: instanceId,
          InitialContactId: chat.id,
          Attributes: { a: 'x'.repeat(20_000), b: 'y'.repeat(20_000) },
        }),
      );

      await expect(call).rejects.toMatchObject(
        connectError('InvalidParameterException', 400, /32768/),
      );
    });

    it('answers ResourceNotFoundException 404 for an unknown initial contact', async () => {
      const call = client.send(
        new UpdateContactAttributesCommand({
          InstanceId: instanceId,
          InitialContactId: 'nope',
          Attributes: { a: 'b' },
        }),
      );

      await expect(call).rejects.toMatchObject(connectError('ResourceNotFoundException', 404));
    });

    it('answers InvalidParameterException 400 when Attributes is missing', async () => {
      const call = client.send(
        new UpdateContactAttributesCommand({
          InstanceId: instanceId,
          InitialContactId: 'c',
        } as never),
      );

      await expect(call).rejects.toMatchObject(
        connectError('InvalidParameterException', 400, /'Attributes'/),
      );
    });

    it('answers InternalServiceException 500 when a fault is injected', async () => {
      connect.faults.set('UpdateContactAttributes', { errorRate: 1 });

      const call = client.send(
        new UpdateContactAttributesCommand({
          InstanceId: instanceId,
          InitialContactId: 'c',
          Attributes: { a: 'b' },
        }),
      );

      await expect(call).rejects.toMatchObject(connectError('InternalServiceException', 500));
    });
  });
});
