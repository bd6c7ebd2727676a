import type { ConnectClient } from '@aws-sdk/client-connect';
import type { ConnectContactFlowEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConnectClient } from '../../lambdas/core/connect/client.js';
import {
  createEndContactDeps,
  readEndContactConfig,
} from '../../lambdas/core/end-contact/config.js';
import { createFlowHandler } from '../../lambdas/end-contact/end-contact.js';
import { createHttpHandler } from '../../lambdas/stop-contact-api/stop-contact-api.js';
import { type LocalConnect, startLocalConnect } from '../../local/connect/index.js';
import { LocalIam, localStackRoles } from '../../local/iam/local-iam.js';
import { flowEvent, httpEvent, lambdaContext } from '../fixtures/index.js';

// The real handlers and the real SDK, over HTTP, against the local Amazon Connect.
let connect: LocalConnect;
const clients: ConnectClient[] = [];
let flow: (event: ConnectContactFlowEvent) => Promise<Record<string, string>>;
let api: (body: unknown) => Promise<{ statusCode: number; json: Record<string, unknown> }>;

let instance: { id: string; arn: string };
let queueId: string;
const users = { supervisor: '', agent: '' };

beforeAll(async () => {
  // Each door runs as its own role, as the CDK app grants it, enforced on every call.
  const iam = new LocalIam({ accountId: '123456789012' });
  connect = await startLocalConnect({
    quotas: false,
    accountId: iam.accountId,
    authorize: ({ accessKeyId, action, resources }) =>
      iam.authorize(accessKeyId, action, resources),
  });

  instance = connect.seed.instance();
  queueId = connect.seed.queue(instance.id, { name: 'General' }).id;
  const manager = connect.seed.securityProfile(instance.id, {
    name: 'CallCenterManager',
    permissions: ['BasicAgentAccess', 'StopContact.Enabled'],
  });
  const agent = connect.seed.securityProfile(instance.id, {
    name: 'Agent',
    permissions: ['BasicAgentAccess'],
  });
  users.supervisor = connect.seed.user(instance.id, {
    username: 'sam.supervisor',
    securityProfileIds: [manager.id],
  }).id;
  users.agent = connect.seed.user(instance.id, {
    username: 'alex.agent',
    securityProfileIds: [agent.id],
  }).id;

  // The doors' own factories over the deps their handler.ts builds, pointed at the local Connect;
  // fewer attempts, so the fault tests do not sit in backoff.
  const stack = iam.addStack(
    await localStackRoles({
      instanceIds: [instance.id],
      names: { region: connect.region, accountId: iam.accountId, tableName: 'callbacks' },
    }),
  );
  const config = readEndContactConfig({ CONNECT_MAX_ATTEMPTS: '2' });
  const doorOf = (service: 'end-contact' | 'stop-contact-api') => {
    const client = createConnectClient(config.connect, {
      endpoint: connect.endpoint,
      region: connect.region,
      credentials: stack.credentialsFor(service),
    });
    clients.push(client);
    return { deps: createEndContactDeps(config, client), deadlineMs: config.deadlineMs };
  };
  const flowHandler = createFlowHandler(doorOf('end-contact'));
  const apiHandler = createHttpHandler(doorOf('stop-contact-api'));
  flow = (event) => flowHandler(event, lambdaContext()) as Promise<Record<string, string>>;
  api = async (body) => {
    const result = await apiHandler(httpEvent(JSON.stringify(body)), lambdaContext());
    return { statusCode: result.statusCode, json: JSON.parse(result.body) };
  };
});

afterEach(() => connect.faults.clear());

afterAll(async () => {
  for (const client of clients) client.destroy();
  await connect.close();
});

function queuedCallback() {
  return connect.actions.queueCallback(instance.id, {
    queueId,
    customerPhoneNumber: '+15555550123',
  });
}

interface ContactState {
  id: string;
  disconnectedAt?: number | null;
}

function contactState(contactId: string): ContactState | undefined {
  const state = connect.state() as { instances: { contacts: ContactState[] }[] };
  return state.instances.flatMap((i) => i.contacts).find((c) => c.id === contactId);
}

function endFromFlow(parameters: Record<string, string>) {
  const event = flowEvent(parameters);
  event.Details.ContactData.InstanceARN = instance.arn;
  return flow(event);
}

describe('End a Contact from a flow, against the local Amazon Connect', () => {
  it('ends a queued callback and takes OnSuccess', async () => {
    const callback = queuedCallback();

    const result = await endFromFlow({ ContactId: callback.id });

    expect(result).toEqual({ Branch: 'OnSuccess', DisconnectReason: 'TerminateScript' });
    expect(contactState(callback.id)?.disconnectedAt).toEqual(expect.any(Number));
  });

  it('takes OnInvalidContactID for a contact Connect does not know', async () => {
    const result = await endFromFlow({ ContactId: 'de300000-0000-4000-8000-00000000dead' });

    expect(result).toMatchObject({
      Branch: 'OnInvalidContactID',
      ErrorCode: 'ResourceNotFoundException',
    });
  });

  it('takes OnInvalidContactID for a voice contact that has already ended', async () => {
    const callback = queuedCallback();
    connect.actions.disconnect(instance.id, callback.id);

    const result = await endFromFlow({ ContactId: callback.id });

    expect(result).toMatchObject({
      Branch: 'OnInvalidContactID',
      ErrorCode: 'ContactNotFoundException',
    });
  });

  it('takes Default with InvalidRequestException for a transferred voice call', async () => {
    const transferred = connect.seed.contact(instance.id, {
      channel: 'VOICE',
      initiationMethod: 'TRANSFER',
      queueId,
      enqueuedAt: connect.clock.now(),
    });

    const result = await endFromFlow({ ContactId: transferred.id });

    expect(result).toMatchObject({ Branch: 'Default', ErrorCode: 'InvalidRequestException' });
    expect(contactState(transferred.id)?.disconnectedAt ?? null).toBeNull();
  });

  it('ends a contact for a SecurityUser whose profile grants StopContact.Enabled', async () => {
    const callback = queuedCallback();

    const byName = await endFromFlow({ ContactId: callback.id, SecurityUser: 'sam.supervisor' });
    const byId = await endFromFlow({
      ContactId: queuedCallback().id,
      SecurityUser: users.supervisor,
    });

    expect(byName.Branch).toBe('OnSuccess');
    expect(byId.Branch).toBe('OnSuccess');
  });

  it('takes OnUnauthorized and leaves the contact alone for an agent without the permission', async () => {
    const callback = queuedCallback();

    const result = await endFromFlow({ ContactId: callback.id, SecurityUser: 'alex.agent' });

    expect(result.Branch).toBe('OnUnauthorized');
    expect(contactState(callback.id)?.disconnectedAt ?? null).toBeNull();
  });

  it('takes OnInvalidSecurityUser for a user the instance does not have', async () => {
    const result = await endFromFlow({ ContactId: queuedCallback().id, SecurityUser: 'nobody' });

    expect(result.Branch).toBe('OnInvalidSecurityUser');
  });

  it('takes Default with ThrottlingException when Connect keeps throttling', async () => {
    connect.faults.set('StopContact', { throttleRate: 1 });

    const result = await endFromFlow({ ContactId: queuedCallback().id });

    expect(result).toMatchObject({ Branch: 'Default', ErrorCode: 'ThrottlingException' });
  });

  it('takes Default with InternalServiceException when Connect keeps failing', async () => {
    connect.faults.set('StopContact', { errorRate: 1 });

    const result = await endFromFlow({ ContactId: queuedCallback().id });

    expect(result).toMatchObject({ Branch: 'Default', ErrorCode: 'InternalServiceException' });
  });
});

describe('End a Contact over HTTP, against the local Amazon Connect', () => {
  it('answers 200 {} and ends the contact', async () => {
    const chat = connect.actions.startContact(instance.id, {
      channel: 'CHAT',
      initiationMethod: 'API',
      queueId,
    });

    const response = await api({ ContactId: chat.id, InstanceId: instance.arn });

    expect(response).toEqual({ statusCode: 200, json: {} });
    expect(contactState(chat.id)?.disconnectedAt).toEqual(expect.any(Number));
  });

  it.each([
    [
      'an unknown contact',
      () => 'de300000-0000-4000-8000-00000000beef',
      404,
      'ResourceNotFoundException',
    ],
    [
      'an ended voice contact',
      () => {
        const callback = queuedCallback();
        connect.actions.disconnect(instance.id, callback.id);
        return callback.id;
      },
      410,
      'ContactNotFoundException',
    ],
  ])('answers %s with %s %s', async (_name, contactId, status, code) => {
    const response = await api({ ContactId: contactId(), InstanceId: instance.id });

    expect(response.statusCode).toBe(status);
    expect(response.json.code).toBe(code);
  });

  it('answers 403 for a SecurityUser without the permission', async () => {
    const response = await api({
      ContactId: queuedCallback().id,
      InstanceId: instance.id,
      SecurityUser: users.agent,
    });

    expect(response).toMatchObject({ statusCode: 403, json: { code: 'AccessDeniedException' } });
  });

  it('answers 429 when Connect keeps throttling', async () => {
    connect.faults.set('StopContact', { throttleRate: 1 });

    const response = await api({ ContactId: queuedCallback().id, InstanceId: instance.id });

    expect(response.statusCode).toBe(429);
  });

  it('never sends Connect a request that failed validation', async () => {
    connect.clearRequestLog();

    const response = await api({ ContactId: '../../etc', InstanceId: instance.id });

    expect(response.statusCode).toBe(400);
    expect(connect.requestLog()).toEqual([]);
  });
});

describe('honest retries at both doors, against the local Amazon Connect', () => {
  /** The status of each StopContact attempt Connect saw for one contact: 0 is a dropped connection. */
  function attempts(contactId: string): number[] {
    return connect
      .requestLog()
      .filter((entry) => entry.operation === 'StopContact' && entry.contactId === contactId)
      .map((entry) => entry.status);
  }

  function endedContact() {
    const contact = queuedCallback();
    connect.actions.disconnect(instance.id, contact.id);
    return contact;
  }

  it('never reports success when a throttled attempt is retried on a contact that had already ended', async () => {
    connect.faults.set('StopContact', { throttleRate: 0.5 });
    const answers: { attempts: number[]; status: number; branch: string }[] = [];

    for (let i = 0; i < 20; i++) {
      const viaApi = endedContact();
      const { statusCode } = await api({ ContactId: viaApi.id, InstanceId: instance.id });
      const viaFlow = endedContact();
      const { Branch } = await endFromFlow({ ContactId: viaFlow.id });
      answers.push({ attempts: attempts(viaApi.id), status: statusCode, branch: '' });
      answers.push({ attempts: attempts(viaFlow.id), status: 0, branch: Branch ?? '' });
    }

    const throttledThenGone = answers.filter((a) => a.attempts.join() === '429,410');
    expect(throttledThenGone.length).toBeGreaterThan(0);
    for (const answer of answers) {
      expect(answer.status).not.toBe(200);
      expect(answer.branch).not.toBe('OnSuccess');
    }
  });

  it('finding 9: never reports success when the contact had ended before the call and a 5xx attempt is retried into a 410', async () => {
    connect.faults.set('StopContact', { errorRate: 0.5 });
    /** A callback that ended five seconds before the call, as Connect's clock shows it. */
    const endedBefore = () => {
      connect.clock.advance(-5_000);
      const contact = endedContact();
      connect.clock.advance(5_000);
      return contact;
    };
    const answers: { attempts: number[]; status?: number; branch?: string }[] = [];

    for (let i = 0; i < 16; i++) {
      const viaApi = endedBefore();
      const { statusCode } = await api({ ContactId: viaApi.id, InstanceId: instance.id });
      answers.push({ attempts: attempts(viaApi.id), status: statusCode });
      const viaFlow = endedBefore();
      const { Branch } = await endFromFlow({ ContactId: viaFlow.id });
      answers.push({ attempts: attempts(viaFlow.id), branch: Branch ?? '' });
    }

    const failedThenGone = answers.filter((a) => a.attempts.join() === '500,410');
    expect(failedThenGone.length).toBeGreaterThan(0);
    for (const answer of failedThenGone) {
      if (answer.status !== undefined) expect(answer.status).toBe(410);
      if (answer.branch !== undefined) expect(answer.branch).toBe('OnInvalidContactID');
    }
    for (const answer of answers) {
      expect(answer.status).not.toBe(200);
      expect(answer.branch).not.toBe('OnSuccess');
    }
  });

  it('reports success when an attempt that ended the contact lost its answer and the retry finds it gone', async () => {
    connect.faults.set('StopContact', { dropAfterApplyRate: 0.5 });
    const answers: { attempts: number[]; status?: number; branch?: string }[] = [];

    for (let i = 0; i < 12; i++) {
      const viaApi = queuedCallback();
      const { statusCode } = await api({ ContactId: viaApi.id, InstanceId: instance.id });
      answers.push({ attempts: attempts(viaApi.id), status: statusCode });
      const viaFlow = queuedCallback();
      const { Branch } = await endFromFlow({ ContactId: viaFlow.id });
      answers.push({ attempts: attempts(viaFlow.id), branch: Branch ?? '' });
    }

    const droppedThenGone = answers.filter((a) => a.attempts.join() === '0,410');
    expect(droppedThenGone.length).toBeGreaterThan(0);
    for (const answer of droppedThenGone) {
      if (answer.status !== undefined) expect(answer.status).toBe(200);
      if (answer.branch !== undefined) expect(answer.branch).toBe('OnSuccess');
    }
  });
});
