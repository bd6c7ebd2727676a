import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { stackOutputs } from '../../../lambdas/core/stack-outputs.js';
import { connectAws } from '../../../operator/core/aws-target.js';
import { OperatorInputError, TargetError } from '../../../operator/core/errors.js';

const sts = mockClient(STSClient);
const cloudFormation = mockClient(CloudFormationClient);
const lambda = mockClient(LambdaClient);
const meta = { $metadata: {} };

const instanceId = '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
const deniedQueue = '2e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
const callerArn = 'arn:aws:sts::123456789012:assumed-role/Operators/alice';
const sweeperArn = 'arn:aws:lambda:eu-west-2:123456789012:function:CallbackSweeper';

/** The outputs a deployed stack gives, minus those named in `without`. */
function stackWithOutputs(...without: string[]) {
  const outputs = {
    [stackOutputs.callbackTableName]: 'CallbackTable-1',
    [stackOutputs.sweptInstanceIds]: instanceId,
    [stackOutputs.callbackSweeperFunctionArn]: sweeperArn,
  };
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'AmazonConnectEndContact',
        StackStatus: 'UPDATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: Object.entries(outputs)
          .filter(([key]) => !without.includes(key))
          .map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
}

function connect(options: Parameters<typeof connectAws>[0]) {
  const clients = {
    sts: new STSClient({ region: 'eu-west-2' }),
    cloudFormation: new CloudFormationClient({ region: 'eu-west-2' }),
    lambda: new LambdaClient({ region: 'eu-west-2' }),
  };
  return connectAws(options, clients);
}

describe('connectAws', () => {
  beforeEach(() => {
    sts.reset();
    cloudFormation.reset();
    lambda.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Arn: callerArn, Account: '123456789012' });
    lambda.on(GetFunctionConfigurationCommand).resolves({
      Environment: {
        Variables: { MAX_STOPS_PER_RUN: '7', QUEUE_DENY_LIST: deniedQueue, SWEEP_MODE: 'report' },
      },
    });
  });

  it.each([
    [
      'another account',
      `arn:aws:connect:eu-west-2:210987654321:instance/${instanceId}`,
      /account 210987654321/,
    ],
    [
      'another Region',
      `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`,
      /Region us-east-1/,
    ],
  ])(
    'finding 4: refuses an --instance ARN of %s by name, never cutting it down to its ID',
    async (_, arn, message) => {
      await expect(connect({ tableName: 'CallbackTable-1', instanceIds: [arn] })).rejects.toThrow(
        message,
      );
    },
  );

  it("reads the table and instances from the stack's outputs, and the settings from its sweeper, its sweep mode included", async () => {
    stackWithOutputs();

    const connection = await connect({ stack: 'AmazonConnectEndContact' });

    expect(cloudFormation).toHaveReceivedCommandWith(DescribeStacksCommand, {
      StackName: 'AmazonConnectEndContact',
    });
    expect(lambda).toHaveReceivedCommandWith(GetFunctionConfigurationCommand, {
      FunctionName: sweeperArn,
    });
    expect(connection.target).toEqual({
      kind: 'aws',
      label: 'stack AmazonConnectEndContact in eu-west-2',
      region: 'eu-west-2',
      accountId: '123456789012',
      instanceIds: [instanceId],
      tableName: 'CallbackTable-1',
    });
    expect(connection.sweeper.settings).toMatchObject({
      mode: 'report',
      maxStops: 7,
      queueDenyList: [deniedQueue],
      instanceIds: [instanceId],
    });
    expect(connection.requestedBy).toBe(callerArn);
  });

  it.each([
    stackOutputs.callbackTableName,
    stackOutputs.sweptInstanceIds,
    stackOutputs.callbackSweeperFunctionArn,
  ])('names the output %s when the stack lacks it', async (missing) => {
    stackWithOutputs(missing);

    const connecting = connect({ stack: 'AmazonConnectEndContact' });

    await expect(connecting).rejects.toThrow(TargetError);
    await expect(connecting).rejects.toThrow(`has no output ${missing}`);
  });

  it('says which stack it could not find', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('Stack with id Nope does not exist'), {
        name: 'ValidationError',
        ...meta,
      }),
    );

    await expect(connect({ stack: 'Nope' })).rejects.toThrow(
      'stack Nope not found: check --stack, --region and --profile',
    );
  });

  it('reports an expired session in one line, before reading the stack', async () => {
    sts.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error('The security token included in the request is expired'), {
        name: 'ExpiredTokenException',
        ...meta,
      }),
    );

    const connecting = connect({ stack: 'AmazonConnectEndContact' });

    await expect(connecting).rejects.toThrow(TargetError);
    await expect(connecting).rejects.toThrow(/^the AWS session has expired/);
    expect(cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
  });

  it("uses --table and --instance without a stack, with the sweeper's default settings", async () => {
    const connection = await connect({ tableName: 'callbacks', instanceIds: [instanceId] });

    expect(cloudFormation).not.toHaveReceivedCommand(DescribeStacksCommand);
    expect(connection.target).toMatchObject({ tableName: 'callbacks', instanceIds: [instanceId] });
    expect(connection.sweeper.settings).toMatchObject({ mode: 'report', queueDenyList: [] });
  });

  it('refuses to guess a target from neither a stack nor a table and an instance', async () => {
    await expect(connect({ tableName: 'callbacks' })).rejects.toThrow(OperatorInputError);
  });

  it("lets --instance narrow a stack's instances, never add one", async () => {
    stackWithOutputs();

    await expect(
      connect({
        stack: 'AmazonConnectEndContact',
        instanceIds: ['1e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b'],
      }),
    ).rejects.toThrow(/is not swept by stack AmazonConnectEndContact/);
  });
});
