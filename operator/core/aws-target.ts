import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { toOwnInstanceId } from '../../lambdas/core/connect/identifiers.js';
import type { Env } from '../../lambdas/core/settings/environment.js';
import { stackOutputs } from '../../lambdas/core/stack-outputs.js';
import { describeAccessError, OperatorInputError, TargetError } from './errors.js';
import { type OperatorConnection, readConfigs } from './target.js';

export interface AwsTargetOptions {
  /** The deployed stack whose outputs name the table and instances. */
  stack?: string;
  /** Without a stack, or to override its output. */
  tableName?: string;
  instanceIds?: string[];
  profile?: string;
  region?: string;
}

/** The AWS clients target resolution uses; tests pass mocked ones. */
export interface AwsTargetClients {
  sts: STSClient;
  cloudFormation: CloudFormationClient;
  lambda: LambdaClient;
}

/**
 * A real account through the standard credential chain. The caller's identity (STS) is read
 * first, so an expired session is reported before anything else; then the stack's outputs and
 * the deployed sweeper's settings, so an operator's run keeps to the same cap, lists and rates.
 */
export async function connectAws(
  options: AwsTargetOptions,
  clients: AwsTargetClients = createAwsClients(options),
): Promise<OperatorConnection> {
  if (!options.stack && !(options.tableName && options.instanceIds?.length)) {
    throw new OperatorInputError('pass --stack NAME, or both --table and --instance');
  }
  try {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    const region = await clients.sts.config.region();
    // Without a stack, the settings are the defaults (docs/cli.md says so).
    const deployed: Partial<StackTarget> & { environment: Env } = options.stack
      ? await readStack(clients, options.stack)
      : { environment: {} };
    const tableName = options.tableName ?? deployed.tableName ?? '';
    // One parser for every door: an ARN of another account or Region is refused, not cut down.
    const owner = {
      region,
      whose: "the caller's",
      ...(identity.Account ? { accountId: identity.Account } : {}),
    };
    const given = (options.instanceIds ?? []).map((value) => {
      const ref = toOwnInstanceId(value, owner);
      if (!ref.ok) throw new OperatorInputError(`--instance ${value} ${ref.message}`);
      return ref.instanceId;
    });
    const instanceIds = given.length > 0 ? [...new Set(given)] : (deployed.instanceIds ?? []);
    // With a stack, --instance may only narrow it to instances its sweeper covers.
    const foreign = instanceIds.filter(
      (id) => deployed.instanceIds && !deployed.instanceIds.includes(id),
    );
    if (foreign.length > 0) {
      throw new OperatorInputError(
        `--instance ${foreign.join(', ')} is not swept by stack ${options.stack} (it sweeps ${deployed.instanceIds?.join(', ')})`,
      );
    }
    const where = options.stack ? `stack ${options.stack}` : `table ${tableName}`;
    return {
      target: {
        kind: 'aws',
        label: `${where} in ${region}${options.profile ? ` (profile ${options.profile})` : ''}`,
        region,
        ...(identity.Account ? { accountId: identity.Account } : {}),
        instanceIds,
        tableName,
      },
      ...readConfigs(deployed.environment, { instanceIds, tableName, region }),
      endpoints: {
        clientConfig: {
          region,
          ...(options.profile ? { profile: options.profile } : {}),
        },
      },
      requestedBy: identity.Arn ?? 'unknown caller',
    };
  } catch (error) {
    if (error instanceof TargetError || error instanceof OperatorInputError) throw error;
    const access = describeAccessError(error);
    if (access) throw new TargetError(access, { cause: error });
    throw error;
  }
}

function createAwsClients(options: AwsTargetOptions): AwsTargetClients {
  const config = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
  return {
    sts: new STSClient(config),
    cloudFormation: new CloudFormationClient(config),
    lambda: new LambdaClient(config),
  };
}

/** The stack's outputs, and the sweeper function's environment when the stack has one. */
interface StackTarget {
  tableName: string;
  instanceIds: string[];
  environment: Env;
}

async function readStack(clients: AwsTargetClients, stackName: string): Promise<StackTarget> {
  let outputs: Map<string, string>;
  try {
    const { Stacks } = await clients.cloudFormation.send(
      new DescribeStacksCommand({ StackName: stackName }),
    );
    outputs = new Map(
      (Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
    );
  } catch (error) {
    // DescribeStacks answers ValidationError "Stack with id … does not exist".
    if ((error as { name?: string }).name === 'ValidationError') {
      throw new TargetError(`stack ${stackName} not found: check --stack, --region and --profile`, {
        cause: error,
      });
    }
    throw error;
  }
  const output = (key: string, hint: string) => {
    const value = outputs.get(key);
    if (!value) throw new TargetError(`stack ${stackName} has no output ${key}: ${hint}`);
    return value;
  };
  const redeploy = 'it was deployed without -c instanceArn, or before the operator CLI existed';
  const tableName = output(stackOutputs.callbackTableName, "is it this project's stack?");
  const instanceIds = output(stackOutputs.sweptInstanceIds, `${redeploy}; pass --instance`)
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const sweeperArn = output(stackOutputs.callbackSweeperFunctionArn, redeploy);
  const { Environment } = await clients.lambda.send(
    new GetFunctionConfigurationCommand({ FunctionName: sweeperArn }),
  );
  return { tableName, instanceIds, environment: Environment?.Variables ?? {} };
}
