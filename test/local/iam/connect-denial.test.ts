import { ConnectClient, DescribeContactCommand, StopContactCommand } from '@aws-sdk/client-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalConnect, startLocalConnect } from '../../../local/connect/index.js';
import { LocalIam } from '../../../local/iam/local-iam.js';

describe('the local Connect behind local IAM', () => {
  const iam = new LocalIam({ accountId: '123456789012' });
  let connect: LocalConnect;
  let client: ConnectClient;
  let instanceId: string;

  beforeAll(async () => {
    connect = await startLocalConnect({
      quotas: false,
      authorize: ({ accessKeyId, action, resources }) =>
        iam.authorize(accessKeyId, action, resources),
    });
    instanceId = connect.seed.instance().id;
    const instance = `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`;
    const stack = iam.addStack([
      {
        service: 'end-contact',
        roleLogicalId: 'EndContactRole',
        policies: [
          {
            name: 'StopOnly',
            document: {
              Statement: [
                {
                  Effect: 'Allow',
                  Action: 'connect:StopContact',
                  Resource: `${instance}/contact/*`,
                },
              ],
            },
          },
        ],
      },
    ]);
    client = new ConnectClient({
      endpoint: connect.endpoint,
      region: 'us-east-1',
      credentials: stack.credentialsFor('end-contact'),
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    client.destroy();
    await connect.close();
  });

  it('answers a call the role lacks with 403 AccessDeniedException, before Connect looks at it', async () => {
    const call = client.send(
      new DescribeContactCommand({ InstanceId: instanceId, ContactId: 'c-1' }),
    );

    await expect(call).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
      message: expect.stringContaining(
        `not authorized to perform: connect:DescribeContact on resource: arn:aws:connect:us-east-1:123456789012:instance/${instanceId}/contact/c-1`,
      ),
    });
  });

  it('lets a granted call through to Connect, which answers for itself', async () => {
    const call = client.send(new StopContactCommand({ InstanceId: instanceId, ContactId: 'c-1' }));

    // Allowed by IAM, so Connect decides: it knows no such contact.
    await expect(call).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('denies the same call on another instance, which the grant does not name', async () => {
    const other = connect.seed.instance().id;

    const call = client.send(new StopContactCommand({ InstanceId: other, ContactId: 'c-1' }));

    await expect(call).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
