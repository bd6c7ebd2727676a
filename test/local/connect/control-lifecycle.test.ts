import { DescribeContactCommand } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalConnect, startLocalConnect } from '../../../local/connect/index.js';
import { connectClient, seedCallCenter } from './support.js';

describe('control API for callback states, history and settings', () => {
  let connect: LocalConnect;
  let ids: ReturnType<typeof seedCallCenter>;
  const clockStart = new Date('2025-03-15T14:30:00.000Z');
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${connect.endpoint}/_local${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const contactPath = (contactId: string) => `/instances/${ids.instanceId}/contacts/${contactId}`;
  const describeContact = async (contactId: string) =>
    (
      await connectClient(connect).send(
        new DescribeContactCommand({ InstanceId: ids.instanceId, ContactId: contactId }),
      )
    ).Contact;

  beforeAll(async () => {
    connect = await startLocalConnect({ quotas: false, clockStart, freezeClock: true });
  });
  afterAll(async () => {
    await connect.close();
  });
  beforeEach(() => {
    ids = seedCallCenter(connect, clockStart);
  });

  const queueCallback = async (extra: Record<string, unknown> = {}) =>
    (
      await call('POST', `/instances/${ids.instanceId}/actions/queue-callback`, {
        queueId: ids.queueId,
        customerPhoneNumber: '+12065550100',
        ...extra,
      })
    ).body.id as string;

  it('drives a callback through offer, accept, a failed dial that is re-queued, and an answered dial', async () => {
    const id = await queueCallback();

    const offered = await call('POST', `${contactPath(id)}/offer`, { agentId: 'ana' });
    const accepted = await call('POST', `${contactPath(id)}/accept`, {});
    const failed = await call('POST', `${contactPath(id)}/dial-result`, {
      result: 'busy',
      // biome-ignore lint/suspicious/noThenProperty: `then` is the control API's body member; never awaited.
      then: 'requeue',
    });
    await call('POST', `${contactPath(id)}/accept`, { agentId: 'ben' });
    const answered = await call('POST', `${contactPath(id)}/dial-result`, { result: 'answered' });
    const history = await call('GET', `${contactPath(id)}/history`);

    expect([offered, accepted, failed, answered].map((r) => [r.status, r.body.phase])).toEqual([
      [200, 'offered'],
      [200, 'dialling'],
      [200, 'queued'],
      [200, 'connected'],
    ]);
    expect((history.body as unknown as { event: string }[]).map((e) => e.event)).toEqual([
      'queued',
      'offered',
      'accepted',
      'dialling',
      'dial-failed',
      'requeued',
      'accepted',
      'dialling',
      'connected',
    ]);
    expect((await describeContact(id))?.AgentInfo?.Id).toBe('ben');
  });

  it('answers 409 naming the state for an action the state does not allow', async () => {
    const id = await queueCallback();

    const response = await call('POST', `${contactPath(id)}/dial-result`, { result: 'answered' });

    expect(response).toEqual({
      status: 409,
      body: {
        code: 'LocalStateConflictError',
        message: expect.stringMatching(/is queued; dial-result needs a contact that is dialling/),
      },
    });
  });

  it('answers 400 naming the field for a dial result it does not know, or a then with an answer', async () => {
    const id = await queueCallback();
    await call('POST', `${contactPath(id)}/accept`, { agentId: 'ana' });

    const unknown = await call('POST', `${contactPath(id)}/dial-result`, { result: 'maybe' });
    const thenWithAnswer = await call('POST', `${contactPath(id)}/dial-result`, {
      result: 'answered',
      // biome-ignore lint/suspicious/noThenProperty: `then` is the control API's body member; never awaited.
      then: 'retry',
    });

    expect(unknown).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/result/) },
    });
    expect(thenWithAnswer).toMatchObject({
      status: 400,
      body: {
        message: expect.stringMatching(/then: then applies only to a dial that was not answered/),
      },
    });
  });

  it('runs a customer-first callback as two legs: the queued leg ends when dialling starts and the dialled leg follows it', async () => {
    const queuedLeg = await queueCallback({ customerFirst: true });
    connect.clock.advance(60_000);

    const dialled = await call('POST', `${contactPath(queuedLeg)}/dial`);
    const dialledLeg = dialled.body.id as string;

    const queued = await describeContact(queuedLeg);
    const dialledContact = await describeContact(dialledLeg);
    expect(queued).toMatchObject({
      InitiationMethod: 'CALLBACK_CUSTOMER_FIRST_QUEUED',
      DisconnectTimestamp: new Date(clockStart.getTime() + 60_000),
    });
    expect(dialledContact).toMatchObject({
      InitiationMethod: 'CALLBACK_CUSTOMER_FIRST_DIALED',
      PreviousContactId: queuedLeg,
      InitialContactId: queuedLeg,
    });
    expect(dialledContact?.DisconnectTimestamp).toBeUndefined();
    // customer-first-cb: the customer answers the dialled leg, never the queued one.
    expect(queued?.ConnectedToSystemTimestamp).toBeUndefined();
  });

  it('puts an answered customer-first dialled leg in the queue to find an agent, and recreates a failed one as a new queued leg', async () => {
    const answeredLeg = (
      await call('POST', `${contactPath(await queueCallback({ customerFirst: true }))}/dial`)
    ).body.id as string;
    const failedLeg = (
      await call('POST', `${contactPath(await queueCallback({ customerFirst: true }))}/dial`)
    ).body.id as string;

    const answered = await call('POST', `${contactPath(answeredLeg)}/dial-result`, {
      result: 'answered',
    });
    const retry = await call('POST', `${contactPath(failedLeg)}/dial-result`, {
      result: 'no-answer',
      // biome-ignore lint/suspicious/noThenProperty: `then` is the control API's body member; never awaited.
      then: 'retry',
    });

    expect(answered.body).toMatchObject({ phase: 'queued', queueId: ids.queueId });
    expect(answered.body.connectedToSystemAt).toEqual(clockStart.getTime());
    expect(retry.body).toMatchObject({
      initiationMethod: 'CALLBACK_CUSTOMER_FIRST_QUEUED',
      previousContactId: failedLeg,
      phase: 'queued',
    });
    expect((await describeContact(failedLeg))?.DisconnectReason).toBe('TELECOM_UNANSWERED');
  });

  it('switches whether SearchContacts shows queued callbacks, and reset restores the default', async () => {
    const shown = await call('PUT', '/settings', { searchShowsQueuedCallbacks: true });
    const bad = await call('PUT', '/settings', { searchShowsQueuedCallbacks: 'yes' });
    await call('POST', '/reset');
    const restored = await call('GET', '/settings');

    expect(shown.body).toMatchObject({ searchShowsQueuedCallbacks: true });
    expect(bad).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/searchShowsQueuedCallbacks/) },
    });
    expect(restored.body).toMatchObject({ searchShowsQueuedCallbacks: false });
  });

  it('takes the switch from a scenario file', async () => {
    await call('POST', '/reset', {
      scenario: {
        settings: { searchShowsQueuedCallbacks: true },
        instances: [{ id: 'scn' }],
      },
    });

    expect((await call('GET', '/settings')).body).toMatchObject({
      searchShowsQueuedCallbacks: true,
    });
  });

  it('sets the jitter and drop faults of one operation', async () => {
    const response = await call('PUT', '/faults/StopContact', {
      latencyJitterMs: 25,
      dropAfterApplyRate: 0.5,
    });
    await call('DELETE', '/faults');

    expect(response.body).toMatchObject({
      StopContact: { latencyJitterMs: 25, dropAfterApplyRate: 0.5 },
    });
  });
});
