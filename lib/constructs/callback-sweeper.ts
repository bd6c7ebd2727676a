import { Duration, Token } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { toInstanceId } from '../../lambdas/core/connect/identifiers.js';
import { callbackTable } from '../../lambdas/core/registry/table.js';
import {
  checkProps,
  keepOldestAsked,
  propsEnvironment,
  type SettingProps,
} from '../../lambdas/core/settings/read.js';
import { metricsNamespace } from '../../lambdas/core/settings/table.js';
import {
  parseSweepPolicies,
  policiesToJson,
  type SweepRule,
} from '../../lambdas/core/sweeper/rules.js';
import { grantConnect, isInstanceArn } from './connect-permissions.js';
import { HandlerFunction } from './handler-function.js';
import { ScheduledClears } from './scheduled-clears.js';
import { checkSettingProp, isToken } from './setting-props.js';
import { sweeperGrants } from './sweeper-grants.js';

/** Props CallbackSweeper takes in CDK types rather than as the settings' values. */
type CdkTyped = 'table' | 'instanceArns' | 'maxQueuedAge' | 'schedule' | 'policies';

/**
 * The sweeper's props. Each setting of the table (lambdas/core/settings/table.ts) whose `prop` is
 * `CallbackSweeper.<name>` is a prop of that name, flat, typed and defaulted by the table
 * (docs/configuration.md lists each with its default and bounds), and checked in the constructor
 * by the same table the function reads its environment with; the rest are declared here.
 */
export interface CallbackSweeperProps extends Omit<SettingProps<'CallbackSweeper'>, CdkTyped> {
  /** The callback registry the tracker fills (`CallbackTracker.table`). */
  readonly table: ITable;
  /**
   * The instances to sweep, as instance ARNs. The function may only describe, tag and stop
   * contacts, and read queue metrics, of these instances.
   */
  readonly instanceArns: readonly string[];
  /**
   * A callback queued longer than this is stuck: from 5 minutes to 14 days (Connect drops
   * callbacks then).
   * @default Duration.hours(24)
   */
  readonly maxQueuedAge?: Duration;
  /**
   * Sweep rules, the first match wins, with their scheduled clears (docs/sweep-policies.md); a
   * rule's instance must be one of `instanceArns`. Each clear becomes an EventBridge Scheduler
   * schedule that invokes the function with `{"rule", "schedule"}`.
   * @default - one rule for every queue, from `mode`, `maxQueuedAge` and `duplicatesPolicy`
   */
  readonly policies?: readonly SweepRule[];
  /**
   * When the sweeper runs.
   * @default Schedule.rate(Duration.minutes(15))
   */
  readonly schedule?: Schedule;
  /**
   * The function's timeout; a run stops picking callbacks 10 s before it.
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * Added to the function's environment (after the settings above).
   * @default - none
   */
  readonly environment?: Record<string, string>;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/** What the sweep policies may take of Lambda's 4 KB of environment variables; the rest is the other settings'. */
const maxPoliciesBytes = 2_800;

/**
 * Refuses at synth what the function would refuse at every cold start, by the same settings
 * table (lambdas/core/settings/table.ts).
 */
function validateProps(props: CallbackSweeperProps, maxQueuedAge: Duration): void {
  if (props.instanceArns.length === 0) {
    throw new Error('instanceArns is empty: give the ARN of at least one instance to sweep');
  }
  for (const arn of props.instanceArns) {
    if (!Token.isUnresolved(arn) && !isInstanceArn(arn)) {
      throw new Error(
        `instanceArns: "${arn}" is not an Amazon Connect instance ARN; use arn:aws:connect:<region>:<account>:instance/<instance id>`,
      );
    }
  }
  if (!maxQueuedAge.isUnresolved()) {
    checkSettingProp(
      'maxQueuedAge',
      `${maxQueuedAge.toMilliseconds()}ms`,
      maxQueuedAge.toHumanString(),
    );
  }
  checkProps('CallbackSweeper', props, cdkTyped, isToken);
  const keepOldest = keepOldestAsked(props.duplicatesPolicy, props.policies);
  if (props.policies) {
    // The function's own parser, on what its environment will carry.
    const instanceIds = props.instanceArns.flatMap((arn) => {
      const ref = Token.isUnresolved(arn) ? undefined : toInstanceId(arn);
      return ref?.ok ? [ref.instanceId] : [];
    });
    const policiesJson = policiesToJson(props.policies);
    const parsed = parseSweepPolicies(policiesJson, {
      defaults: { maxQueuedAgeMs: 0, mode: 'report', duplicatesPolicy: 'off' },
      instanceIds,
      source: 'policies',
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    // Lambda allows 4 KB for all of a function's environment variables together.
    const size = Buffer.byteLength(policiesJson);
    if (size > maxPoliciesBytes) {
      throw new Error(
        `policies take ${size} bytes in the function's environment (SWEEP_POLICIES), more than the ${maxPoliciesBytes} left of Lambda's 4 KB for environment variables: use fewer rules, or one rule for several queues`,
      );
    }
  }
  if (!props.phoneHashSalt && keepOldest.rule) {
    throw new Error(
      'a rule of policies has duplicatesPolicy keep-oldest, which needs phoneHashSalt: give a random string of at least 16 characters',
    );
  }
  if (!props.phoneHashSalt && keepOldest.global) {
    throw new Error(
      'duplicatesPolicy keep-oldest needs phoneHashSalt: give a random string of at least 16 characters',
    );
  }
}

const cdkTyped: readonly CdkTyped[] = [
  'table',
  'instanceArns',
  'maxQueuedAge',
  'schedule',
  'policies',
];

/**
 * Ends callbacks queued too long: a scheduled function with reserved concurrency 1 (two sweeps
 * never overlap; `reserveConcurrency: false` drops it) that reads the registry, verifies each
 * candidate with DescribeContact and, in mode `end`, tags and stops it. Its settings become the
 * function's environment. In mode `report` the role still allows StopContact: a manual
 * invocation may ask for `end` (an emergency run).
 */
export class CallbackSweeper extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;
  public readonly schedule: Rule;
  /** Present when a rule of `policies` has schedules. */
  public readonly clears?: ScheduledClears;

  constructor(scope: Construct, id: string, props: CallbackSweeperProps) {
    super(scope, id);
    const maxQueuedAge = props.maxQueuedAge ?? Duration.hours(24);
    validateProps(props, maxQueuedAge);
    const timeout = props.timeout ?? Duration.minutes(5);

    const handler = new HandlerFunction(this, 'Handler', {
      handler: 'callback-sweeper',
      description: 'Ends Amazon Connect callbacks queued too long (report mode changes nothing)',
      serviceName: 'callback-sweeper',
      timeout,
      memorySize: 512,
      ...((props.reserveConcurrency ?? true) ? { reservedConcurrentExecutions: 1 } : {}),
      logRetention: props.logRetention,
      environment: {
        // Each setting prop under its variable, in the table's order; the CDK-typed ones as text.
        ...propsEnvironment('CallbackSweeper', {
          ...props,
          table: props.table.tableName,
          maxQueuedAge: `${maxQueuedAge.toSeconds()}s`,
          policies: props.policies && policiesToJson(props.policies),
        }),
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
        ...props.environment,
      },
    });
    this.function = handler.function;
    this.role = handler.role;
    this.logGroup = handler.logGroup;

    // Reads candidates through the sparse index (never a Scan) and one entry at a time with a
    // consistent GetItem (report-mode discovery); every write is a conditional UpdateItem
    // (intents, ends, re-queues). Each DynamoDB API is its own IAM action
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html).
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${props.table.tableArn}/index/${callbackTable.queuedIndex.name}`],
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
      }),
    );
    props.table.encryptionKey?.grantEncryptDecrypt(this.role);
    grantConnect(this.role, sweeperGrants(props.instanceArns));

    // A missed run is harmless, the next one comes: never queue runs behind a slow one.
    this.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(5) });
    this.schedule = new Rule(this, 'Schedule', {
      description: 'Runs the callback sweeper',
      schedule: props.schedule ?? Schedule.rate(Duration.minutes(15)),
      targets: [new LambdaFunction(this.function, { retryAttempts: 0 })],
    });
    if (props.policies?.some((rule) => rule.schedules.length > 0)) {
      this.clears = new ScheduledClears(this, 'Clears', {
        sweeper: this.function,
        rules: props.policies,
      });
    }
  }
}
