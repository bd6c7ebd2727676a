import {
  AccessDeniedException,
  ConnectClient,
  ContactNotFoundException,
  InternalServiceException,
  InvalidActiveRegionException,
  InvalidParameterException,
  InvalidRequestException,
  ListSecurityProfilePermissionsCommand,
  ResourceNotFoundException,
  SearchUsersCommand,
  StopContactCommand,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createEndContactDeps,
  readEndContactConfig,
} from '../../../lambdas/core/end-contact/config.js';
import { handler } from '../../../lambdas/stop-contact-api/handler.js';
import { createHttpHandler } from '../../../lambdas/stop-contact-api/stop-contact-api.js';
import {
  httpEvent,
  instanceArn,
  instanceId,
  lambdaContext,
  targetContactId,
} from '../../fixtures/index.js';
import { captureEmf, expectOutcomeRecord, undoEmfCaptureAfterEach } from '../../support/emf.js';

const connect = mockClient(ConnectClient);
const meta = { $metadata: {} };
const validBody = { ContactId: targetContactId, InstanceId: instanceId };

async function post(body: unknown, options: { base64?: boolean } = {}) {
  const raw = typeof body === 'string' || body === undefined ? body : JSON.stringify(body);
  const result = await handler(httpEvent(raw, options), lambdaContext());
  return { ...result, json: JSON.parse(result.body) as Record<string, unknown> };
}

describe('stop-contact HTTP API handler', () => {
  beforeEach(() => {
    connect.reset();
    connect.on(StopContactCommand).resolves({});
  });

  it('answers 200 with an empty JSON object when the contact is ended', async () => {
    const response = await post(validBody);

    expect(response.statusCode).toBe(200);
    expect(response.json).toEqual({});
    expect(response.headers).toMatchObject({ 'content-type': 'application/json' });
  });

  it("accepts StopContact's request shape, including an instance ARN and DisconnectReason", async () => {
    await post({
      ...validBody,
      InstanceId: instanceArn,
      DisconnectReason: { Code: 'CAMPAIGN_DONE' },
    });

    expect(connect).toHaveReceivedCommandWith(StopContactCommand, {
      InstanceId: instanceId,
      ContactId: targetContactId,
      DisconnectReason: { Code: 'CAMPAIGN_DONE' },
    });
  });

  it('reads a base64-encoded body', async () => {
    const response = await post(JSON.stringify(validBody), { base64: true });

    expect(response.statusCode).toBe(200);
  });

  it('answers 400 naming every bad field, and calls Connect for none of them', async () => {
    const response = await post({
      ContactId: '',
      InstanceId: 'arn:bad',
      DisconnectReason: { Code: 7 },
    });

    expect(response.statusCode).toBe(400);
    expect(response.json.code).toBe('ValidationException');
    expect(response.json.errors).toEqual([
      { field: 'ContactId', message: 'must not be empty' },
      { field: 'InstanceId', message: expect.stringContaining('instance ARN') },
      { field: 'DisconnectReason.Code', message: 'must be a string' },
    ]);
    expect(connect).not.toHaveReceivedAnyCommand();
  });

  it('answers 400 for an instance ARN of another account, and calls Connect for nothing', async () => {
    const response = await post({
      ContactId: 'c-1',
      InstanceId: 'arn:aws:connect:us-east-1:210987654321:instance/abc-1',
    });

    expect(response.statusCode).toBe(400);
    expect(response.json.errors).toEqual([
      { field: 'InstanceId', message: expect.stringContaining('account 210987654321') },
    ]);
    expect(connect).not.toHaveReceivedAnyCommand();
  });

  it('answers 400 saying which fields are required when they are missing', async () => {
    const response = await post({});

    expect(response.json.errors).toEqual([
      { field: 'ContactId', message: 'is required' },
      { field: 'InstanceId', message: 'is required' },
    ]);
  });

  it.each([
    ['no body', undefined, 'ValidationException', '(body) is required'],
    ['a JSON null', 'null', 'ValidationException', '(body) is required'],
    ['a JSON array', '[]', 'ValidationException', '(body) must be a JSON object'],
    [
      'malformed JSON',
      '{"ContactId":',
      'SerializationException',
      expect.stringContaining('not valid JSON'),
    ],
  ])('answers %s with a 400 that says what is wrong', async (_name, body, code, message) => {
    const response = await post(body);

    expect(response.statusCode).toBe(400);
    expect(response.json).toMatchObject({ code, message });
  });

  it.each([
    ['malformed JSON', '{"ContactId":'],
    ['a JSON array', '[]'],
    ['no body', undefined],
  ])('answers 400 with a JSON error for %s', async (_name, body) => {
    const response = await post(body);

    expect(response.statusCode).toBe(400);
    expect(response.json).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  });

  it.each([
    [new InvalidRequestException({ message: 'cannot stop a TRANSFER contact', ...meta }), 400],
    [new InvalidParameterException({ message: 'bad', ...meta }), 400],
    [new AccessDeniedException({ message: 'denied', ...meta }), 403],
    [new ResourceNotFoundException({ message: 'Contact not found', ...meta }), 404],
    [new ContactNotFoundException({ message: 'not active', ...meta }), 410],
    [new ThrottlingException({ message: 'Rate exceeded', ...meta }), 429],
  ])(
    "answers %s with status %i, StopContact's error code and Connect's message",
    async (error, status) => {
      connect.on(StopContactCommand).rejects(error);

      const response = await post(validBody);

      expect(response.statusCode).toBe(status);
      expect(response.json).toEqual({ code: error.name, message: error.message });
      expect(response.headers).toMatchObject({ 'x-amzn-ErrorType': error.name });
    },
  );

  it.each([
    [
      new InternalServiceException({ message: 'boom at 10.0.0.7', ...meta }),
      'the request to Amazon Connect failed',
    ],
    [
      new InvalidActiveRegionException({ message: 'wrong region', ...meta }),
      'the request to Amazon Connect failed',
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:443'), { name: 'Error' }),
      'the request to Amazon Connect failed',
    ],
    [
      Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }),
      'Amazon Connect did not answer in time',
    ],
  ])(
    'answers a failure (%s) with 500 and a message that keeps internal details out',
    async (error, message) => {
      connect.on(StopContactCommand).rejects(error);

      const response = await post(validBody);

      expect(response.statusCode).toBe(500);
      expect(response.json.message).toBe(message);
    },
  );

  it('answers 403 when the SecurityUser may not end contacts', async () => {
    connect
      .on(SearchUsersCommand)
      .resolves({ Users: [{ Id: 'u', Username: 'agent', SecurityProfileIds: ['p'] }] });
    connect.on(ListSecurityProfilePermissionsCommand).resolves({ Permissions: [] });

    const response = await post({ ...validBody, SecurityUser: 'agent' });

    expect(response.statusCode).toBe(403);
    expect(connect).not.toHaveReceivedCommand(StopContactCommand);
  });

  it('answers 403 for a SecurityUser that names no user', async () => {
    connect.on(SearchUsersCommand).resolves({ Users: [] });

    const response = await post({ ...validBody, SecurityUser: 'ghost' });

    expect(response).toMatchObject({ statusCode: 403, json: { code: 'InvalidSecurityUser' } });
  });

  it('answers for any body with well-formed JSON and a known status, never a stack trace', async () => {
    const statuses = [200, 400, 403, 404, 410, 429, 500];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc
            .record({
              ContactId: fc.oneof(fc.string(), fc.constant(targetContactId), fc.integer()),
              InstanceId: fc.oneof(fc.string(), fc.constant(instanceId)),
              DisconnectReason: fc.oneof(
                fc.constant(undefined),
                fc.record({ Code: fc.anything() }),
              ),
              SecurityUser: fc.oneof(fc.constant(undefined), fc.string()),
            })
            .map((body) => JSON.stringify(body)),
        ),
        fc.boolean(),
        fc.constantFrom(
          undefined,
          new ThrottlingException({ message: 'Rate exceeded', ...meta }),
          new ContactNotFoundException({ message: 'gone', ...meta }),
          new InternalServiceException({ message: 'boom', ...meta }),
        ),
        async (body, base64, error) => {
          connect.reset();
          if (error) connect.onAnyCommand().rejects(error);
          else connect.onAnyCommand().resolves({});

          const result = await handler(httpEvent(body, { base64 }), lambdaContext());

          expect(statuses).toContain(result.statusCode);
          const parsed = JSON.parse(result.body);
          expect(typeof parsed).toBe('object');
          if (result.statusCode !== 200) {
            expect(parsed).toMatchObject({ code: expect.any(String), message: expect.any(String) });
          }
          expect(result.body).not.toMatch(/\n\s+at /);
        },
      ),
      { numRuns: 300 },
    );
  });

  describe('outcome metric', () => {
    undoEmfCaptureAfterEach();

    /** An HTTP handler built after metrics are switched on, with the mocked Connect client. */
    function withMetrics() {
      const emf = captureEmf();
      const api = createHttpHandler({
        deps: createEndContactDeps(readEndContactConfig({})),
        deadlineMs: 5_000,
      });
      const send = (body: string) => api(httpEvent(body), lambdaContext());
      return { send, emf };
    }

    it.each([
      ['an ended contact', JSON.stringify(validBody), undefined, 200, 'OnSuccess'],
      [
        'an unknown contact',
        JSON.stringify(validBody),
        new ResourceNotFoundException({ message: 'no such contact', ...meta }),
        404,
        'OnInvalidContactID',
      ],
      [
        'an IAM denial',
        JSON.stringify(validBody),
        new AccessDeniedException({ message: 'denied', ...meta }),
        403,
        'OnUnauthorized',
      ],
      [
        'a throttle',
        JSON.stringify(validBody),
        new ThrottlingException({ message: 'Rate exceeded', ...meta }),
        429,
        'Default',
      ],
      [
        'a bad ContactId',
        JSON.stringify({ ...validBody, ContactId: '' }),
        undefined,
        400,
        'OnInvalidContactID',
      ],
      ['a body that is not JSON', '{', undefined, 400, 'Default'],
    ])(
      'publishes one EndContactOutcome for %s, under the flow branch of its outcome',
      async (_name, body, error, statusCode, branch) => {
        if (error) connect.on(StopContactCommand).rejects(error);
        const { send, emf } = withMetrics();

        const response = await send(body);

        expect(response.statusCode).toBe(statusCode);
        expect(emf()).toHaveLength(1);
        expectOutcomeRecord(emf()[0], { service: 'stop-contact-api', branch });
      },
    );
  });
});
