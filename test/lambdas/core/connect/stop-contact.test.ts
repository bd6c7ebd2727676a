import {
  ConnectClient,
  ContactNotFoundException,
  DescribeContactCommand,
  InvalidRequestException,
  ResourceNotFoundException,
  StopContactCommand,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ambiguousAttemptStartedAt,
  failedAttemptStartedAt,
} from '../../../../lambdas/core/connect/attempts.js';
import { stopContact } from '../../../../lambdas/core/connect/stop-contact.js';
import { instanceArn, instanceId, targetContactId } from '../../../fixtures/index.js';

const connect = mockClient(ConnectClient);
const client = new ConnectClient({ region: 'us-east-1' });

describe('stopContact', () => {
  beforeEach(() => connect.reset());

  it('returns stopped when Connect answers 200', async () => {
    connect.on(StopContactCommand).resolves({});

    const outcome = await stopContact(client, { instanceId, contactId: targetContactId });

    expect(outcome).toEqual({ kind: 'stopped' });
    expect(connect).toHaveReceivedCommandWith(StopContactCommand, {
      InstanceId: instanceId,
      ContactId: targetContactId,
    });
  });

  it('normalises an instance ARN to the instance ID', async () => {
    connect.on(StopContactCommand).resolves({});

    await stopContact(client, { instanceId: instanceArn, contactId: targetContactId });

    expect(connect).toHaveReceivedCommandWith(StopContactCommand, { InstanceId: instanceId });
  });

  it('sends the disconnect reason only when one is given', async () => {
    connect.on(StopContactCommand).resolves({});

    await stopContact(client, {
      instanceId,
      contactId: targetContactId,
      disconnectReasonCode: 'CAMPAIGN_ABANDONED',
    });
    await stopContact(client, { instanceId, contactId: targetContactId });

    const inputs = connect.commandCalls(StopContactCommand).map((call) => call.args[0].input);
    expect(inputs[0]?.DisconnectReason).toEqual({ Code: 'CAMPAIGN_ABANDONED' });
    expect(inputs[1]).not.toHaveProperty('DisconnectReason');
  });

  it.each([
    ['an empty contact ID', { instanceId, contactId: '' }, 'invalid-contact-id'],
    [
      'a contact ID of 257 characters',
      { instanceId, contactId: 'a'.repeat(257) },
      'invalid-contact-id',
    ],
    ['a contact ID with a slash', { instanceId, contactId: '../admin' }, 'invalid-contact-id'],
    [
      'a malformed instance ARN',
      { instanceId: 'arn:aws:connect:us-east-1:123:instance/x', contactId: targetContactId },
      'failed',
    ],
    [
      'an instance ID of 101 characters',
      { instanceId: 'i'.repeat(101), contactId: targetContactId },
      'failed',
    ],
  ])('rejects %s without calling Connect', async (_name, request, kind) => {
    const outcome = await stopContact(client, request);

    expect(outcome).toMatchObject({ kind, code: 'ValidationException' });
    expect(connect).not.toHaveReceivedCommand(StopContactCommand);
  });

  it('names the bad field in a validation message', async () => {
    const outcome = await stopContact(client, {
      instanceId: 'arn:nope',
      contactId: targetContactId,
    });

    expect(outcome.kind !== 'stopped' && outcome.message).toMatch(/^instanceId .*instance ARN/);
  });

  it('reports a voice contact that is no longer active as contact-not-active', async () => {
    connect
      .on(StopContactCommand)
      .rejects(new ContactNotFoundException({ message: 'Contact not found', $metadata: {} }));

    const outcome = await stopContact(client, { instanceId, contactId: targetContactId });

    expect(outcome).toEqual({
      kind: 'contact-not-active',
      code: 'ContactNotFoundException',
      message: 'Contact not found',
    });
  });

  /** A 410 on a retry, after an attempt that may have reached Connect and began at `startedAt`. */
  function goneAfterAmbiguousAttempt(startedAt: number | undefined, retryStartedAt?: number) {
    const gone = new ContactNotFoundException({
      message: 'Contact not found',
      $metadata: { attempts: 2 },
    });
    Object.defineProperty(gone, ambiguousAttemptStartedAt, { value: startedAt });
    Object.defineProperty(gone, failedAttemptStartedAt, { value: retryStartedAt });
    return gone;
  }

  it('reports stopped when a retry finds the contact gone and Connect shows it ended after the ambiguous attempt began', async () => {
    const startedAt = Date.parse('2026-12-04T10:00:00.000Z');
    connect.on(StopContactCommand).rejects(goneAfterAmbiguousAttempt(startedAt));
    connect.on(DescribeContactCommand).resolves({
      Contact: { Id: targetContactId, DisconnectTimestamp: new Date(startedAt + 120) },
    });

    const outcome = await stopContact(client, { instanceId, contactId: targetContactId });

    expect(outcome).toEqual({ kind: 'stopped' });
    expect(connect).toHaveReceivedCommandWith(DescribeContactCommand, {
      InstanceId: instanceId,
      ContactId: targetContactId,
    });
  });

  it('finding 9: keeps not-active when the contact had ended before the ambiguous attempt began', async () => {
    const startedAt = Date.parse('2026-12-04T10:00:00.000Z');
    connect.on(StopContactCommand).rejects(goneAfterAmbiguousAttempt(startedAt));
    connect.on(DescribeContactCommand).resolves({
      Contact: { Id: targetContactId, DisconnectTimestamp: new Date(startedAt - 5_000) },
    });

    const outcome = await stopContact(client, { instanceId, contactId: targetContactId });

    expect(outcome).toMatchObject({ kind: 'contact-not-active', code: 'ContactNotFoundException' });
  });

  it('keeps not-active when the contact ended after the retry that found it gone had begun', async () => {
    const startedAt = Date.parse('2026-12-04T10:00:00.000Z');
    connect.on(StopContactCommand).rejects(goneAfterAmbiguousAttempt(startedAt, startedAt + 300));
    connect.on(DescribeContactCommand).resolves({
      Contact: { Id: targetContactId, DisconnectTimestamp: new Date(startedAt + 900) },
    });

    const outcome = await stopContact(client, { instanceId, contactId: targetContactId });

    expect(outcome).toMatchObject({ kind: 'contact-not-active' });
  });

  it('keeps not-active when the customer hung up between the attempts, as its disconnect reason says', async () => {
    const startedAt = Date.parse('2026-12-04T10:00:00.000Z');
    connect.on(StopContactCommand).rejects(goneAfterAmbiguousAttempt(startedAt, startedAt + 300));
    connect.on(DescribeContactCommand).resolves({
      Contact: {
        Id: targetContactId,
        DisconnectTimestamp: new Date(startedAt + 120),
        DisconnectReason: 'CUSTOMER_DISCONNECT',
      },
    });

    const outcome = await stopContact(client, { instanceId, contactId: targetContactId });

    expect(outcome).toMatchObject({ kind: 'contact-not-active' });
  });

  it('finding 9: keeps not-active when Connect cannot say when the contact ended', async () => {
    connect.on(StopContactCommand).rejects(goneAfterAmbiguousAttempt(Date.now() - 1_000));
    connect
      .on(DescribeContactCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));

    const outcome = await stopContact(client, { instanceId, contactId: targetContactId });

    expect(outcome).toMatchObject({
      kind: 'contact-not-active',
      message: expect.stringMatching(/could not be confirmed/),
    });
  });

  it('keeps not-active, asking nothing more, when a retry finds the contact gone after attempts that never reached Connect', async () => {
    connect.on(StopContactCommand).rejects(goneAfterAmbiguousAttempt(undefined));

    const outcome = await stopContact(client, { instanceId, contactId: targetContactId });

    expect(outcome).toMatchObject({ kind: 'contact-not-active' });
    expect(connect).not.toHaveReceivedCommand(DescribeContactCommand);
  });

  it('keeps the message of a contact Connect will not stop', async () => {
    connect.on(StopContactCommand).rejects(
      new InvalidRequestException({
        message: 'Contact with initiation method TRANSFER cannot be stopped',
        $metadata: {},
      }),
    );

    const outcome = await stopContact(client, { instanceId, contactId: targetContactId });

    expect(outcome).toMatchObject({
      kind: 'not-stoppable',
      message: 'Contact with initiation method TRANSFER cannot be stopped',
    });
  });

  it('reports throttled when Connect answers ThrottlingException', async () => {
    connect
      .on(StopContactCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));

    const outcome = await stopContact(client, { instanceId, contactId: targetContactId });

    expect(outcome.kind).toBe('throttled');
  });
});
