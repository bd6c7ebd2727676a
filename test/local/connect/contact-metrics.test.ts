import { GetContactMetricsCommand } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalConnect, startLocalConnect } from '../../../local/connect/index.js';
import { connectClient, connectError, seedCallCenter } from './support.js';

describe('GetContactMetrics', () => {
  let connect: LocalConnect;
  let client: ReturnType<typeof connectClient>;
  let ids: ReturnType<typeof seedCallCenter>;
  const clockStart = new Date('2025-03-15T14:30:00.000Z');

  beforeAll(async () => {
    connect = await startLocalConnect({ quotas: false, clockStart, freezeClock: true });
    client = connectClient(connect);
  });
  afterAll(async () => {
    await connect.close();
  });
  beforeEach(() => {
    ids = seedCallCenter(connect, clockStart);
  });

  const queueCallback = (queueId = ids.queueId) => {
    const contact = connect.actions.queueCallback(ids.instanceId, {
      queueId,
      customerPhoneNumber: '+12065550100',
    });
    connect.clock.advance(1_000);
    return contact.id;
  };
  const metrics = (contactId: string) =>
    client.send(
      new GetContactMetricsCommand({
        InstanceId: ids.instanceId,
        ContactId: contactId,
        Metrics: [{ Name: 'POSITION_IN_QUEUE' }, { Name: 'ESTIMATED_WAIT_TIME' }],
      }),
    );
  const position = async (contactId: string) =>
    (await metrics(contactId)).MetricResults?.find((r) => r.Name === 'POSITION_IN_QUEUE')?.Value
      ?.Number;

  it('answers a queued callback position 1-based by enqueue time within its queue, with the contact ID and ARN', async () => {
    const first = queueCallback();
    queueCallback(ids.otherQueueId);
    const second = queueCallback();
    const third = queueCallback();

    const output = await metrics(third);

    expect(output).toMatchObject({
      Id: third,
      Arn: `arn:aws:connect:us-east-1:123456789012:instance/${ids.instanceId}/contact/${third}`,
      MetricResults: [
        { Name: 'POSITION_IN_QUEUE', Value: { Number: 3 } },
        { Name: 'ESTIMATED_WAIT_TIME', Value: { Number: 180 } },
      ],
    });
    expect([await position(first), await position(second)]).toEqual([1, 2]);
  });

  it('still counts an offered callback in its queue, since only an accept takes it out', async () => {
    const callback = queueCallback();
    connect.actions.offer(ids.instanceId, callback, 'ana');

    expect(await position(callback)).toBe(1);
  });

  it('moves the callbacks behind up when one ahead is accepted', async () => {
    const first = queueCallback();
    const second = queueCallback();

    connect.actions.accept(ids.instanceId, first, 'ana');

    expect(await position(second)).toBe(1);
  });

  it.each([
    ['accepted', (id: string) => connect.actions.accept(ids.instanceId, id, 'ana')],
    ['connected', (id: string) => connect.actions.connectToAgent(ids.instanceId, id, 'ana')],
    ['disconnected', (id: string) => connect.actions.disconnect(ids.instanceId, id)],
  ])(
    'answers each metric by name with no value for a callback that is %s',
    async (_state, leaveQueue) => {
      const callback = queueCallback();
      leaveQueue(callback);

      const output = await metrics(callback);

      expect(output.MetricResults).toEqual([
        { Name: 'POSITION_IN_QUEUE' },
        { Name: 'ESTIMATED_WAIT_TIME' },
      ]);
    },
  );

  it('places a re-queued callback behind those that waited while it was dialled', async () => {
    const requeued = queueCallback();
    connect.actions.accept(ids.instanceId, requeued, 'ana');
    const waiting = queueCallback();

    connect.actions.dialResult(ids.instanceId, requeued, 'no-answer', 'requeue');

    expect([await position(waiting), await position(requeued)]).toEqual([1, 2]);
  });

  it('answers ResourceNotFoundException for an unknown contact', async () => {
    await expect(metrics('no-such-contact')).rejects.toMatchObject(
      connectError('ResourceNotFoundException', 404, /no-such-contact/),
    );
  });

  it('answers InvalidParameterException naming Metrics when none are asked for', async () => {
    await expect(
      client.send(
        new GetContactMetricsCommand({
          InstanceId: ids.instanceId,
          ContactId: queueCallback(),
          Metrics: [],
        }),
      ),
    ).rejects.toMatchObject(connectError('InvalidParameterException', 400, /'Metrics'/));
  });

  it('answers InvalidParameterException naming the metric name it does not know', async () => {
    await expect(
      client.send(
        new GetContactMetricsCommand({
          InstanceId: ids.instanceId,
          ContactId: queueCallback(),
          Metrics: [{ Name: 'AGENTS_ONLINE' as never }],
        }),
      ),
    ).rejects.toMatchObject(connectError('InvalidParameterException', 400, /Metrics\.1\.Name/));
  });

  it('takes the estimated wait per position from the settings', async () => {
    const callback = queueCallback();
    connect.settings.set({ estimatedWaitSecondsPerPosition: 45 });

    const output = await metrics(callback);

    expect(output.MetricResults?.[1]).toEqual({
      Name: 'ESTIMATED_WAIT_TIME',
      Value: { Number: 45 },
    });
  });
});
