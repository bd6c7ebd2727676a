/**
 * `end-contact verify`: after a deploy, one line per check, each ok or FAIL with its fix. The
 * checks run against a VerifyTarget port (a deployed stack, or the system `npm start` runs), so
 * the same list is tested end to end on the local system.
 */
import { stackOutputs } from '../../lambdas/core/stack-outputs.js';
import {
  type DeployedFunction,
  deployedFunctions,
  type ResourceKind,
  resourceArns,
} from './needed-calls.js';

/** `unknown`: the check could not tell, which fails nothing (the line says why). */
export type CheckStatus = 'ok' | 'FAIL' | 'unknown' | 'skipped';

export interface CheckResult {
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to do about a FAIL (or an unknown). */
  readonly fix?: string;
}

/** The stack as CloudFormation's DescribeStacks describes it. */
export interface DeployedStack {
  readonly name: string;
  /** StackStatus, e.g. CREATE_COMPLETE. */
  readonly status: string;
  readonly region: string;
  readonly accountId: string;
  readonly outputs: Readonly<Record<string, string>>;
}

/** One simulated call: SimulatePrincipalPolicy's EvalDecision for an action on a resource. */
export interface SimulatedCall {
  readonly action: string;
  readonly resource: string;
  readonly decision: 'allowed' | 'implicitDeny' | 'explicitDeny';
}

export interface FlowState {
  /** PUBLISHED or SAVED. */
  readonly status?: string;
  /** ACTIVE or ARCHIVED. */
  readonly state?: string;
}

/** What a task contact looks like to DescribeContact, for the end-to-end check. */
export interface ContactSeen {
  readonly disconnectedAt?: string;
}

/** Everything verify asks of a target; read-only except the end-to-end calls. */
export interface VerifyTarget {
  readonly label: string;
  stack(): Promise<DeployedStack>;
  /** The execution role's ARN of a function (Lambda GetFunctionConfiguration `Role`). */
  roleOf(functionArn: string): Promise<string>;
  simulate(
    roleArn: string,
    actions: readonly string[],
    resources: readonly string[],
  ): Promise<SimulatedCall[]>;
  /** The Lambda functions associated with an instance (Connect ListLambdaFunctions). */
  lambdaFunctions(instanceId: string): Promise<string[]>;
  describeFlowModule(instanceId: string, moduleId: string): Promise<FlowState>;
  describeFlow(instanceId: string, flowId: string): Promise<FlowState>;
  /** The newest registry write of a callback queued in the instance, epoch ms. */
  newestQueuedWrite(tableName: string, instanceId: string): Promise<number | undefined>;
  /** A manual report-mode run of the deployed sweeper, and its run ID. */
  reportSweep(sweeperArn: string): Promise<{ runId: string; candidates: number }>;
  /** Epoch ms on the target's clock. */
  now(): number;
  endToEnd?: EndToEndTarget;
  close(): Promise<void>;
}

/** The calls `--end-to-end` makes: a task contact started, ended by the deployed function, seen. */
export interface EndToEndTarget {
  /**
   * Whether a task starts in a contact flow (AWS: StartTaskContact's ContactFlowId) or straight
   * in the queue (the local Connect, which runs no contact flows).
   */
  readonly startsInFlow: boolean;
  startTask(input: { instanceId: string; queueId: string; flowId?: string }): Promise<string>;
  /** Invokes the End a Contact function with a contact-flow event; answers its `Branch`. */
  invokeEndContact(
    functionArn: string,
    input: { instanceId: string; contactId: string },
  ): Promise<string>;
  describeContact(instanceId: string, contactId: string): Promise<ContactSeen>;
  /** Cleans up a task the check left running. */
  stopContact(instanceId: string, contactId: string): Promise<void>;
}

export interface VerifyOptions {
  /** `--end-to-end`: the queue a task contact is started in, and its flow. */
  endToEnd?: { queueId: string; flowId?: string };
}

const hourMs = 60 * 60 * 1000;
const redeploy = 'redeploy the stack with cdk deploy (docs/deploy.md)';

/** Runs every check in order and returns one result per line; never throws for a failed check. */
export async function verifyDeployment(
  target: VerifyTarget,
  options: VerifyOptions = {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let stack: DeployedStack;
  try {
    stack = await target.stack();
  } catch (error) {
    return [
      {
        check: 'stack outputs',
        status: 'FAIL',
        detail: oneLine(error),
        fix: 'check --stack, --region and --profile, or deploy the stack',
      },
    ];
  }
  results.push(stackCheck(stack));
  const instanceIds = (stack.outputs[stackOutputs.sweptInstanceIds] ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean);
  const tableName = stack.outputs[stackOutputs.callbackTableName] ?? '';
  const names = { region: stack.region, accountId: stack.accountId, tableName, instanceIds };

  for (const fn of deployedFunctions) {
    const arn = stack.outputs[fn.output];
    if (!arn) continue;
    results.push(await guarded(`role of ${fn.service}`, () => roleCheck(target, fn, arn, names)));
  }

  const endContactArn = stack.outputs.EndContactFunctionArn;
  if (endContactArn) {
    for (const instanceId of instanceIds) {
      results.push(
        await guarded(`Lambda in instance ${instanceId}`, () =>
          associationCheck(target, endContactArn, instanceId),
        ),
      );
    }
  }

  results.push(...(await flowChecks(target, stack)));

  if (tableName) {
    results.push(
      await guarded('tracker writes', () => trackerCheck(target, tableName, instanceIds)),
    );
  }
  const sweeperArn = stack.outputs[stackOutputs.callbackSweeperFunctionArn];
  if (sweeperArn) {
    results.push(
      await guarded('report-mode sweep', async () => {
        const run = await target.reportSweep(sweeperArn);
        return ok(`run ${run.runId} answered: ${run.candidates} callback(s) it would consider`);
      }),
    );
  }
  if (options.endToEnd) {
    results.push(await endToEndCheck(target, stack, instanceIds, options.endToEnd));
  }
  return results;
}

function stackCheck(stack: DeployedStack): CheckResult {
  const settled = /_COMPLETE$/.test(stack.status) && !/ROLLBACK|DELETE/.test(stack.status);
  const missing = [stackOutputs.callbackTableName, 'EndContactFunctionArn'].filter(
    (key) => !stack.outputs[key],
  );
  if (!settled || missing.length > 0) {
    return {
      check: 'stack outputs',
      status: 'FAIL',
      detail: `stack ${stack.name} is ${stack.status}${missing.length ? `, without output ${missing.join(', ')}` : ''}`,
      fix: `is it this project's stack? ${redeploy}`,
    };
  }
  return {
    check: 'stack outputs',
    status: 'ok',
    detail: `stack ${stack.name} is ${stack.status} in ${stack.region} with ${Object.keys(stack.outputs).length} outputs`,
  };
}

async function roleCheck(
  target: VerifyTarget,
  fn: DeployedFunction,
  functionArn: string,
  names: Parameters<typeof resourceArns>[1],
): Promise<Omit<CheckResult, 'check'>> {
  const roleArn = await target.roleOf(functionArn);
  const denied: string[] = [];
  let asked = 0;
  // One simulation per resource kind: each needed action on each of its resources.
  const byKind = new Map<ResourceKind, string[]>();
  for (const call of fn.calls) byKind.set(call.on, [...(byKind.get(call.on) ?? []), call.action]);
  for (const [kind, actions] of byKind) {
    const resources = resourceArns(kind, names);
    if (resources.length === 0) continue;
    const results = await target.simulate(roleArn, actions, resources);
    asked += results.length;
    for (const r of results) {
      if (r.decision !== 'allowed') denied.push(`${r.action} on ${r.resource} (${r.decision})`);
    }
  }
  if (denied.length > 0) {
    return {
      status: 'FAIL',
      detail: `${roleName(roleArn)} may not make ${denied.length} call(s) it needs: ${denied.join('; ')}`,
      fix: `the stack's grant is missing or denied: ${redeploy}, and look for a permissions boundary or SCP`,
    };
  }
  return ok(`${roleName(roleArn)} may make all ${asked} call(s) it needs`);
}

async function associationCheck(
  target: VerifyTarget,
  functionArn: string,
  instanceId: string,
): Promise<Omit<CheckResult, 'check'>> {
  const associated = await target.lambdaFunctions(instanceId);
  // Connect lists the ARN the association named, which may carry a version or alias.
  if (associated.some((arn) => arn === functionArn || arn.startsWith(`${functionArn}:`))) {
    return ok(`${functionName(functionArn)} is associated with the instance`);
  }
  return {
    status: 'FAIL',
    detail: `${functionName(functionArn)} is not among the instance's ${associated.length} Lambda function(s)`,
    fix: 'deploy with -c instanceArn=… (connectIntegration on), or add it in the Connect console: Flows, AWS Lambda',
  };
}

/** The flow module and the sample flow of each instance, when the stack has them. */
async function flowChecks(target: VerifyTarget, stack: DeployedStack): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [key, arn] of Object.entries(stack.outputs)) {
    const module =
      /^FlowModuleArn/.test(key) && /instance\/([^/]+)\/flow-module\/([^/]+)$/.exec(arn);
    const flow =
      /^SampleFlowArn/.test(key) && /instance\/([^/]+)\/contact-flow\/([^/]+)$/.exec(arn);
    if (module) {
      const [, instanceId = '', moduleId = ''] = module;
      results.push(
        await guarded(`flow module in ${instanceId}`, async () =>
          published(await target.describeFlowModule(instanceId, moduleId), 'the module'),
        ),
      );
    } else if (flow) {
      const [, instanceId = '', flowId = ''] = flow;
      results.push(
        await guarded(`sample flow in ${instanceId}`, async () =>
          published(await target.describeFlow(instanceId, flowId), 'the sample flow'),
        ),
      );
    }
  }
  if (results.length === 0) {
    results.push({
      check: 'flow module and sample flow',
      status: 'skipped',
      detail: 'the stack has neither (flowModule and sampleFlow are off)',
    });
  }
  return results;
}

function published(flow: FlowState, what: string): Omit<CheckResult, 'check'> {
  if (flow.status === 'PUBLISHED' && (flow.state ?? 'ACTIVE') === 'ACTIVE') {
    return ok(`${what} is PUBLISHED and ACTIVE`);
  }
  return {
    status: 'FAIL',
    detail: `${what} is ${flow.status ?? 'without status'} and ${flow.state ?? 'without state'}`,
    fix: `publish ${what} in the Connect console, or ${redeploy}`,
  };
}

async function trackerCheck(
  target: VerifyTarget,
  tableName: string,
  instanceIds: readonly string[],
): Promise<Omit<CheckResult, 'check'>> {
  let newest: number | undefined;
  for (const instanceId of instanceIds) {
    const at = await target.newestQueuedWrite(tableName, instanceId);
    if (at !== undefined && (newest === undefined || at > newest)) newest = at;
  }
  const ageMs = newest === undefined ? undefined : target.now() - newest;
  if (ageMs !== undefined && ageMs <= hourMs) {
    return ok(`the newest queued callback was written ${Math.round(ageMs / 60_000)} min ago`);
  }
  return {
    status: 'unknown',
    detail:
      ageMs === undefined
        ? 'could not tell: no callback is queued in the registry'
        : `could not tell: the newest queued callback was written ${Math.round(ageMs / 60_000)} min ago`,
    fix: "if callbacks were queued in the last hour, check the tracker's EventBridge rule and dead-letter queue (docs/deploy.md)",
  };
}

async function endToEndCheck(
  target: VerifyTarget,
  stack: DeployedStack,
  instanceIds: readonly string[],
  options: { queueId: string; flowId?: string },
): Promise<CheckResult> {
  const check = 'end to end';
  const e2e = target.endToEnd;
  const functionArn = stack.outputs.EndContactFunctionArn;
  const [instanceId] = instanceIds;
  const sampleFlow = Object.entries(stack.outputs).find(([key]) => /^SampleFlowArn/.test(key))?.[1];
  const flowId = options.flowId ?? sampleFlow?.split('/').pop();
  if (!e2e || !functionArn || !instanceId) {
    return {
      check,
      status: 'skipped',
      detail: 'the target cannot start a task, or the stack has no End a Contact function',
    };
  }
  if (!flowId && e2e.startsInFlow) {
    return {
      check,
      status: 'FAIL',
      detail: 'no flow to start the task in: the stack has no sample flow',
      fix: 'pass --flow ID, a contact flow of the instance',
    };
  }
  let contactId: string | undefined;
  try {
    contactId = await e2e.startTask({
      instanceId,
      queueId: options.queueId,
      ...(flowId ? { flowId } : {}),
    });
    const branch = await e2e.invokeEndContact(functionArn, { instanceId, contactId });
    const seen = await e2e.describeContact(instanceId, contactId);
    if (branch === 'OnSuccess' && seen.disconnectedAt) {
      const ended = contactId;
      contactId = undefined;
      return {
        check,
        status: 'ok',
        detail: `task ${ended} started in queue ${options.queueId}, ended (OnSuccess), seen ended at ${seen.disconnectedAt}`,
      };
    }
    return {
      check,
      status: 'FAIL',
      detail: `the function answered Branch ${branch}; DescribeContact shows ${seen.disconnectedAt ? 'it ended' : 'no DisconnectTimestamp'}`,
      fix: 'read the end-contact function logs (docs/troubleshooting.md)',
    };
  } catch (error) {
    return { check, status: 'FAIL', detail: oneLine(error), fix: 'check --queue and --flow' };
  } finally {
    // Leave nothing behind: a task the check could not end is stopped here.
    if (contactId) await e2e.stopContact(instanceId, contactId).catch(() => undefined);
  }
}

const ok = (detail: string): Omit<CheckResult, 'check'> => ({ status: 'ok', detail });

/** A check whose call fails is a FAIL naming the error, never a thrown exception. */
async function guarded(
  check: string,
  run: () => Promise<Omit<CheckResult, 'check'>>,
): Promise<CheckResult> {
  try {
    return { check, ...(await run()) };
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    return {
      check,
      status: 'FAIL',
      detail: oneLine(error),
      ...(/AccessDenied|UnauthorizedOperation/.test(name)
        ? {
            fix: 'your credentials lack a permission verify needs: docs/deploy.md, "Verify a deploy"',
          }
        : {}),
    };
  }
}

function oneLine(error: unknown): string {
  const { name = 'Error', message = String(error) } = (error ?? {}) as Error;
  return `${name}: ${String(message).split('\n')[0]}`;
}

const roleName = (arn: string) => `role ${arn.split('/').pop()}`;
const functionName = (arn: string) => `function ${arn.split(':')[6] ?? arn}`;

/** Exit code: 1 when any check failed. */
export const failed = (results: readonly CheckResult[]): boolean =>
  results.some((r) => r.status === 'FAIL');

/** One line per check: status, check, what it found, and the fix after an arrow. */
export function formatResults(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.check.length));
  const lines = results.map(
    (r) =>
      `${r.status.padEnd(7)} ${r.check.padEnd(width)}  ${r.detail}${r.fix && r.status !== 'ok' ? `  → ${r.fix}` : ''}`,
  );
  const count = (status: CheckStatus) => results.filter((r) => r.status === status).length;
  lines.push(
    `${count('ok')} ok, ${count('FAIL')} failed, ${count('unknown')} could not tell, ${count('skipped')} skipped`,
  );
  return lines.join('\n');
}
