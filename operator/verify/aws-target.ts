import { randomUUID } from 'node:crypto';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  ConnectClient,
  DescribeContactCommand,
  DescribeContactFlowCommand,
  DescribeContactFlowModuleCommand,
  paginateListLambdaFunctions,
  StartTaskContactCommand,
  StopContactCommand,
} from '@aws-sdk/client-connect';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { callbackTable } from '../../lambdas/core/registry/table.js';
import type { DeployedStack, EndToEndTarget, SimulatedCall, VerifyTarget } from './verify.js';

export interface AwsVerifyOptions {
  stack: string;
  profile?: string;
  region?: string;
}

/** The AWS clients verify uses; tests may pass their own. */
export interface AwsVerifyClients {
  cloudFormation: CloudFormationClient;
  iam: IAMClient;
  lambda: LambdaClient;
  connect: ConnectClient;
  dynamoDb: DynamoDBClient;
}

function createClients(options: AwsVerifyOptions): AwsVerifyClients {
  const config = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };
  return {
    cloudFormation: new CloudFormationClient(config),
    iam: new IAMClient(config),
    lambda: new LambdaClient(config),
    connect: new ConnectClient(config),
    dynamoDb: new DynamoDBClient(config),
  };
}

/** A deployed stack, through the operator's own credentials (the standard credential chain). */
export function awsVerifyTarget(
  options: AwsVerifyOptions,
  clients: AwsVerifyClients = createClients(options),
): VerifyTarget {
  const { cloudFormation, iam, lambda, connect, dynamoDb } = clients;
  const endToEnd: EndToEndTarget = {
    startsInFlow: true,
    // StartTaskContact: the flow named runs the task and routes it to the queue it sets; the queue
    // rides along as an attribute the flow may read
    // (https://docs.aws.amazon.com/connect/latest/APIReference/API_StartTaskContact.html).
    async startTask({ instanceId, queueId, flowId }) {
      if (!flowId) throw new Error('StartTaskContact needs a contact flow: pass --flow ID');
      const { ContactId } = await connect.send(
        new StartTaskContactCommand({
          InstanceId: instanceId,
          ContactFlowId: flowId,
          Name: 'end-contact verify',
          Description: 'Started and ended by end-contact verify --end-to-end',
          Attributes: { EndContactVerifyQueueId: queueId },
        }),
      );
      if (!ContactId) throw new Error('StartTaskContact answered no ContactId');
      return ContactId;
    },
    async invokeEndContact(functionArn, { instanceId, contactId }) {
      const { region, accountId } = await stackNames();
      const instanceArn = `arn:aws:connect:${region}:${accountId}:instance/${instanceId}`;
      const answer = await invoke(functionArn, endContactFlowEvent(instanceArn, contactId));
      return String((answer as { Branch?: unknown })?.Branch);
    },
    ...contactLookAndStop(connect),
  };

  let described: Promise<DeployedStack> | undefined;
  const stackNames = () => {
    described ??= describe();
    return described;
  };
  async function describe(): Promise<DeployedStack> {
    const { Stacks } = await cloudFormation.send(
      new DescribeStacksCommand({ StackName: options.stack }),
    );
    const found = Stacks?.[0];
    if (!found) throw new Error(`stack ${options.stack} not found`);
    // StackId: arn:aws:cloudformation:<region>:<account>:stack/<name>/<id>
    const [, , , region = '', accountId = ''] = (found.StackId ?? '').split(':');
    return {
      name: found.StackName ?? options.stack,
      status: found.StackStatus ?? 'UNKNOWN',
      region,
      accountId,
      outputs: Object.fromEntries(
        (found.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
      ),
    };
  }

  async function invoke(functionArn: string, payload: unknown): Promise<unknown> {
    const answer = await lambda.send(
      new InvokeCommand({
        FunctionName: functionArn,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    const text = answer.Payload ? new TextDecoder().decode(answer.Payload) : 'null';
    if (answer.FunctionError)
      throw new Error(`the function failed (${answer.FunctionError}): ${text.slice(0, 200)}`);
    return JSON.parse(text);
  }

  return {
    label: `stack ${options.stack}${options.region ? ` in ${options.region}` : ''}${options.profile ? ` (profile ${options.profile})` : ''}`,
    stack: stackNames,
    async roleOf(functionArn) {
      const { Role } = await lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: functionArn }),
      );
      if (!Role) throw new Error(`function ${functionArn} has no role`);
      return Role;
    },
    // SimulatePrincipalPolicy pages its EvaluationResults with IsTruncated and Marker
    // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html).
    async simulate(roleArn, actions, resources) {
      const results: SimulatedCall[] = [];
      let marker: string | undefined;
      do {
        const page = await iam.send(
          new SimulatePrincipalPolicyCommand({
            PolicySourceArn: roleArn,
            ActionNames: [...actions],
            ResourceArns: [...resources],
            ...(marker ? { Marker: marker } : {}),
          }),
        );
        for (const r of page.EvaluationResults ?? []) {
          results.push({
            action: r.EvalActionName ?? '',
            resource: r.EvalResourceName ?? '*',
            decision: (r.EvalDecision ?? 'implicitDeny') as SimulatedCall['decision'],
          });
        }
        marker = page.IsTruncated ? page.Marker : undefined;
      } while (marker);
      return results;
    },
    lambdaFunctions: (instanceId) => lambdaFunctionArns(connect, instanceId),
    // DescribeContactFlowModule: ContactFlowModule.Status PUBLISHED|SAVED, State ACTIVE|ARCHIVED
    // (https://docs.aws.amazon.com/connect/latest/APIReference/API_ContactFlowModule.html).
    async describeFlowModule(instanceId, moduleId) {
      const { ContactFlowModule } = await connect.send(
        new DescribeContactFlowModuleCommand({
          InstanceId: instanceId,
          ContactFlowModuleId: moduleId,
        }),
      );
      return {
        ...(ContactFlowModule?.Status ? { status: ContactFlowModule.Status } : {}),
        ...(ContactFlowModule?.State ? { state: ContactFlowModule.State } : {}),
      };
    },
    // DescribeContactFlow: ContactFlow.Status PUBLISHED|SAVED, State ACTIVE|ARCHIVED
    // (https://docs.aws.amazon.com/connect/latest/APIReference/API_ContactFlow.html).
    async describeFlow(instanceId, flowId) {
      const { ContactFlow } = await connect.send(
        new DescribeContactFlowCommand({ InstanceId: instanceId, ContactFlowId: flowId }),
      );
      return {
        ...(ContactFlow?.Status ? { status: ContactFlow.Status } : {}),
        ...(ContactFlow?.State ? { state: ContactFlow.State } : {}),
      };
    },
    newestQueuedWrite: (tableName, instanceId) =>
      newestQueuedWrite(dynamoDb, tableName, instanceId),
    async reportSweep(sweeperArn) {
      return reportOf(await invoke(sweeperArn, { mode: 'report' }));
    },
    now: () => Date.now(),
    endToEnd,
    async close() {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

/** The newest queued callback's last write, from the registry's queued index, newest first. */
export async function newestQueuedWrite(
  dynamoDb: DynamoDBClient,
  tableName: string,
  instanceId: string,
): Promise<number | undefined> {
  const { queuedIndex } = callbackTable;
  const { Items } = await dynamoDb.send(
    new QueryCommand({
      TableName: tableName,
      IndexName: queuedIndex.name,
      KeyConditionExpression: '#instance = :instance',
      ExpressionAttributeNames: { '#instance': queuedIndex.partitionKey.name },
      ExpressionAttributeValues: { ':instance': { S: instanceId } },
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  const at = Items?.[0]?.lastEventAt?.N;
  return at === undefined ? undefined : Number(at);
}

/** A sweeper's answer: a report with a run ID, or a refused run's error. */
export function reportOf(answer: unknown): { runId: string; candidates: number } {
  const report = answer as {
    runId?: string;
    counts?: { candidates?: number };
    error?: string;
    message?: string;
  };
  if (!report?.runId) {
    throw new Error(
      `the sweeper answered no report: ${report?.error ?? ''} ${report?.message ?? JSON.stringify(answer).slice(0, 200)}`.trim(),
    );
  }
  return { runId: report.runId, candidates: report.counts?.candidates ?? 0 };
}

/** The Lambda functions associated with an instance (ListLambdaFunctions, every page). */
export async function lambdaFunctionArns(
  connect: ConnectClient,
  instanceId: string,
): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListLambdaFunctions(
    { client: connect },
    { InstanceId: instanceId },
  )) {
    arns.push(...(page.LambdaFunctions ?? []));
  }
  return arns;
}

/**
 * The event a contact flow's AWS Lambda function block sends for a task contact, asking the End a
 * Contact function to end `contactId` (Parameters.ContactId: docs/flow-module.md).
 */
export function endContactFlowEvent(instanceArn: string, contactId: string) {
  const self = randomUUID();
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: {},
        Channel: 'TASK',
        ContactId: self,
        InitialContactId: self,
        InitiationMethod: 'API',
        InstanceARN: instanceArn,
        PreviousContactId: self,
      },
      Parameters: { ContactId: contactId },
    },
  };
}

/** The end-to-end check's look at the task and its clean-up, through any Connect endpoint. */
export function contactLookAndStop(
  connect: ConnectClient,
): Pick<EndToEndTarget, 'describeContact' | 'stopContact'> {
  return {
    async describeContact(instanceId, contactId) {
      const { Contact } = await connect.send(
        new DescribeContactCommand({ InstanceId: instanceId, ContactId: contactId }),
      );
      return Contact?.DisconnectTimestamp
        ? { disconnectedAt: Contact.DisconnectTimestamp.toISOString() }
        : {};
    },
    async stopContact(instanceId, contactId) {
      await connect.send(new StopContactCommand({ InstanceId: instanceId, ContactId: contactId }));
    },
  };
}
