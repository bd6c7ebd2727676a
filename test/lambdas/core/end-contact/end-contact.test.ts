import {
  ConnectClient,
  DescribeUserCommand,
  ListSecurityProfilePermissionsCommand,
  StopContactCommand,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { endContact } from '../../../../lambdas/core/end-contact/end-contact.js';
import { SecurityUserAuthorizer } from '../../../../lambdas/core/end-contact/security-user.js';
import { instanceId, targetContactId } from '../../../fixtures/index.js';

const connect = mockClient(ConnectClient);
const client = new ConnectClient({ region: 'us-east-1' });
const userId = '0e1c9f4a-5d2b-4c3a-8f7e-6a5b4c3d2e1f';

function deps(requireSecurityUser: boolean) {
  return {
    client,
    securityUsers: new SecurityUserAuthorizer(client, {
      requiredPermission: 'StopContact.Enabled',
      cacheTtlMs: 60_000,
    }),
    requireSecurityUser,
  };
}

describe('endContact', () => {
  beforeEach(() => {
    connect.reset();
    connect.on(StopContactCommand).resolves({});
    connect.on(DescribeUserCommand).resolves({ User: { Id: userId, SecurityProfileIds: ['p1'] } });
  });

  it('stops the contact without a SecurityUser when none is required', async () => {
    const outcome = await endContact(deps(false), { instanceId, contactId: targetContactId });

    expect(outcome.kind).toBe('stopped');
    expect(connect).not.toHaveReceivedCommand(DescribeUserCommand);
  });

  it('refuses a missing SecurityUser when one is required, without stopping anything', async () => {
    const outcome = await endContact(deps(true), { instanceId, contactId: targetContactId });

    expect(outcome.kind).toBe('invalid-security-user');
    expect(connect).not.toHaveReceivedCommand(StopContactCommand);
  });

  it('stops the contact once the SecurityUser is authorized', async () => {
    connect
      .on(ListSecurityProfilePermissionsCommand)
      .resolves({ Permissions: ['StopContact.Enabled'] });

    const outcome = await endContact(deps(true), {
      instanceId,
      contactId: targetContactId,
      securityUser: userId,
    });

    expect(outcome.kind).toBe('stopped');
    expect(connect).toHaveReceivedCommandTimes(StopContactCommand, 1);
  });

  it('does not stop the contact when the SecurityUser lacks the permission', async () => {
    connect.on(ListSecurityProfilePermissionsCommand).resolves({ Permissions: [] });

    const outcome = await endContact(deps(false), {
      instanceId,
      contactId: targetContactId,
      securityUser: userId,
    });

    expect(outcome.kind).toBe('unauthorized');
    expect(connect).not.toHaveReceivedCommand(StopContactCommand);
  });
});
