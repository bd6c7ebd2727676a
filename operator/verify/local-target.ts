import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TargetError } from '../core/errors.js';
import { type LocalTargetDescription, localOperatorCredentials } from '../core/target.js';
import {
  contactLookAndStop,
  endContactFlowEvent,
  lambdaFunctionArns,
  newestQueuedWrite,
  reportOf,
} from './aws-target.js';
import type { DeployedStack, SimulatedCall, VerifyTarget } from './verify.js';

/** What the runner's `GET /_local/stack` answers (local/doors.ts). */
interface LocalStack extends DeployedStack {
  roles: Record<string, string>;
}

/**
 * The system `npm start` runs: the runner answers for CloudFormation, Lambda and IAM (its
 * `/_local/` routes), and the local Connect and the registry are called through the real SDK,
 * signed as the operator (held to its policy and verify's, as AWS would hold them).
 */
export async function localVerifyTarget(url: string): Promise<VerifyTarget> {
  const base = url.replace(/\/+$/, '');
  const call = async (path: string, init?: RequestInit): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      throw new TargetError(
        `nothing answers at ${url}: start the system with npm start, or pass --local <url>`,
        { cause: error },
      );
    }
    const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    if (!response.ok) {
      throw new TargetError(
        `${init?.method ?? 'GET'} ${path} answered ${response.status} ${body.code ?? ''}: ${body.message ?? ''}`.trim(),
      );
    }
    return body;
  };
  const target = (await call('/_operator/target')) as LocalTargetDescription;
  const clientConfig = { region: target.region, credentials: localOperatorCredentials };
  const connect = new ConnectClient({ ...clientConfig, endpoint: target.connectEndpoint });
  const dynamoDb = new DynamoDBClient({ ...clientConfig, endpoint: target.dynamoDbEndpoint });
  let stack: Promise<LocalStack> | undefined;
  const describe = () => {
    stack ??= call('/_local/stack') as Promise<LocalStack>;
    return stack;
  };
  const notModelled = (what: string) =>
    Promise.reject(new TargetError(`the local system has no ${what} in its local Connect`));

  return {
    label: `local (npm start at ${url})`,
    stack: describe,
    async roleOf(functionArn) {
      const role = (await describe()).roles[functionArn];
      if (!role) throw new TargetError(`the local stack has no function ${functionArn}`);
      return role;
    },
    async simulate(roleArn, actions, resources) {
      const { EvaluationResults = [] } = (await call('/_local/iam/simulate', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          PolicySourceArn: roleArn,
          ActionNames: actions,
          ResourceArns: resources,
        }),
      })) as {
        EvaluationResults?: {
          EvalActionName: string;
          EvalResourceName: string;
          EvalDecision: string;
        }[];
      };
      return EvaluationResults.map((r) => ({
        action: r.EvalActionName,
        resource: r.EvalResourceName,
        decision: r.EvalDecision as SimulatedCall['decision'],
      }));
    },
    lambdaFunctions: (instanceId) => lambdaFunctionArns(connect, instanceId),
    describeFlowModule: () => notModelled('flow module'),
    describeFlow: () => notModelled('contact flow'),
    newestQueuedWrite: (tableName, instanceId) =>
      newestQueuedWrite(dynamoDb, tableName, instanceId),
    async reportSweep() {
      return reportOf(
        await call('/sweeper/run', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ mode: 'report' }),
        }),
      );
    },
    // The local Connect runs no contact flows: the task is queued straight in the queue named,
    // through its control API, where a flow's Transfer to queue would put it on AWS.
    endToEnd: {
      startsInFlow: false,
      async startTask({ instanceId, queueId }) {
        const response = await fetch(
          `${target.connectEndpoint}/_local/instances/${encodeURIComponent(instanceId)}/actions/start-contact`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ channel: 'TASK', initiationMethod: 'API', queueId }),
          },
        );
        const contact = (await response.json()) as { id?: string; message?: string };
        if (!response.ok || !contact.id) {
          throw new TargetError(
            `the local Connect started no task: ${contact.message ?? response.status}`,
          );
        }
        return contact.id;
      },
      // The flow Lambda's door on the runner, with the event a flow's Lambda block sends.
      async invokeEndContact(_functionArn, { instanceId, contactId }) {
        const instanceArn = `arn:aws:connect:${target.region}:${(await describe()).accountId}:instance/${instanceId}`;
        const answer = (await call('/flow/end-contact', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(endContactFlowEvent(instanceArn, contactId)),
        })) as { Branch?: string };
        return String(answer.Branch);
      },
      ...contactLookAndStop(connect),
    },
    now: () => Date.now() + target.clockOffsetMs,
    async close() {
      connect.destroy();
      dynamoDb.destroy();
    },
  };
}
