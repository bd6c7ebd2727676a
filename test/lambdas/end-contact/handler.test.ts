import {
  AccessDeniedException,
  ConnectClient,
  ContactNotFoundException,
  DescribeUserCommand,
  InternalServiceException,
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
import { branches, createFlowHandler } from '../../../lambdas/end-contact/end-contact.js';
import { handler } from '../../../lambdas/end-contact/handler.js';
import { flowEvent, instanceId, lambdaContext, targetContactId } from '../../fixtures/index.js';
import { captureEmf, expectOutcomeRecord, undoEmfCaptureAfterEach } from '../../support/emf.js';

const connect = mockClient(ConnectClient);
const meta = { $metadata: {} };

describe('end-contact flow handler', () => {
  beforeEach(() => {
    connect.reset();
    connect.on(StopContactCommand).resolves({});
  });

  it('returns OnSuccess with TerminateScript when the contact is ended', async () => {
    const result = await handler(flowEvent({ ContactId: targetContactId }), lambdaContext());

    expect(result).toEqual({ Branch: 'OnSuccess', DisconnectReason: 'TerminateScript' });
  });

  it("defaults InstanceId to the invoking contact's instance", async () => {
    await handler(flowEvent({ ContactId: targetContactId }), lambdaContext());

    expect(connect).toHaveReceivedCommandWith(StopContactCommand, {
      InstanceId: instanceId,
      ContactId: targetContactId,
    });
  });

  it('uses an InstanceId parameter over the invoking instance', async () => {
    await handler(
      flowEvent({ ContactId: targetContactId, InstanceId: 'other-instance' }),
      lambdaContext(),
    );

    expect(connect).toHaveReceivedCommandWith(StopContactCommand, { InstanceId: 'other-instance' });
  });

  it('passes DisconnectReasonCode on to StopContact', async () => {
    await handler(
      flowEvent({ ContactId: targetContactId, DisconnectReasonCode: 'CUSTOMER_ABANDONED' }),
      lambdaContext(),
    );

    expect(connect).toHaveReceivedCommandWith(StopContactCommand, {
      DisconnectReason: { Code: 'CUSTOMER_ABANDONED' },
    });
  });

  it.each([
    ['empty', ''],
    ['missing', undefined],
    ['too long', 'x'.repeat(257)],
    ['unsafe', '"; DROP'],
  ])(
    'returns OnInvalidContactID for a %s ContactId without calling Connect',
    async (_name, ContactId) => {
      const result = await handler(flowEvent({ ContactId }), lambdaContext());

      expect(result).toMatchObject({
        Branch: 'OnInvalidContactID',
        ErrorCode: 'ValidationException',
      });
      expect(result.ErrorMessage).toMatch(/^ContactId /);
      expect(connect).not.toHaveReceivedAnyCommand();
    },
  );

  it('returns Default naming InstanceId when the instance ARN is malformed', async () => {
    const result = await handler(
      flowEvent({ ContactId: targetContactId, InstanceId: 'arn:aws:connect:nowhere' }),
      lambdaContext(),
    );

    expect(result).toMatchObject({ Branch: 'Default', ErrorCode: 'ValidationException' });
    expect(result.ErrorMessage).toMatch(/^InstanceId /);
    expect(connect).not.toHaveReceivedAnyCommand();
  });

  it.each([
    [
      'InstanceId',
      'arn:aws:connect:us-east-1:210987654321:instance/abc-1',
      'Default',
      /account 210987654321/,
    ],
    [
      'InstanceId',
      'arn:aws:connect:eu-west-2:123456789012:instance/abc-1',
      'Default',
      /Region eu-west-2/,
    ],
    [
      'SecurityUser',
      'arn:aws:connect:eu-west-2:123456789012:instance/abc-1/agent/u-1',
      'OnInvalidSecurityUser',
      /Region eu-west-2/,
    ],
  ])(
    'refuses a %s ARN of another account or Region, naming it, and calls no Connect API',
    async (field, value, branch, message) => {
      const result = await handler(
        flowEvent({ ContactId: targetContactId, [field]: value }),
        lambdaContext(),
      );

      expect(result).toMatchObject({ Branch: branch, ErrorCode: 'ValidationException' });
      expect(result.ErrorMessage).toMatch(new RegExp(`^${field} `));
      expect(result.ErrorMessage).toMatch(message);
      expect(connect).not.toHaveReceivedAnyCommand();
    },
  );

  it.each([
    [
      new ResourceNotFoundException({ message: 'Contact not found', ...meta }),
      'OnInvalidContactID',
    ],
    [new InvalidParameterException({ message: 'bad DisconnectReason', ...meta }), 'Default'],
    [new ContactNotFoundException({ message: 'not active', ...meta }), 'OnInvalidContactID'],
    [new InvalidRequestException({ message: 'TRANSFER cannot be stopped', ...meta }), 'Default'],
    [new AccessDeniedException({ message: 'not allowed', ...meta }), 'OnUnauthorized'],
    [new ThrottlingException({ message: 'Rate exceeded', ...meta }), 'Default'],
    [new InternalServiceException({ message: 'boom', ...meta }), 'Default'],
  ])('returns %s as branch %s with the error code', async (error, branch) => {
    connect.on(StopContactCommand).rejects(error);

    const result = await handler(flowEvent({ ContactId: targetContactId }), lambdaContext());

    expect(result).toEqual({ Branch: branch, ErrorCode: error.name, ErrorMessage: error.message });
  });

  describe('with a SecurityUser', () => {
    it('returns OnSuccess when the user may end contacts', async () => {
      connect.on(SearchUsersCommand).resolves({
        Users: [{ Id: 'u-1', Username: 'supervisor', SecurityProfileIds: ['p-1'] }],
      });
      connect
        .on(ListSecurityProfilePermissionsCommand)
        .resolves({ Permissions: ['StopContact.Enabled'] });

      const result = await handler(
        flowEvent({ ContactId: targetContactId, SecurityUser: 'supervisor' }),
        lambdaContext(),
      );

      expect(result.Branch).toBe('OnSuccess');
    });

    it('returns OnUnauthorized and ends nothing when the user lacks StopContact.Enabled', async () => {
      connect.on(SearchUsersCommand).resolves({
        Users: [{ Id: 'u-2', Username: 'agent', SecurityProfileIds: ['p-2'] }],
      });
      connect
        .on(ListSecurityProfilePermissionsCommand)
        .resolves({ Permissions: ['BasicAgentAccess'] });

      const result = await handler(
        flowEvent({ ContactId: targetContactId, SecurityUser: 'agent' }),
        lambdaContext(),
      );

      expect(result).toMatchObject({
        Branch: 'OnUnauthorized',
        ErrorCode: 'AccessDeniedException',
      });
      expect(connect).not.toHaveReceivedCommand(StopContactCommand);
    });

    it('returns OnInvalidSecurityUser for an unknown user', async () => {
      connect
        .on(DescribeUserCommand)
        .rejects(new ResourceNotFoundException({ message: 'User not found', ...meta }));

      const result = await handler(
        flowEvent({
          ContactId: targetContactId,
          SecurityUser: '0e1c9f4a-5d2b-4c3a-8f7e-6a5b4c3d2e1f',
        }),
        lambdaContext(),
      );

      expect(result.Branch).toBe('OnInvalidSecurityUser');
      expect(connect).not.toHaveReceivedCommand(StopContactCommand);
    });

    it('returns OnInvalidSecurityUser for a malformed SecurityUser without calling Connect', async () => {
      const result = await handler(
        flowEvent({ ContactId: targetContactId, SecurityUser: 'not a user!' }),
        lambdaContext(),
      );

      expect(result).toMatchObject({
        Branch: 'OnInvalidSecurityUser',
        ErrorCode: 'ValidationException',
      });
      expect(connect).not.toHaveReceivedAnyCommand();
    });

    it('reads a blank SecurityUser attribute as none given', async () => {
      const result = await handler(
        flowEvent({ ContactId: targetContactId, SecurityUser: '  ' }),
        lambdaContext(),
      );

      expect(result.Branch).toBe('OnSuccess');
    });
  });

  it('answers only with flat string values that are safe in a STRING_MAP', async () => {
    connect.on(StopContactCommand).rejects(
      new InternalServiceException({
        message: `line one\nline two\u0000${'x'.repeat(2000)}`,
        ...meta,
      }),
    );

    const result = await handler(flowEvent({ ContactId: targetContactId }), lambdaContext());

    for (const value of Object.values(result)) {
      expect(typeof value).toBe('string');
      // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting control characters are gone
      expect(value).not.toMatch(/[\u0000-\u001f]/);
    }
    expect(result.ErrorMessage?.length).toBeLessThanOrEqual(512);
  });

  describe('for any input', () => {
    const anyParameter = fc.oneof(
      fc.string(),
      fc.constant(targetContactId),
      fc.constant(undefined),
    );

    it('never throws and always answers one of the five branches', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.record(
            {
              ContactId: anyParameter,
              InstanceId: fc.oneof(
                anyParameter,
                fc.constant('arn:aws:connect:us-east-1:1:instance/x'),
              ),
              SecurityUser: anyParameter,
              DisconnectReasonCode: anyParameter,
            },
            { requiredKeys: [] },
          ),
          fc.constantFrom(
            undefined,
            new ThrottlingException({ message: 'Rate exceeded', ...meta }),
            new ResourceNotFoundException({ message: 'gone', ...meta }),
          ),
          async (parameters, error) => {
            connect.reset();
            if (error) connect.onAnyCommand().rejects(error);
            else connect.onAnyCommand().resolves({});

            const result = await handler(flowEvent(parameters), lambdaContext());

            expect(branches).toContain(result.Branch);
            for (const value of Object.values(result)) expect(typeof value).toBe('string');
          },
        ),
        { numRuns: 200 },
      );
    });

    it('never throws on an event that is not shaped like a flow event at all', async () => {
      await fc.assert(
        fc.asyncProperty(fc.anything(), async (event) => {
          const result = await handler(event as never, lambdaContext());

          expect(branches).toContain(result.Branch);
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('outcome metric', () => {
    undoEmfCaptureAfterEach();

    /** A flow handler built after metrics are switched on, with the mocked Connect client. */
    function withMetrics() {
      const emf = captureEmf();
      const flow = createFlowHandler({
        deps: createEndContactDeps(readEndContactConfig({})),
        deadlineMs: 5_000,
      });
      return { flow, emf };
    }

    it('publishes EndContactOutcome 1 under the OnSuccess branch when the contact is ended', async () => {
      const { flow, emf } = withMetrics();

      await flow(flowEvent({ ContactId: targetContactId }), lambdaContext());

      expect(emf()).toHaveLength(1);
      expectOutcomeRecord(emf()[0], { service: 'end-contact', branch: 'OnSuccess' });
    });

    it('publishes the branch of a refused ContactId, which never reaches Connect', async () => {
      const { flow, emf } = withMetrics();

      await flow(flowEvent({ ContactId: '' }), lambdaContext());

      expect(emf().map((record) => record.Branch)).toEqual(['OnInvalidContactID']);
      expect(connect).not.toHaveReceivedAnyCommand();
    });

    it('publishes exactly one record per invocation, under the branch the flow is answered', async () => {
      const { flow, emf } = withMetrics();
      const anyParameter = fc.oneof(fc.string(), fc.constant(targetContactId), fc.constant(''));
      let invocations = 0;

      await fc.assert(
        fc.asyncProperty(
          fc.record({ ContactId: anyParameter, SecurityUser: anyParameter }, { requiredKeys: [] }),
          fc.constantFrom(
            undefined,
            new ThrottlingException({ message: 'Rate exceeded', ...meta }),
            new ContactNotFoundException({ message: 'gone', ...meta }),
            new AccessDeniedException({ message: 'denied', ...meta }),
          ),
          async (parameters, error) => {
            connect.reset();
            if (error) connect.onAnyCommand().rejects(error);
            else connect.onAnyCommand().resolves({});

            const result = await flow(flowEvent(parameters), lambdaContext());
            invocations++;

            const records = emf();
            expect(records).toHaveLength(invocations);
            expect(records.at(-1)?.Branch).toBe(result.Branch);
          },
        ),
        { numRuns: 100 },
      );
    });
  });
});
