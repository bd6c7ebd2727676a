import {
  GetCurrentMetricDataCommand,
  type GetCurrentMetricDataCommandInput,
} from '@aws-sdk/client-connect';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalConnect, startLocalConnect } from '../../../local/connect/index.js';
import { connectClient, connectError } from './support.js';

describe('GetCurrentMetricData', () => {
  let connect: LocalConnect;
  let client: ReturnType<typeof connectClient>;
  const instanceId = 'metrics-instance';
  const metrics: GetCurrentMetricDataCommandInput['CurrentMetrics'] = [
    { Name: 'CONTACTS_IN_QUEUE', Unit: 'COUNT' },
    { Name: 'OLDEST_CONTACT_AGE', Unit: 'SECONDS' },
  ];
  const get = (input: Partial<GetCurrentMetricDataCommandInput> = {}) =>
    client.send(
      new GetCurrentMetricDataCommand({
        InstanceId: instanceId,
        Filters: { Queues: ['callbacks', 'billing'] },
        Groupings: ['QUEUE'],
        CurrentMetrics: metrics,
        ...input,
      }),
    );
  const valuesOf = (
    result: { Collections?: { Metric?: { Name?: string }; Value?: number }[] } | undefined,
  ) => Object.fromEntries((result?.Collections ?? []).map((c) => [c.Metric?.Name, c.Value]));

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
    connect.seed.queue(instanceId, { id: 'callbacks', name: 'Callbacks' });
    connect.seed.queue(instanceId, { id: 'billing', name: 'Billing' });
  });

  it('counts contacts in queue and the age of the oldest, per queue', async () => {
    connect.actions.queueCallback(instanceId, {
      queueId: 'callbacks',
      customerPhoneNumber: '+12065550100',
    });
    connect.clock.advance(90_000);
    connect.actions.queueCallback(instanceId, {
      queueId: 'callbacks',
      customerPhoneNumber: '+12065550101',
    });

    const { MetricResults } = await get();

    expect(MetricResults).toHaveLength(1);
    expect(MetricResults?.[0]?.Dimensions?.Queue).toEqual({
      Id: 'callbacks',
      Arn: `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}/queue/callbacks`,
    });
    expect(valuesOf(MetricResults?.[0])).toEqual({ CONTACTS_IN_QUEUE: 2, OLDEST_CONTACT_AGE: 90 });
  });

  it('ages OLDEST_CONTACT_AGE when the clock advances', async () => {
    connect.actions.queueCallback(instanceId, {
      queueId: 'callbacks',
      customerPhoneNumber: '+12065550100',
    });
    const before = valuesOf((await get()).MetricResults?.[0]);

    connect.clock.advance(3 * 86_400_000);
    const after = valuesOf((await get()).MetricResults?.[0]);

    expect(before.OLDEST_CONTACT_AGE).toBe(0);
    expect(after.OLDEST_CONTACT_AGE).toBe(3 * 86_400);
  });

  it('stops counting a contact once it is connected to an agent or ended', async () => {
    connect.seed.securityProfile(instanceId, { id: 'p', name: 'Agent', permissions: [] });
    connect.seed.user(instanceId, { id: 'agent', username: 'agent', securityProfileIds: ['p'] });
    const answered = connect.actions.queueCallback(instanceId, {
      queueId: 'billing',
      customerPhoneNumber: '+12065550100',
    });
    const abandoned = connect.actions.queueCallback(instanceId, {
      queueId: 'billing',
      customerPhoneNumber: '+12065550101',
    });
    connect.actions.connectToAgent(instanceId, answered.id, 'agent');
    connect.actions.disconnect(instanceId, abandoned.id);

    const { MetricResults } = await get();

    expect(MetricResults).toEqual([]);
  });

  it('groups by queue and channel, and filters by channel', async () => {
    connect.actions.queueCallback(instanceId, {
      queueId: 'billing',
      customerPhoneNumber: '+12065550100',
    });
    connect.actions.startContact(instanceId, {
      channel: 'CHAT',
      initiationMethod: 'API',
      queueId: 'billing',
    });
    connect.actions.startContact(instanceId, {
      channel: 'TASK',
      initiationMethod: 'API',
      queueId: 'billing',
    });

    const { MetricResults } = await get({
      Filters: { Queues: ['billing'], Channels: ['VOICE', 'CHAT'] },
      Groupings: ['QUEUE', 'CHANNEL'],
    });

    expect(MetricResults?.map((r) => r.Dimensions?.Channel)).toEqual(['VOICE', 'CHAT']);
    expect(MetricResults?.map((r) => valuesOf(r).CONTACTS_IN_QUEUE)).toEqual([1, 1]);
  });

  it('returns OLDEST_CONTACT_AGE in milliseconds without groupings, as Connect documents', async () => {
    connect.actions.queueCallback(instanceId, {
      queueId: 'callbacks',
      customerPhoneNumber: '+12065550100',
    });
    connect.clock.advance(24_113);

    const { MetricResults } = await get({ Groupings: [] });

    expect(
      MetricResults?.[0]?.Collections?.find((c) => c.Metric?.Name === 'OLDEST_CONTACT_AGE'),
    ).toEqual({
      Metric: { Name: 'OLDEST_CONTACT_AGE', Unit: 'SECONDS' },
      Value: 24_113,
    });
  });

  it('accepts queue ARNs in the filter and the instance ARN in the path', async () => {
    connect.actions.queueCallback(instanceId, {
      queueId: 'callbacks',
      customerPhoneNumber: '+12065550100',
    });
    const instanceArn = `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`;

    const { MetricResults } = await get({
      InstanceId: instanceArn,
      Filters: { Queues: [`${instanceArn}/queue/callbacks`] },
    });

    expect(valuesOf(MetricResults?.[0]).CONTACTS_IN_QUEUE).toBe(1);
  });

  it('answers InvalidParameterException 400 for a metric with the wrong unit', async () => {
    const call = get({ CurrentMetrics: [{ Name: 'OLDEST_CONTACT_AGE', Unit: 'COUNT' }] });

    await expect(call).rejects.toMatchObject(
      connectError('InvalidParameterException', 400, /must be SECONDS/),
    );
  });

  it('answers InvalidParameterException 400 naming a metric it does not compute', async () => {
    const call = get({ CurrentMetrics: [{ Name: 'AGENTS_ONLINE', Unit: 'COUNT' }] });

    await expect(call).rejects.toMatchObject(
      connectError('InvalidParameterException', 400, /AGENTS_ONLINE/),
    );
  });

  it('answers InvalidParameterException 400 when Filters.Queues is missing', async () => {
    const call = get({ Filters: { Channels: ['VOICE'] } });

    await expect(call).rejects.toMatchObject(
      connectError('InvalidParameterException', 400, /'Filters.Queues'/),
    );
  });

  it('answers InvalidParameterException 400 naming an unknown queue', async () => {
    const call = get({ Filters: { Queues: ['nope'] } });

    await expect(call).rejects.toMatchObject(
      connectError('InvalidParameterException', 400, /queue nope/),
    );
  });

  it('answers ResourceNotFoundException 404 for an unknown instance', async () => {
    const call = get({ InstanceId: 'nowhere' });

    await expect(call).rejects.toMatchObject(connectError('ResourceNotFoundException', 404));
  });

  it('answers ThrottlingException 429 after its burst of 8', async () => {
    connect.quotas.enable(true);
    connect.quotas.set('GetCurrentMetricData', { ratePerSecond: 0.001, burst: 8 });
    for (let i = 0; i < 8; i++) await get();

    await expect(get()).rejects.toMatchObject(connectError('ThrottlingException', 429));
    connect.quotas.enable(false);
  });

  it('answers InternalServiceException 500 when a fault is injected', async () => {
    connect.faults.set('GetCurrentMetricData', { errorRate: 1 });

    await expect(get()).rejects.toMatchObject(connectError('InternalServiceException', 500));
  });
});
