import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callbackTableCreateInput } from '../../../lambdas/core/registry/table.js';
import { startDynalite } from '../../../local/dynalite.js';
import { startDynamoDbGuard } from '../../../local/iam/dynamodb-guard.js';
import { LocalIam } from '../../../local/iam/local-iam.js';
import type { FunctionRole } from '../../../local/iam/role-policies.js';

const table = 'arn:aws:dynamodb:us-east-1:123456789012:table/callbacks';
const tracker: FunctionRole = {
  service: 'callback-tracker',
  roleLogicalId: 'TrackerRole',
  policies: [
    {
      name: 'TrackerPolicy',
      document: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: table }],
      },
    },
  ],
};

describe('LocalIam', () => {
  it('allows what a role grants and denies what it does not, with AWS’s message', async () => {
    const iam = new LocalIam({ accountId: '123456789012' });
    const { accessKeyId } = iam.addStack([tracker]).credentialsFor('callback-tracker');

    const put = await iam.authorize(accessKeyId, 'dynamodb:PutItem', [table]);
    const update = await iam.authorize(accessKeyId, 'dynamodb:UpdateItem', [table]);

    expect(put).toBeUndefined();
    expect(update?.message).toBe(
      `User: arn:aws:sts::123456789012:assumed-role/TrackerRole/callback-tracker is not authorized to perform: dynamodb:UpdateItem on resource: ${table} because no identity-based policy allows the dynamodb:UpdateItem action`,
    );
    expect(iam.decisions().map((d) => [d.action, d.allowed])).toEqual([
      ['dynamodb:PutItem', true],
      ['dynamodb:UpdateItem', false],
    ]);
  });

  it('refuses a key no function owns, as AWS refuses a key it does not know', async () => {
    const iam = new LocalIam({ accountId: '123456789012' });

    const denial = await iam.authorize('AKIAEXAMPLE', 'dynamodb:PutItem', [table]);

    expect(denial?.message).toMatch(/access key AKIAEXAMPLE belongs to no function/);
  });

  it('allows everything when enforcement is off, and records nothing', async () => {
    const iam = new LocalIam({ accountId: '123456789012', enforce: false });

    expect(await iam.authorize('anyone', 'dynamodb:DeleteTable', [table])).toBeUndefined();
    expect(iam.decisions()).toEqual([]);
  });
});

// The guard answers a denial on DynamoDB's wire, so the SDK raises what AWS would.
describe('DynamoDB behind local IAM', () => {
  const iam = new LocalIam({ accountId: '123456789012' });
  const credentials = iam.addStack([tracker]).credentialsFor('callback-tracker');
  let close: () => Promise<void>;
  let client: DynamoDBClient;

  beforeAll(async () => {
    const dynalite = await startDynalite();
    const guard = await startDynamoDbGuard({ target: dynalite.endpoint, iam, region: 'us-east-1' });
    const admin = new DynamoDBClient({
      endpoint: guard.endpoint,
      region: 'us-east-1',
      credentials: iam.adminCredentials,
    });
    await admin.send(new CreateTableCommand(callbackTableCreateInput('callbacks')));
    admin.destroy();
    client = new DynamoDBClient({ endpoint: guard.endpoint, region: 'us-east-1', credentials });
    close = async () => {
      client.destroy();
      await guard.close();
      await dynalite.close();
    };
  });

  afterAll(() => close());

  it('passes a granted call through to DynamoDB', async () => {
    await client.send(
      new PutItemCommand({ TableName: 'callbacks', Item: { contactId: { S: 'c-1' } } }),
    );
  });

  it('answers a call the role lacks with AccessDeniedException through the real SDK', async () => {
    const denied = client.send(
      new GetItemCommand({ TableName: 'callbacks', Key: { contactId: { S: 'c-1' } } }),
    );

    await expect(denied).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
      message: expect.stringContaining('not authorized to perform: dynamodb:GetItem'),
    });
  });
});
