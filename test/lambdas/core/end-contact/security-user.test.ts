import {
  ConnectClient,
  DescribeUserCommand,
  ListSecurityProfilePermissionsCommand,
  ResourceNotFoundException,
  SearchUsersCommand,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SecurityUserAuthorizer } from '../../../../lambdas/core/end-contact/security-user.js';
import { instanceId } from '../../../fixtures/index.js';

const connect = mockClient(ConnectClient);
const client = new ConnectClient({ region: 'us-east-1' });
const userId = '0e1c9f4a-5d2b-4c3a-8f7e-6a5b4c3d2e1f';
const supervisorProfile = '11111111-2222-3333-4444-555555555555';
const agentProfile = '66666666-7777-8888-9999-000000000000';

/** A clock for the caches that moves only when told to. */
function manualClock() {
  let nowMs = 1_000;
  return {
    now: () => nowMs,
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

function authorizer(requiredPermission = 'StopContact.Enabled') {
  return new SecurityUserAuthorizer(client, { requiredPermission, cacheTtlMs: 60_000 });
}

function givenUser(securityProfileIds: string[]) {
  connect
    .on(DescribeUserCommand)
    .resolves({ User: { Id: userId, SecurityProfileIds: securityProfileIds } });
}

function givenPermissions(profileId: string, pages: string[][]) {
  const mock = connect.on(ListSecurityProfilePermissionsCommand, { SecurityProfileId: profileId });
  pages.forEach((Permissions, index) => {
    mock.resolvesOnce({
      Permissions,
      ...(index < pages.length - 1 ? { NextToken: `page-${index + 1}` } : {}),
    });
  });
}

describe('SecurityUserAuthorizer', () => {
  beforeEach(() => connect.reset());

  it('authorizes a user ID whose security profile grants StopContact.Enabled', async () => {
    givenUser([supervisorProfile]);
    givenPermissions(supervisorProfile, [['BasicAgentAccess', 'StopContact.Enabled']]);

    const check = await authorizer().check(instanceId, userId);

    expect(check).toEqual({ kind: 'authorized', userId });
    expect(connect).toHaveReceivedCommandWith(DescribeUserCommand, {
      InstanceId: instanceId,
      UserId: userId,
    });
  });

  it('resolves a username with an exact SearchUsers match', async () => {
    connect.on(SearchUsersCommand).resolves({
      Users: [{ Id: userId, Username: 'supervisor', SecurityProfileIds: [supervisorProfile] }],
    });
    givenPermissions(supervisorProfile, [['StopContact.Enabled']]);

    const check = await authorizer().check(instanceId, 'supervisor');

    expect(check.kind).toBe('authorized');
    expect(connect).toHaveReceivedCommandWith(SearchUsersCommand, {
      InstanceId: instanceId,
      SearchCriteria: {
        StringCondition: { FieldName: 'Username', Value: 'supervisor', ComparisonType: 'EXACT' },
      },
    });
    expect(connect).not.toHaveReceivedCommand(DescribeUserCommand);
  });

  it('reads the user ID out of a user ARN', async () => {
    givenUser([supervisorProfile]);
    givenPermissions(supervisorProfile, [['StopContact.Enabled']]);

    await authorizer().check(
      instanceId,
      `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}/agent/${userId}`,
    );

    expect(connect).toHaveReceivedCommandWith(DescribeUserCommand, { UserId: userId });
  });

  it('finds the permission on a later page of a later profile', async () => {
    givenUser([agentProfile, supervisorProfile]);
    givenPermissions(agentProfile, [['BasicAgentAccess']]);
    givenPermissions(supervisorProfile, [['ListUsers'], ['StopContact.Enabled']]);

    const check = await authorizer().check(instanceId, userId);

    expect(check.kind).toBe('authorized');
    expect(connect).toHaveReceivedCommandTimes(ListSecurityProfilePermissionsCommand, 3);
    expect(connect).toHaveReceivedNthCommandWith(ListSecurityProfilePermissionsCommand, 3, {
      SecurityProfileId: supervisorProfile,
      MaxResults: 1000,
      NextToken: 'page-1',
    });
  });

  it('refuses a user whose profiles lack the permission as unauthorized', async () => {
    givenUser([agentProfile]);
    givenPermissions(agentProfile, [['BasicAgentAccess']]);

    const check = await authorizer().check(instanceId, userId);

    expect(check).toMatchObject({ kind: 'unauthorized', code: 'AccessDeniedException' });
  });

  it('honours a different required permission', async () => {
    givenUser([agentProfile]);
    givenPermissions(agentProfile, [['Contacts.Stop']]);

    expect((await authorizer('Contacts.Stop').check(instanceId, userId)).kind).toBe('authorized');
  });

  it('reports an unknown user ID as an invalid SecurityUser', async () => {
    connect
      .on(DescribeUserCommand)
      .rejects(new ResourceNotFoundException({ message: 'User not found', $metadata: {} }));

    expect((await authorizer().check(instanceId, userId)).kind).toBe('invalid-security-user');
  });

  it('reports an unknown username as an invalid SecurityUser', async () => {
    connect.on(SearchUsersCommand).resolves({ Users: [] });

    expect((await authorizer().check(instanceId, 'nobody')).kind).toBe('invalid-security-user');
  });

  it('does not take a near match from SearchUsers for the named user', async () => {
    connect.on(SearchUsersCommand).resolves({
      Users: [{ Id: userId, Username: 'supervisor2', SecurityProfileIds: [supervisorProfile] }],
    });

    expect((await authorizer().check(instanceId, 'supervisor')).kind).toBe('invalid-security-user');
  });

  it('answers repeat checks from its cache without calling Connect', async () => {
    givenUser([supervisorProfile]);
    givenPermissions(supervisorProfile, [['StopContact.Enabled']]);
    const check = authorizer();

    await check.check(instanceId, userId);
    await check.check(instanceId, userId);

    expect(connect).toHaveReceivedCommandTimes(DescribeUserCommand, 1);
    expect(connect).toHaveReceivedCommandTimes(ListSecurityProfilePermissionsCommand, 1);
  });

  it('asks Connect again once the cache entry has expired', async () => {
    givenUser([supervisorProfile]);
    connect
      .on(ListSecurityProfilePermissionsCommand)
      .resolves({ Permissions: ['StopContact.Enabled'] });
    const clock = manualClock();
    const check = new SecurityUserAuthorizer(client, {
      requiredPermission: 'StopContact.Enabled',
      cacheTtlMs: 60_000,
      now: clock.now,
    });

    await check.check(instanceId, userId);
    clock.advance(60_001);
    await check.check(instanceId, userId);

    expect(connect).toHaveReceivedCommandTimes(DescribeUserCommand, 2);
  });

  it('remembers an unknown user for a few seconds only, so a user created later is found', async () => {
    connect
      .on(DescribeUserCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'User not found', $metadata: {} }))
      .resolves({ User: { Id: userId, SecurityProfileIds: [supervisorProfile] } });
    givenPermissions(supervisorProfile, [['StopContact.Enabled']]);
    const clock = manualClock();
    const check = new SecurityUserAuthorizer(client, {
      requiredPermission: 'StopContact.Enabled',
      cacheTtlMs: 60_000,
      now: clock.now,
    });

    const first = await check.check(instanceId, userId);
    const soonAfter = await check.check(instanceId, userId);
    clock.advance(5_001);
    const later = await check.check(instanceId, userId);

    expect([first.kind, soonAfter.kind, later.kind]).toEqual([
      'invalid-security-user',
      'invalid-security-user',
      'authorized',
    ]);
    expect(connect).toHaveReceivedCommandTimes(DescribeUserCommand, 2);
  });

  it('refuses a user ARN of another instance without calling Connect', async () => {
    const check = await authorizer().check(
      instanceId,
      `arn:aws:connect:us-east-1:123456789012:instance/another-instance/agent/${userId}`,
    );

    expect(check.kind).toBe('invalid-security-user');
    expect(connect).not.toHaveReceivedAnyCommand();
  });

  it('reports a throttled permission lookup as throttled, not as unauthorized', async () => {
    givenUser([supervisorProfile]);
    connect
      .on(ListSecurityProfilePermissionsCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));

    expect((await authorizer().check(instanceId, userId)).kind).toBe('throttled');
  });
});

describe('SecurityUserAuthorizer at cold start', () => {
  afterEach(() => {
    vi.doUnmock('lru-cache');
    vi.resetModules();
  });

  it('loads lru-cache on its first check, not when the handler builds it', async () => {
    let loads = 0;
    vi.resetModules();
    vi.doMock('lru-cache', async (importOriginal) => {
      loads++;
      return importOriginal();
    });
    const fresh = await import('../../../../lambdas/core/end-contact/security-user.js');
    const check = new fresh.SecurityUserAuthorizer(client, {
      requiredPermission: 'StopContact.Enabled',
      cacheTtlMs: 60_000,
    });
    connect.reset();
    givenUser([supervisorProfile]);
    givenPermissions(supervisorProfile, [['StopContact.Enabled']]);

    const loadsBeforeCheck = loads;
    const result = await check.check(instanceId, userId);

    expect(loadsBeforeCheck).toBe(0);
    expect(loads).toBe(1);
    expect(result).toEqual({ kind: 'authorized', userId });
  });
});
