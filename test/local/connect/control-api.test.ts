import {
  DescribeContactCommand,
  GetCurrentMetricDataCommand,
  StopContactCommand,
} from '@aws-sdk/client-connect';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_IDS,
  InvalidLocalInputError,
  type LocalConnect,
  LocalEntityNotFoundError,
  startLocalConnect,
} from '../../../local/connect/index.js';
import { connectClient, connectError } from './support.js';

describe('control API over HTTP', () => {
  let connect: LocalConnect;
  let client: ReturnType<typeof connectClient>;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${connect.endpoint}/_local${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      body: (await response.json()) as Record<string, unknown> & unknown[],
    };
  };

  beforeAll(async () => {
    connect = await startLocalConnect({ quotas: false, freezeClock: true });
    client = connectClient(connect);
  });
  afterAll(async () => {
    await connect.close();
  });
  beforeEach(async () => {
    await call('POST', '/reset');
  });

  it('seeds an instance, queue, security profile, user and a contact without SigV4', async () => {
    expect((await call('POST', '/instances', { id: 'ctl' })).status).toBe(200);
    expect(
      (await call('POST', '/instances/ctl/queues', { id: 'q', name: 'Callbacks' })).body,
    ).toMatchObject({
      id: 'q',
      arn: 'arn:aws:connect:us-east-1:123456789012:instance/ctl/queue/q',
    });
    await call('POST', '/instances/ctl/security-profiles', {
      id: 'p',
      name: 'Sup',
      permissions: ['StopContact.Enabled'],
    });
    await call('POST', '/instances/ctl/users', {
      id: 'u',
      username: 'sup',
      securityProfileIds: ['p'],
    });

    const seeded = await call('POST', '/instances/ctl/contacts', {
      id: 'old-callback',
      channel: 'VOICE',
      initiationMethod: 'CALLBACK',
      queueId: 'q',
      enqueuedAgo: '2d',
    });

    expect(seeded.status).toBe(200);
    const { Contact } = await client.send(
      new DescribeContactCommand({ InstanceId: 'ctl', ContactId: 'old-callback' }),
    );
    expect(Contact?.QueueInfo?.EnqueueTimestamp?.getTime()).toBe(
      connect.clock.now() - 2 * 86_400_000,
    );
  });

  it('queues a callback, connects it to an agent and disconnects it, emitting events', async () => {
    await call('POST', '/reset', { scenario: 'demo' });
    const { body: callback } = await call(
      'POST',
      `/instances/${DEMO_IDS.instanceId}/actions/queue-callback`,
      {
        queueId: DEMO_IDS.queues.billing,
        customerPhoneNumber: '+12065550199',
      },
    );
    const id = callback.id as string;

    const connected = await call(
      'POST',
      `/instances/${DEMO_IDS.instanceId}/contacts/${id}/connect-to-agent`,
      {
        userId: DEMO_IDS.users.alexAgent,
      },
    );
    const disconnected = await call(
      'POST',
      `/instances/${DEMO_IDS.instanceId}/contacts/${id}/disconnect`,
    );
    await call('POST', '/events/flush');
    const events = await call('GET', '/events');

    expect(connected.body).toMatchObject({ agentId: DEMO_IDS.users.alexAgent });
    expect(disconnected.body).toMatchObject({ disconnectedAt: expect.any(Number) });
    expect(
      (events.body.events as { detail: { eventType: string } }[]).map((e) => e.detail.eventType),
    ).toEqual(['INITIATED', 'QUEUED', 'CONNECTED_TO_AGENT', 'DISCONNECTED', 'COMPLETED']);
  });

  it('starts a chat through the start-contact action', async () => {
    await call('POST', '/instances', { id: 'ctl' });

    const started = await call('POST', '/instances/ctl/actions/start-contact', {
      channel: 'CHAT',
      initiationMethod: 'API',
    });

    expect(started.body).toMatchObject({
      channel: 'CHAT',
      initiationMethod: 'API',
      instanceId: 'ctl',
    });
  });

  it('advances the clock by a duration, which ages OLDEST_CONTACT_AGE', async () => {
    await call('POST', '/reset', { scenario: 'demo' });
    const metric = async () => {
      const { MetricResults } = await client.send(
        new GetCurrentMetricDataCommand({
          InstanceId: DEMO_IDS.instanceId,
          Filters: { Queues: [DEMO_IDS.queues.billing] },
          Groupings: ['QUEUE'],
          CurrentMetrics: [{ Name: 'OLDEST_CONTACT_AGE', Unit: 'SECONDS' }],
        }),
      );
      return MetricResults?.[0]?.Collections?.[0]?.Value ?? 0;
    };
    const before = await metric();

    const advanced = await call('POST', '/clock/advance', { by: '1d' });

    expect(advanced.body.now).toBe(connect.clock.now());
    expect((await metric()) - before).toBe(86_400);
  });

  it('sets the clock to an instant', async () => {
    const set = await call('POST', '/clock/set', { iso: '2030-01-01T00:00:00.000Z' });

    expect(set.body).toEqual({
      now: Date.parse('2030-01-01T00:00:00.000Z'),
      iso: '2030-01-01T00:00:00.000Z',
    });
  });

  it.each([
    ['/clock/advance', { ms: 1e300 }, 'ms'],
    ['/clock/advance', { by: '999999999999d' }, 'by'],
    ['/clock/set', { epochMs: 9e15 }, 'epochMs'],
    ['/clock/set', { iso: '1969-12-31T00:00:00.000Z' }, 'iso'],
  ])(
    'refuses a clock move %s %j that leaves years 1970 to 9999, naming %s and keeping the clock',
    async (path, body, field) => {
      const before = await call('GET', '/clock');

      const refused = await call('POST', path, body);

      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({
        code: 'InvalidLocalInputError',
        message: expect.stringContaining(`${field}: `),
      });
      expect((await call('GET', '/clock')).body).toEqual(before.body);
      expect((await call('GET', '/state')).status).toBe(200);
    },
  );

  it('injects faults per operation and clears them', async () => {
    await call('POST', '/instances', { id: 'ctl' });
    await call('PUT', '/faults/StopContact', { errorRate: 1 });

    await expect(
      client.send(new StopContactCommand({ InstanceId: 'ctl', ContactId: 'c' })),
    ).rejects.toMatchObject(connectError('InternalServiceException', 500));
    await call('DELETE', '/faults');
    await expect(
      client.send(new StopContactCommand({ InstanceId: 'ctl', ContactId: 'c' })),
    ).rejects.toMatchObject(connectError('ResourceNotFoundException', 404));
  });

  it('sets a quota per operation and switches quotas on and off', async () => {
    await call('POST', '/instances', { id: 'ctl' });
    await call('PUT', '/quotas', { enabled: true });
    const quotas = await call('PUT', '/quotas/DescribeContact', { ratePerSecond: 0.001, burst: 1 });
    const describe = () =>
      client.send(new DescribeContactCommand({ InstanceId: 'ctl', ContactId: 'c' }));
    await describe().catch(() => {});

    await expect(describe()).rejects.toMatchObject(connectError('ThrottlingException', 429));
    expect(quotas.body).toMatchObject({
      enabled: true,
      operations: { DescribeContact: { ratePerSecond: 0.001, burst: 1 } },
    });
    await call('PUT', '/quotas', { enabled: false });
    await expect(describe()).rejects.toMatchObject(connectError('ResourceNotFoundException', 404));
  });

  it('sets event delivery', async () => {
    const delivery = await call('PUT', '/events/delivery', {
      lossRate: 0.25,
      duplicateRate: 0.1,
      reorder: true,
    });

    expect(delivery.body).toEqual({ lossRate: 0.25, duplicateRate: 0.1, reorder: true });
  });

  it('reads the whole state and the request log as JSON', async () => {
    await call('POST', '/reset', { scenario: 'demo' });
    await client.send(
      new DescribeContactCommand({
        InstanceId: DEMO_IDS.instanceId,
        ContactId: DEMO_IDS.contacts.chatQueued,
      }),
    );

    const state = await call('GET', '/state');
    const requests = await call('GET', '/requests');

    expect((state.body.instances as { contacts: unknown[] }[])[0]?.contacts).toHaveLength(15);
    expect(requests.body).toEqual([
      expect.objectContaining({ operation: 'DescribeContact', method: 'GET', status: 200 }),
    ]);
  });

  it('applies a scenario posted as JSON', async () => {
    const applied = await call('POST', '/scenario', {
      instances: [{ id: 'posted', queues: [{ id: 'q', name: 'Q' }] }],
    });

    expect(applied.status).toBe(200);
    expect((applied.body.instances as { id: string }[]).map((i) => i.id)).toEqual(['posted']);
  });

  it('answers 400 naming the bad field of a request body', async () => {
    await call('POST', '/instances', { id: 'ctl' });

    const bad = await call('POST', '/instances/ctl/contacts', {
      channel: 'FAX',
      initiationMethod: 'INBOUND',
    });

    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/channel/);
  });

  it('answers 404 for an unknown instance or control path', async () => {
    const unknownInstance = await call('POST', '/instances/nowhere/queues', { name: 'Q' });
    const unknownPath = await call('GET', '/nothing-here');

    expect(unknownInstance.status).toBe(404);
    expect(unknownInstance.body.message).toMatch(/instance nowhere/);
    expect(unknownPath.status).toBe(404);
    expect(unknownPath.body.message).toMatch(/no control endpoint GET \/_local\/nothing-here/);
  });
});

describe('TypeScript seeding and action API', () => {
  let connect: LocalConnect;

  beforeAll(async () => {
    connect = await startLocalConnect({ quotas: false });
    connect.seed.instance({ id: 'ts' });
    connect.seed.queue('ts', { id: 'q', name: 'Q' });
  });
  afterAll(async () => {
    await connect.close();
  });

  it('refuses to queue a callback in an unknown queue, and emits nothing', async () => {
    const queue = () =>
      connect.actions.queueCallback('ts', {
        queueId: 'ghost',
        customerPhoneNumber: '+12065550100',
      });

    expect(queue).toThrow(LocalEntityNotFoundError);
    expect(queue).toThrow(/queue ghost does not exist/);
    await connect.events.flush();
    expect(connect.events.history()).toEqual([]);
  });

  it('refuses a user whose security profile was not seeded', () => {
    expect(() => connect.seed.user('ts', { username: 'x', securityProfileIds: ['nope'] })).toThrow(
      /security profile nope does not exist/,
    );
  });

  it('refuses a contact with an unknown channel or a phone number not in E.164 form', () => {
    expect(() =>
      connect.seed.contact('ts', { channel: 'FAX', initiationMethod: 'INBOUND' }),
    ).toThrow(InvalidLocalInputError);
    expect(() =>
      connect.seed.contact('ts', {
        channel: 'VOICE',
        initiationMethod: 'INBOUND',
        customerPhoneNumber: '555-0100',
      }),
    ).toThrow(/E\.164/);
  });

  it('returns copies, so changing a returned contact does not change the emulator', () => {
    const contact = connect.seed.contact('ts', {
      id: 'copy',
      channel: 'CHAT',
      initiationMethod: 'API',
    });

    contact.tags.mutated = 'yes';

    const stored = (
      connect.state() as { instances: { contacts: { id: string; tags: object }[] }[] }
    ).instances[0]?.contacts.find((c) => c.id === 'copy');
    expect(stored?.tags).toEqual({});
  });
});
