import { randomUUID } from 'node:crypto';
import type { ConnectContactFlowEvent } from 'aws-lambda';
import { errorReply, type JsonReply, parseJson } from '../common/http/json.js';
import { Router } from '../common/http/router.js';
import type { LocalHandler } from '../common/http/serve.js';
import type { SweeperResult } from '../lambdas/callback-sweeper/callback-sweeper.js';
import type { LocalTargetDescription } from '../operator/core/target.js';
import { toHttpApiEvent } from './http-adapter.js';
import { type LocalLambdaHandler, lambdaContext } from './lambda-runtime.js';

export interface RunnerDoors {
  /** The End a Contact flow Lambda's handler. */
  flow: LocalLambdaHandler;
  /** The stop-contact HTTP API Lambda's handler. */
  api: LocalLambdaHandler;
  /** Runs the sample flow that calls the End a Contact module, for a contact with these attributes. */
  runSampleFlow(contactId: string, attributes: Record<string, string>): Promise<unknown>;
  /** A manual sweeper run with these overrides. */
  sweep(overrides: unknown): Promise<SweeperResult>;
  /** Fires a scheduled clear of the sweep policies, as its EventBridge Scheduler schedule would. */
  fireSchedule(name: string): Promise<SweeperResult>;
  /** Shown on `GET /`. */
  index: Record<string, unknown>;
  /** The instance a bare flow parameters object is taken to come from. */
  instanceArn: string;
  /** What the operator CLI's `--local` reads from `GET /_operator/target` (read-only). */
  operatorTarget: () => LocalTargetDescription;
  /** The local stack as `end-contact verify --local` checks it (docs/deploy.md, "Verify a deploy"). */
  verify: LocalVerifyDoors;
}

/** The local stack's answers to what verify asks CloudFormation, Lambda and IAM in AWS. */
export interface LocalVerifyDoors {
  /** `GET /_local/stack`: DescribeStacks' status and outputs, and each function's role ARN. */
  stack(): Promise<LocalStackDescription>;
  /** `POST /_local/iam/simulate`: SimulatePrincipalPolicy; undefined when no role has the ARN. */
  simulate(
    roleArn: string,
    actions: readonly string[],
    resources: readonly string[],
  ): Promise<readonly { action: string; resource: string; decision: string }[] | undefined>;
}

export interface LocalStackDescription {
  name: string;
  status: string;
  region: string;
  accountId: string;
  outputs: Record<string, string>;
  /** Function ARN → its execution role's ARN (Lambda GetFunctionConfiguration `Role`). */
  roles: Record<string, string>;
}

/** `npm start`'s HTTP routes: each turns a request into its Lambda's event, and the result back. */
export function createRunnerRouter(doors: RunnerDoors): Router<LocalHandler> {
  const router = new Router<LocalHandler>();
  router.add('POST', '/contact/stop', async (request) => {
    const result = (await doors.api(
      toHttpApiEvent(request.raw, request.text, 'POST /contact/stop') as never,
      lambdaContext('stop-contact-api', 10_000),
    )) as { statusCode: number; headers?: Record<string, string>; body: string };
    return {
      status: result.statusCode,
      headers: result.headers ?? {},
      body: JSON.parse(result.body),
    };
  });
  router.add('POST', '/flow/end-contact', async (request) => {
    const event = toFlowEvent(parseJson(request.text), doors.instanceArn);
    if (!event) {
      return errorReply(
        400,
        'SerializationException',
        'send a contact-flow event, or a JSON object of the block parameters',
      );
    }
    const result = await doors.flow(event as never, lambdaContext('end-contact', 8_000));
    return { status: 200, body: result };
  });
  router.add('POST', '/flow/run', async (request) => {
    const body = parseJson(request.text);
    const attributes = isStringMap(body) ? body : undefined;
    if (!attributes) {
      return errorReply(
        400,
        'SerializationException',
        'send the contact attributes the sample flow reads as a JSON object of strings, e.g. {"TargetContactId":"…","SecurityUser":"…"}',
      );
    }
    return { status: 200, body: await doors.runSampleFlow(randomUUID(), attributes) };
  });
  router.add('POST', '/sweeper/run', async (request) => {
    const overrides = parseJson(request.text) ?? {};
    return sweepReply(await doors.sweep(overrides));
  });
  router.add('POST', '/sweeper/schedules/{name}', async (request) =>
    sweepReply(await doors.fireSchedule(request.params.name ?? '')),
  );
  router.add('GET', '/_operator/target', () => ({ status: 200, body: doors.operatorTarget() }));
  router.add('GET', '/_local/stack', async () => ({
    status: 200,
    body: await doors.verify.stack(),
  }));
  // SimulatePrincipalPolicy's request and response members
  // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html).
  router.add('POST', '/_local/iam/simulate', async (request) => {
    const body = parseJson(request.text) as {
      PolicySourceArn?: unknown;
      ActionNames?: unknown;
      ResourceArns?: unknown;
    } | null;
    const strings = (value: unknown): value is string[] =>
      Array.isArray(value) && value.every((v) => typeof v === 'string');
    if (
      typeof body?.PolicySourceArn !== 'string' ||
      !strings(body.ActionNames) ||
      !strings(body.ResourceArns)
    ) {
      return errorReply(
        400,
        'InvalidInput',
        'send {"PolicySourceArn": role ARN, "ActionNames": [...], "ResourceArns": [...]}',
      );
    }
    const results = await doors.verify.simulate(
      body.PolicySourceArn,
      body.ActionNames,
      body.ResourceArns,
    );
    if (!results) {
      return errorReply(404, 'NoSuchEntity', `The role ${body.PolicySourceArn} cannot be found.`);
    }
    return {
      status: 200,
      body: {
        EvaluationResults: results.map((r) => ({
          EvalActionName: r.action,
          EvalResourceName: r.resource,
          EvalDecision: r.decision,
        })),
        IsTruncated: false,
      },
    };
  });
  router.add('GET', '/', () => ({
    status: 200,
    body: { ...doors.index, routes: router.list() },
  }));
  return router;
}

function isStringMap(body: unknown): body is Record<string, string> {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    Object.values(body).every((value) => typeof value === 'string')
  );
}

/** A refused run answers in the `{code, message}` shape of the other doors, with its field errors. */
function sweepReply(result: SweeperResult): JsonReply {
  if (!('error' in result)) return { status: 200, body: result };
  const { error, ...rest } = result;
  return { status: 400, body: { code: error, ...rest } };
}

/** A full contact-flow event passes through; a bare object is taken as the block's parameters. */
function toFlowEvent(body: unknown, instanceArn: string): ConnectContactFlowEvent | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  if ('Details' in body) return body as ConnectContactFlowEvent;
  const contactId = randomUUID();
  return {
    Name: 'ContactFlowEvent',
    Details: {
      ContactData: {
        Attributes: {},
        Channel: 'VOICE',
        ContactId: contactId,
        CustomerEndpoint: null,
        InitialContactId: contactId,
        InitiationMethod: 'INBOUND',
        InstanceARN: instanceArn,
        PreviousContactId: contactId,
        Queue: null,
        SystemEndpoint: null,
        MediaStreams: { Customer: { Audio: null } },
      },
      Parameters: body as Record<string, string>,
    },
  } as unknown as ConnectContactFlowEvent;
}
