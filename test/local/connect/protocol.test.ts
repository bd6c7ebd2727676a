import * as sdk from '@aws-sdk/client-connect';
import { CreateQueueCommand } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LocalConnect,
  OPERATION_NAMES,
  startLocalConnect,
} from '../../../local/connect/index.js';
import { connectClient, connectError } from './support.js';

const signedLooking = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=test/20250315/us-east-1/connect/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
  'x-amz-date': '20250315T143000Z',
  'content-type': 'application/json',
};

describe('rest-json protocol', () => {
  let connect: LocalConnect;

  beforeAll(async () => {
    connect = await startLocalConnect({ quotas: false });
    connect.seed.instance({ id: 'proto' });
  });
  afterAll(async () => {
    await connect.close();
  });

  it('rejects a request without an Authorization header with 403 MissingAuthenticationTokenException', async () => {
    const response = await fetch(`${connect.endpoint}/contact/stop`, {
      method: 'POST',
      body: JSON.stringify({ InstanceId: 'proto', ContactId: 'c' }),
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
  });

  it('rejects an Authorization header that is not SigV4 with 403 IncompleteSignatureException', async () => {
    const response = await fetch(`${connect.endpoint}/contact/stop`, {
      method: 'POST',
      headers: { authorization: 'Bearer abc' },
      body: '{}',
    });

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
    expect(((await response.json()) as { message: string }).message).toMatch(
      /requires 'Credential' parameter/,
    );
  });

  it('rejects a signature scoped to another service', async () => {
    const response = await fetch(`${connect.endpoint}/contact/stop`, {
      method: 'POST',
      headers: {
        ...signedLooking,
        authorization: signedLooking.authorization.replace('/connect/', '/s3/'),
      },
      body: '{}',
    });

    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /scoped to correct service: 'connect'/,
    );
  });

  it('accepts a SigV4-looking request without verifying the signature, and logs it', async () => {
    connect.clearRequestLog();
    const chat = connect.seed.contact('proto', { channel: 'CHAT', initiationMethod: 'API' });

    const response = await fetch(`${connect.endpoint}/contact/stop`, {
      method: 'POST',
      headers: signedLooking,
      body: JSON.stringify({ InstanceId: 'proto', ContactId: chat.id }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect(connect.requestLog()).toEqual([
      {
        seq: expect.any(Number),
        operation: 'StopContact',
        method: 'POST',
        path: '/contact/stop',
        status: 200,
        contactId: chat.id,
        receivedAt: expect.any(Number),
        at: expect.any(Number),
      },
    ]);
  });

  it('names a Connect operation it does not implement, through the SDK', async () => {
    const call = connectClient(connect).send(
      new CreateQueueCommand({ InstanceId: 'proto', Name: 'q', HoursOfOperationId: 'h' }),
    );

    await expect(call).rejects.toMatchObject(
      connectError(
        'UnknownOperationException',
        404,
        /does not implement operation CreateQueue \(PUT \/queues\/\{InstanceId\}\)/,
      ),
    );
  });

  it('names the method and path of a request that is no Connect operation', async () => {
    const response = await fetch(`${connect.endpoint}/no/such/thing`, { headers: signedLooking });

    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(((await response.json()) as { Message: string }).Message).toMatch(
      /does not implement GET \/no\/such\/thing, which is no Amazon Connect operation/,
    );
  });

  it('answers InvalidRequestException 400 for a body that is not JSON', async () => {
    const response = await fetch(`${connect.endpoint}/contact/stop`, {
      method: 'POST',
      headers: signedLooking,
      body: '{not json',
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidRequestException');
    expect(await response.json()).toEqual({ Message: 'The request body is not valid JSON.' });
  });

  it('answers each implemented operation the SDK sends to the path its model binds it to', async () => {
    const client = connectClient(connect);
    // Each command class by name; an operation's input type does not matter to its route.
    const commands = sdk as unknown as Record<
      string,
      new (
        input: object,
      ) => sdk.StopContactCommand
    >;
    // Every path label an implemented operation has; the body's members do not pick the route.
    const input = {
      InstanceId: 'proto',
      ContactId: 'c',
      UserId: 'u',
      QueueId: 'q',
      SecurityProfileId: 'p',
    };

    for (const name of OPERATION_NAMES) {
      connect.clearRequestLog();
      const Command = commands[`${name}Command`];
      if (!Command) throw new Error(`the SDK has no ${name}Command`);
      const error = await client.send(new Command(input)).then(
        () => undefined,
        (e: { name: string }) => e,
      );

      expect(error?.name, name).not.toBe('UnknownOperationException');
      expect(
        connect.requestLog().map((entry) => entry.operation),
        name,
      ).toEqual([name]);
    }
  });

  it('lists the implemented operations when it names one it does not implement', async () => {
    const response = await fetch(`${connect.endpoint}/queues/proto`, {
      method: 'PUT',
      headers: signedLooking,
      body: '{}',
    });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      Message:
        'local Amazon Connect does not implement operation CreateQueue (PUT /queues/{InstanceId}). ' +
        'Implemented: StopContact, DescribeContact, SearchContacts, DescribeUser, SearchUsers, ' +
        'ListSecurityProfilePermissions, GetCurrentMetricData, GetContactMetrics, TagContact, ' +
        'UpdateContactAttributes, DescribeInstance, DescribeQueue, ListQueues, ListLambdaFunctions.',
    });
  });
});
