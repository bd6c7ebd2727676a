import {
  DescribeContactCommand,
  GetContactMetricsCommand,
  StopContactCommand,
} from '@aws-sdk/client-connect';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FaultTable } from '../../../local/connect/faults.js';
import { type LocalConnect, startLocalConnect } from '../../../local/connect/index.js';
import { SeededRandom } from '../../../local/connect/random.js';
import { connectClient, connectError, seedCallCenter } from './support.js';

describe('the record of what happened, and faults around applying an operation', () => {
  let connect: LocalConnect;
  let ids: ReturnType<typeof seedCallCenter>;
  const clockStart = new Date('2025-03-15T14:30:00.000Z');

  beforeAll(async () => {
    connect = await startLocalConnect({ quotas: false, clockStart, freezeClock: true });
  });
  afterAll(async () => {
    await connect.close();
  });
  beforeEach(() => {
    ids = seedCallCenter(connect, clockStart);
  });

  const queueCallback = () =>
    connect.actions.queueCallback(ids.instanceId, {
      queueId: ids.queueId,
      customerPhoneNumber: '+12065550100',
    }).id;
  const stop = (contactId: string, maxAttempts = 1) =>
    connectClient(connect, maxAttempts).send(
      new StopContactCommand({ InstanceId: ids.instanceId, ContactId: contactId }),
    );

  it('logs each Connect request with its seq, contact, receive and answer times', async () => {
    const callback = queueCallback();

    await connectClient(connect).send(
      new DescribeContactCommand({ InstanceId: ids.instanceId, ContactId: callback }),
    );

    const [entry] = connect.requestLog();
    expect(entry).toEqual({
      seq: expect.any(Number),
      operation: 'DescribeContact',
      method: 'GET',
      path: `/contacts/${ids.instanceId}/${callback}`,
      status: 200,
      contactId: callback,
      receivedAt: expect.any(Number),
      at: expect.any(Number),
    });
    expect(entry?.at).toBeGreaterThanOrEqual(entry?.receivedAt ?? Number.POSITIVE_INFINITY);
  });

  it('orders a look, an agent offer and a stop on one sequence across the request log and the history', async () => {
    const callback = queueCallback();
    const client = connectClient(connect);
    await client.send(
      new GetContactMetricsCommand({
        InstanceId: ids.instanceId,
        ContactId: callback,
        Metrics: [{ Name: 'POSITION_IN_QUEUE' }],
      }),
    );
    connect.actions.offer(ids.instanceId, callback, 'ana');

    await stop(callback);

    const [look, stopEntry] = connect.requestLog();
    const history = connect.history(ids.instanceId, callback);
    const seqOf = (event: string) => history.find((entry) => entry.event === event)?.seq ?? 0;
    expect(look?.seq).toBeLessThan(seqOf('offered'));
    expect(seqOf('offered')).toBeLessThan(seqOf('stopped-by-api'));
    expect(seqOf('stopped-by-api')).toBeLessThan(stopEntry?.seq ?? 0);
  });

  it('applies a StopContact and then drops the connection: the SDK sees no answer and the contact is ended', async () => {
    const callback = queueCallback();
    connect.faults.set('StopContact', { dropAfterApplyRate: 1 });

    const call = stop(callback);

    // The SDK reports a connection reset with no HTTP status: it cannot tell whether the stop happened.
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError', code: 'ECONNRESET' });
    await expect(call).rejects.not.toHaveProperty('$metadata.httpStatusCode');
    expect(connect.history(ids.instanceId, callback).map((e) => e.event)).toContain(
      'stopped-by-api',
    );
    expect(connect.requestLog()).toEqual([
      expect.objectContaining({ operation: 'StopContact', status: 0, dropped: true }),
    ]);
    connect.faults.clear();
  });

  it('answers 410 to the retry of a StopContact whose first answer was dropped', async () => {
    const callback = queueCallback();
    connect.faults.set('StopContact', { dropAfterApplyRate: 1 });
    await stop(callback).catch(() => {});
    connect.faults.clear();

    await expect(stop(callback)).rejects.toMatchObject(
      connectError('ContactNotFoundException', 410),
    );
  });

  it('never applies a throttled or failed StopContact', async () => {
    const callback = queueCallback();
    connect.faults.set('StopContact', { throttleRate: 1 });
    await expect(stop(callback)).rejects.toMatchObject(connectError('ThrottlingException', 429));
    connect.faults.set('StopContact', { errorRate: 1 });
    await expect(stop(callback)).rejects.toMatchObject(
      connectError('InternalServiceException', 500),
    );
    connect.faults.clear();

    expect(connect.history(ids.instanceId, callback).map((e) => e.event)).toEqual(['queued']);
  });

  it('draws a latency jitter between the base latency and base plus jitter, the same for the same seed', () => {
    const draw = () => {
      const faults = new FaultTable(new SeededRandom(11));
      faults.set('DescribeContact', { latencyMs: 5, latencyJitterMs: 20 });
      return Array.from({ length: 50 }, () => faults.decide('DescribeContact').latencyMs);
    };

    const first = draw();

    expect(first).toEqual(draw());
    expect(Math.min(...first)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...first)).toBeLessThan(25);
    expect(new Set(first).size).toBeGreaterThan(40);
  });

  it('refuses a drop rate outside 0 to 1, naming it', () => {
    expect(() => connect.faults.set('StopContact', { dropAfterApplyRate: 2 })).toThrow(
      /dropAfterApplyRate must be between 0 and 1/,
    );
  });
});
