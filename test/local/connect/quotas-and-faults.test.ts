import { DescribeContactCommand, StopContactCommand } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type LocalConnect,
  type OperationName,
  type QuotaSetting,
  startLocalConnect,
} from '../../../local/connect/index.js';
import { QuotaTable, TokenBucket } from '../../../local/connect/quotas.js';
import { connectClient, connectError } from './support.js';

describe('quotas', () => {
  let connect: LocalConnect;
  let client: ReturnType<typeof connectClient>;
  const instanceId = 'quota-instance';
  const stopFreshChat = () => {
    const chat = connect.seed.contact(instanceId, { channel: 'CHAT', initiationMethod: 'API' });
    return client.send(new StopContactCommand({ InstanceId: instanceId, ContactId: chat.id }));
  };

  beforeAll(async () => {
    connect = await startLocalConnect();
    client = connectClient(connect);
  });
  afterAll(async () => {
    await connect.close();
  });
  beforeEach(() => {
    connect.reset();
    connect.seed.instance({ id: instanceId });
  });

  it('lets a burst through, then answers ThrottlingException 429', async () => {
    // A refill too slow to matter, so the count does not depend on how fast this machine is.
    connect.quotas.set('StopContact', { ratePerSecond: 0.001, burst: 15 });

    const outcomes = await Promise.allSettled(Array.from({ length: 25 }, stopFreshChat));

    const throttled = outcomes.filter((o) => o.status === 'rejected');
    expect(outcomes.length - throttled.length).toBe(15);
    expect(throttled[0]).toMatchObject({
      reason: connectError('ThrottlingException', 429, /Rate exceeded/),
    });
    expect(connect.requestLog().filter((entry) => entry.status === 429)[0]).toMatchObject({
      operation: 'StopContact',
      errorType: 'ThrottlingException',
    });
  });

  it("throttles each operation at Connect's published burst, then refills it at the published rate", () => {
    let nowMs = 0;
    const quotas = new QuotaTable(true, () => nowMs);
    const published: Partial<Record<OperationName, QuotaSetting>> = {
      StopContact: { ratePerSecond: 10, burst: 15 },
      DescribeContact: { ratePerSecond: 10, burst: 15 },
      SearchContacts: { ratePerSecond: 0.5, burst: 1 },
      GetCurrentMetricData: { ratePerSecond: 5, burst: 8 },
      GetContactMetrics: { ratePerSecond: 2, burst: 5 },
      DescribeUser: { ratePerSecond: 2, burst: 5 },
      ListSecurityProfilePermissions: { ratePerSecond: 2, burst: 5 },
      SearchUsers: { ratePerSecond: 2, burst: 5 },
      TagContact: { ratePerSecond: 20, burst: 25 },
      UpdateContactAttributes: { ratePerSecond: 10, burst: 15 },
    };
    const admitted = (operation: OperationName, calls: number) =>
      Array.from({ length: calls }, () => quotas.tryAcquire(operation)).filter(Boolean).length;

    for (const [operation, { ratePerSecond, burst }] of Object.entries(published) as [
      OperationName,
      QuotaSetting,
    ][]) {
      const atOnce = admitted(operation, burst + 1);
      nowMs += 1000 / ratePerSecond;
      const oneTokenLater = admitted(operation, 2);

      expect([operation, atOnce, oneTokenLater]).toEqual([operation, burst, 1]);
    }
  });

  it('throttles nothing once quotas are switched off globally', async () => {
    connect.quotas.enable(false);

    for (let i = 0; i < 40; i++) await stopFreshChat();

    expect(connect.requestLog().filter((entry) => entry.status === 429)).toEqual([]);
    connect.quotas.enable(true);
  });

  it('throttles nothing for an operation whose quota is switched off', async () => {
    connect.quotas.set('StopContact', false);

    for (let i = 0; i < 40; i++) await stopFreshChat();

    expect(connect.requestLog().every((entry) => entry.status === 200)).toBe(true);
  });

  it('applies a configured quota', async () => {
    connect.quotas.set('StopContact', { ratePerSecond: 0.001, burst: 2 });
    await stopFreshChat();
    await stopFreshChat();

    await expect(stopFreshChat()).rejects.toMatchObject(connectError('ThrottlingException', 429));
  });

  it('takes per-operation quotas as a start option', async () => {
    const tuned = await startLocalConnect({
      quotas: { StopContact: { ratePerSecond: 0.001, burst: 1 } },
    });
    try {
      tuned.seed.instance({ id: 'i' });
      const tunedClient = connectClient(tuned);
      const stop = () => {
        const chat = tuned.seed.contact('i', { channel: 'CHAT', initiationMethod: 'API' });
        return tunedClient.send(new StopContactCommand({ InstanceId: 'i', ContactId: chat.id }));
      };
      await stop();

      await expect(stop()).rejects.toMatchObject(connectError('ThrottlingException', 429));
    } finally {
      await tuned.close();
    }
  });

  it('refills tokens at ratePerSecond on real time, up to the burst', () => {
    let nowMs = 0;
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 2 }, () => nowMs);

    const burst = [bucket.tryTake(), bucket.tryTake(), bucket.tryTake()];
    nowMs += 100;
    const afterOneTenth = bucket.tryTake();
    nowMs += 10_000;
    const afterLongIdle = [bucket.tryTake(), bucket.tryTake(), bucket.tryTake()];

    expect(burst).toEqual([true, true, false]);
    expect(afterOneTenth).toBe(true);
    expect(afterLongIdle).toEqual([true, true, false]);
  });
});

describe('fault injection', () => {
  let connect: LocalConnect;
  const instanceId = 'fault-instance';

  beforeAll(async () => {
    connect = await startLocalConnect({ quotas: false, seed: 42 });
  });
  afterAll(async () => {
    await connect.close();
  });
  beforeEach(() => {
    connect.reset();
    connect.seed.instance({ id: instanceId });
  });

  it('answers ThrottlingException 429 at the injected throttle rate', async () => {
    connect.faults.set('StopContact', { throttleRate: 1 });

    const call = connectClient(connect).send(
      new StopContactCommand({ InstanceId: instanceId, ContactId: 'c' }),
    );

    await expect(call).rejects.toMatchObject(connectError('ThrottlingException', 429));
  });

  it('adds the injected latency', async () => {
    connect.faults.set('StopContact', { latencyMs: 40 });
    const chat = connect.seed.contact(instanceId, { channel: 'CHAT', initiationMethod: 'API' });
    const started = performance.now();

    await connectClient(connect).send(
      new StopContactCommand({ InstanceId: instanceId, ContactId: chat.id }),
    );

    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
  });

  it('fails about the injected share of requests, and the SDK retries a 500 into success', async () => {
    connect.faults.set('StopContact', { errorRate: 0.5 });
    const client = connectClient(connect);
    const outcomes: number[] = [];
    for (let i = 0; i < 100; i++) {
      const chat = connect.seed.contact(instanceId, { channel: 'CHAT', initiationMethod: 'API' });
      outcomes.push(
        await client
          .send(new StopContactCommand({ InstanceId: instanceId, ContactId: chat.id }))
          .then(
            () => 200,
            (error: { $metadata: { httpStatusCode: number } }) => error.$metadata.httpStatusCode,
          ),
      );
    }
    const retryingClient = connectClient(connect, 10);
    const chat = connect.seed.contact(instanceId, { channel: 'CHAT', initiationMethod: 'API' });
    const retried = await retryingClient.send(
      new StopContactCommand({ InstanceId: instanceId, ContactId: chat.id }),
    );

    const failures = outcomes.filter((status) => status === 500).length;
    expect(failures).toBeGreaterThan(30);
    expect(failures).toBeLessThan(70);
    expect(retried.$metadata.httpStatusCode).toBe(200);
  });

  it('draws the same faults again for the same seed', async () => {
    const runOnce = async () => {
      const fresh = await startLocalConnect({ quotas: false, seed: 7 });
      try {
        fresh.seed.instance({ id: 'i' });
        fresh.faults.set('DescribeContact', { errorRate: 0.5 });
        const chat = fresh.seed.contact('i', { channel: 'CHAT', initiationMethod: 'API' });
        const client = connectClient(fresh);
        const statuses: number[] = [];
        for (let i = 0; i < 20; i++) {
          statuses.push(
            await client
              .send(new DescribeContactCommand({ InstanceId: 'i', ContactId: chat.id }))
              .then(
                () => 200,
                (error: { $metadata: { httpStatusCode: number } }) =>
                  error.$metadata.httpStatusCode,
              ),
          );
        }
        return statuses;
      } finally {
        await fresh.close();
      }
    };

    expect(await runOnce()).toEqual(await runOnce());
  });
});
