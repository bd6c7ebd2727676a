import {
  DescribeUserCommand,
  ListSecurityProfilePermissionsCommand,
  paginateListSecurityProfilePermissions,
  SearchUsersCommand,
} from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_IDS,
  demoScenario,
  type LocalConnect,
  startLocalConnect,
} from '../../../local/connect/index.js';
import { connectClient, connectError } from './support.js';

describe('users and security profiles', () => {
  let connect: LocalConnect;
  let client: ReturnType<typeof connectClient>;
  const InstanceId = DEMO_IDS.instanceId;

  beforeAll(async () => {
    connect = await startLocalConnect({ scenario: demoScenario(), quotas: false });
    client = connectClient(connect);
  });
  afterAll(async () => {
    await connect.close();
  });

  describe('DescribeUser', () => {
    it('returns the user with its security profile IDs and ARN', async () => {
      const { User } = await client.send(
        new DescribeUserCommand({ InstanceId, UserId: DEMO_IDS.users.samSupervisor }),
      );

      expect(User).toMatchObject({
        Id: DEMO_IDS.users.samSupervisor,
        Arn: `arn:aws:connect:us-east-1:123456789012:instance/${InstanceId}/agent/${DEMO_IDS.users.samSupervisor}`,
        Username: 'sam.supervisor',
        SecurityProfileIds: [DEMO_IDS.securityProfiles.callCenterManager],
      });
    });

    it('answers ResourceNotFoundException 404 for an unknown user', async () => {
      const call = client.send(new DescribeUserCommand({ InstanceId, UserId: 'ghost' }));

      await expect(call).rejects.toMatchObject(
        connectError('ResourceNotFoundException', 404, /User ghost/),
      );
    });

    it('answers ResourceNotFoundException 404 for an unknown instance', async () => {
      const call = client.send(
        new DescribeUserCommand({ InstanceId: 'nowhere', UserId: DEMO_IDS.users.admin }),
      );

      await expect(call).rejects.toMatchObject(
        connectError('ResourceNotFoundException', 404, /Instance nowhere/),
      );
    });

    it('answers InvalidParameterException 400 when InstanceId is too long', async () => {
      const call = client.send(
        new DescribeUserCommand({ InstanceId: 'i'.repeat(101), UserId: 'u' }),
      );

      await expect(call).rejects.toMatchObject(
        connectError('InvalidParameterException', 400, /'InstanceId'/),
      );
    });

    it('answers InternalServiceException 500 when a fault is injected', async () => {
      connect.faults.set('DescribeUser', { errorRate: 1 });

      const call = client.send(
        new DescribeUserCommand({ InstanceId, UserId: DEMO_IDS.users.admin }),
      );

      await expect(call).rejects.toMatchObject(connectError('InternalServiceException', 500));
      connect.faults.clear();
    });
  });

  describe('SearchUsers', () => {
    it('finds a user by exact Username', async () => {
      const output = await client.send(
        new SearchUsersCommand({
          InstanceId,
          SearchCriteria: {
            StringCondition: {
              FieldName: 'Username',
              Value: 'alex.agent',
              ComparisonType: 'EXACT',
            },
          },
        }),
      );

      expect(output.ApproximateTotalCount).toBe(1);
      expect(output.Users?.[0]).toMatchObject({
        Id: DEMO_IDS.users.alexAgent,
        Username: 'alex.agent',
        SecurityProfileIds: [DEMO_IDS.securityProfiles.agent],
      });
    });

    it('finds nobody for an exact Username that differs in case', async () => {
      const output = await client.send(
        new SearchUsersCommand({
          InstanceId,
          SearchCriteria: {
            StringCondition: {
              FieldName: 'Username',
              Value: 'Alex.Agent',
              ComparisonType: 'EXACT',
            },
          },
        }),
      );

      expect(output.Users).toEqual([]);
    });

    it('combines OrConditions and STARTS_WITH', async () => {
      const output = await client.send(
        new SearchUsersCommand({
          InstanceId,
          SearchCriteria: {
            OrConditions: [
              {
                StringCondition: {
                  FieldName: 'Username',
                  Value: 'adm',
                  ComparisonType: 'STARTS_WITH',
                },
              },
              {
                StringCondition: {
                  FieldName: 'Username',
                  Value: 'bea',
                  ComparisonType: 'STARTS_WITH',
                },
              },
            ],
          },
        }),
      );

      expect(output.Users?.map((u) => u.Username).sort()).toEqual(['admin', 'bea.agent']);
    });

    it('pages with MaxResults and NextToken', async () => {
      const first = await client.send(new SearchUsersCommand({ InstanceId, MaxResults: 3 }));
      const second = await client.send(
        new SearchUsersCommand({ InstanceId, MaxResults: 3, NextToken: first.NextToken }),
      );

      expect(first.Users).toHaveLength(3);
      expect(second.Users).toHaveLength(1);
      expect(second.NextToken).toBeUndefined();
      expect(first.ApproximateTotalCount).toBe(4);
    });

    it('returns up to 500 users on a page when MaxResults is 500, and refuses 501', async () => {
      const many = await startLocalConnect({ quotas: false });
      many.seed.instance({ id: 'many' });
      many.seed.securityProfile('many', { id: 'p', name: 'Agent', permissions: [] });
      for (let i = 0; i < 520; i++) {
        many.seed.user('many', { username: `agent${i}`, securityProfileIds: ['p'] });
      }
      const manyClient = connectClient(many);

      const page = await manyClient.send(
        new SearchUsersCommand({ InstanceId: 'many', MaxResults: 500 }),
      );
      const refused = manyClient.send(
        new SearchUsersCommand({ InstanceId: 'many', MaxResults: 501 }),
      );

      expect(page.Users).toHaveLength(500);
      expect(page.NextToken).toEqual(expect.any(String));
      await expect(refused).rejects.toMatchObject(
        connectError('InvalidParameterException', 400, /'MaxResults'.*less than or equal to 500/),
      );
      await many.close();
    });

    it('finds a user by the resourceId field, as the search criteria document it', async () => {
      const { Users } = await client.send(
        new SearchUsersCommand({
          InstanceId,
          SearchCriteria: {
            StringCondition: {
              FieldName: 'resourceId',
              Value: DEMO_IDS.users.samSupervisor,
              ComparisonType: 'EXACT',
            },
          },
        }),
      );

      expect(Users?.map((u) => u.Username)).toEqual(['sam.supervisor']);
    });

    it('answers InvalidParameterException 400 naming an unsupported FieldName', async () => {
      const call = client.send(
        new SearchUsersCommand({
          InstanceId,
          SearchCriteria: {
            StringCondition: { FieldName: 'ShoeSize', Value: '9', ComparisonType: 'EXACT' },
          },
        }),
      );

      await expect(call).rejects.toMatchObject(
        connectError('InvalidParameterException', 400, /ShoeSize/),
      );
    });

    it('answers ResourceNotFoundException 404 for an unknown instance', async () => {
      const call = client.send(new SearchUsersCommand({ InstanceId: 'nowhere' }));

      await expect(call).rejects.toMatchObject(connectError('ResourceNotFoundException', 404));
    });

    it('answers InvalidParameterException 400 when InstanceId is missing', async () => {
      const call = client.send(new SearchUsersCommand({} as never));

      await expect(call).rejects.toMatchObject(
        connectError('InvalidParameterException', 400, /'InstanceId'/),
      );
    });

    it('answers ThrottlingException 429 after a burst of 2', async () => {
      connect.quotas.enable(true);
      connect.quotas.set('SearchUsers', { ratePerSecond: 0.001, burst: 2 });
      await client.send(new SearchUsersCommand({ InstanceId }));
      await client.send(new SearchUsersCommand({ InstanceId }));

      const call = client.send(new SearchUsersCommand({ InstanceId }));

      await expect(call).rejects.toMatchObject(connectError('ThrottlingException', 429));
      connect.quotas.enable(false);
    });
  });

  describe('ListSecurityProfilePermissions', () => {
    it('pages permissions 10 at a time by default, so callers must follow NextToken', async () => {
      const first = await client.send(
        new ListSecurityProfilePermissionsCommand({
          InstanceId,
          SecurityProfileId: DEMO_IDS.securityProfiles.admin,
        }),
      );

      expect(first.Permissions).toHaveLength(10);
      expect(first.Permissions).not.toContain('StopContact.Enabled');
      expect(first.NextToken).toBeDefined();
    });

    it('returns every permission through the SDK paginator', async () => {
      const permissions: string[] = [];
      for await (const page of paginateListSecurityProfilePermissions(
        { client },
        { InstanceId, SecurityProfileId: DEMO_IDS.securityProfiles.callCenterManager },
      )) {
        permissions.push(...(page.Permissions ?? []));
      }

      expect(permissions).toHaveLength(12);
      expect(permissions).toContain('StopContact.Enabled');
    });

    it('honours maxResults', async () => {
      const output = await client.send(
        new ListSecurityProfilePermissionsCommand({
          InstanceId,
          SecurityProfileId: DEMO_IDS.securityProfiles.admin,
          MaxResults: 100,
        }),
      );

      expect(output.Permissions).toHaveLength(19);
      expect(output.NextToken).toBeUndefined();
    });

    it('answers ResourceNotFoundException 404 for an unknown security profile', async () => {
      const call = client.send(
        new ListSecurityProfilePermissionsCommand({ InstanceId, SecurityProfileId: 'nope' }),
      );

      await expect(call).rejects.toMatchObject(
        connectError('ResourceNotFoundException', 404, /Security profile nope/),
      );
    });

    it('answers InvalidParameterException 400 when maxResults is above 1000', async () => {
      const call = client.send(
        new ListSecurityProfilePermissionsCommand({
          InstanceId,
          SecurityProfileId: DEMO_IDS.securityProfiles.admin,
          MaxResults: 1001,
        }),
      );

      await expect(call).rejects.toMatchObject(
        connectError('InvalidParameterException', 400, /'maxResults'/),
      );
    });

    it('answers ThrottlingException 429 after a burst of 2', async () => {
      connect.quotas.enable(true);
      connect.quotas.set('ListSecurityProfilePermissions', { ratePerSecond: 0.001, burst: 2 });
      const input = { InstanceId, SecurityProfileId: DEMO_IDS.securityProfiles.agent };
      await client.send(new ListSecurityProfilePermissionsCommand(input));
      await client.send(new ListSecurityProfilePermissionsCommand(input));

      const call = client.send(new ListSecurityProfilePermissionsCommand(input));

      await expect(call).rejects.toMatchObject(connectError('ThrottlingException', 429));
      connect.quotas.enable(false);
    });
  });
});
