import { Duration, Token } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { toQueueId } from '../../lambdas/core/callbacks/sweeper-config.js';
import { callbackTable } from '../../lambdas/core/callbacks/table.js';
import { type ConnectGrant, grantConnect, isInstanceArn } from './connect-permissions.js';
import { HandlerFunction } from './handler-function.js';

/** Client-side calls per second the sweeper allows itself, per Connect API. */
export interface SweeperRates {
  /** @default 8 */
  readonly describeContact?: number;
  /** @default 8 */
  readonly stopContact?: number;
  /** @default 4 */
  readonly tagContact?: number;
  /** @default 4 */
  readonly getCurrentMetricData?: number;
}

export interface CallbackSweeperProps {
  /** The callback registry the tracker fills (`CallbackTracker.table`). */
  readonly table: ITable;
  /**
   * The instances to sweep, as instance ARNs. The function may only describe, tag and stop
   * contacts, and read queue metrics, of these instances.
   */
  readonly instanceArns: readonly string[];
  /**
   * `report` lists what would be ended and changes nothing; `end` ends stuck callbacks. A manual
   * invocation may still ask for `end` (an emergency run), so the role allows StopContact.
   * @default 'report'
   */
  readonly mode?: 'report' | 'end';
  /**
   * A callback queued longer than this is stuck. At most 14 days: Connect drops callbacks then.
   * @default Duration.hours(24)
   */
  readonly maxQueuedAge?: Duration;
  /**
   * At most this many StopContact calls per run: an integer from 0 to 100000 (0 ends nothing).
   * @default 500
   */
  readonly maxStopsPerRun?: number;
  /**
   * Only callbacks in these queues (IDs or ARNs) are ended.
   * @default - every queue
   */
  readonly queueAllowList?: readonly string[];
  /**
   * Callbacks in these queues (IDs or ARNs) are never ended.
   * @default - none
   */
  readonly queueDenyList?: readonly string[];
  /**
   * Tag each callback (`EndedBy=callback-sweeper`, `EndReason=...`) after its stop succeeded, best effort.
   * @default true
   */
  readonly tagEndedContacts?: boolean;
  /**
   * `keep-oldest` also ends younger callbacks for a number already queued in the same queue.
   * Requires `phoneHashSalt`.
   * @default 'off'
   */
  readonly duplicatesPolicy?: 'off' | 'keep-oldest';
  /**
   * Salt (at least 16 characters) for hashing customer numbers under the duplicates policy;
   * numbers are hashed in memory and never stored or logged.
   * @default - none
   */
  readonly phoneHashSalt?: string;
  /**
   * Client-side rate per Connect API, each from 0.1 to 1000; keep them under the account's quotas.
   * @default - 8 DescribeContact, 8 StopContact, 4 TagContact, 4 GetCurrentMetricData per second
   */
  readonly ratesPerSecond?: SweeperRates;
  /**
   * Queues whose oldest contact is always compared with the registry, besides the allow list
   * and the queues the registry knows.
   * @default - none
   */
  readonly reconcileQueueIds?: readonly string[];
  /**
   * After a sweep that read the whole registry, compare GetCurrentMetricData's oldest contact per
   * queue with the registry and report queues no tracked callback explains.
   * @default true
   */
  readonly reconcile?: boolean;
  /**
   * Reserve a concurrency of 1, so two runs never overlap. Lambda keeps at least 100 of the
   * account's concurrency unreserved: an account whose limit is under 101 cannot reserve any.
   * @default true
   */
  readonly reserveConcurrency?: boolean;
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

/**
 * Ends callbacks queued too long: a scheduled function with reserved concurrency 1 (two sweeps
 * never overlap; `reserveConcurrency: false` drops it) that reads the registry, verifies each candidate with DescribeContact and, in
 * mode `end`, tags and stops it. Its settings become the function's environment.
 */
export class CallbackSweeper extends Construct {
  public readonly function: NodejsFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;
  public readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: CallbackSweeperProps) {
    super(scope, id);
    const maxQueuedAge = props.maxQueuedAge ?? Duration.hours(24);
    validateProps(props, maxQueuedAge);
    const timeout = props.timeout ?? Duration.minutes(5);
    const rates = props.ratesPerSecond ?? {};

    const handler = new HandlerFunction(this, 'Handler', {
      handler: 'callback-sweeper',
      description: 'Ends Amazon Connect callbacks queued too long (report mode changes nothing)',
      serviceName: 'callback-sweeper',
      timeout,
      memorySize: 512,
      ...((props.reserveConcurrency ?? true) ? { reservedConcurrentExecutions: 1 } : {}),
      logRetention: props.logRetention,
      environment: {
        CALLBACK_TABLE_NAME: props.table.tableName,
        CONNECT_INSTANCE_IDS: props.instanceArns.join(','),
        SWEEP_MODE: props.mode ?? 'report',
        MAX_QUEUED_AGE: `${maxQueuedAge.toSeconds()}s`,
        MAX_STOPS_PER_RUN: String(props.maxStopsPerRun ?? 500),
        QUEUE_ALLOW_LIST: (props.queueAllowList ?? []).join(','),
        QUEUE_DENY_LIST: (props.queueDenyList ?? []).join(','),
        TAG_ENDED_CONTACTS: String(props.tagEndedContacts ?? true),
        DUPLICATES_POLICY: props.duplicatesPolicy ?? 'off',
        ...(props.phoneHashSalt ? { PHONE_HASH_SALT: props.phoneHashSalt } : {}),
        DESCRIBE_CONTACT_RPS: String(rates.describeContact ?? 8),
        STOP_CONTACT_RPS: String(rates.stopContact ?? 8),
        TAG_CONTACT_RPS: String(rates.tagContact ?? 4),
        GET_CURRENT_METRIC_DATA_RPS: String(rates.getCurrentMetricData ?? 4),
        RECONCILE: String(props.reconcile ?? true),
        RECONCILE_QUEUE_IDS: (props.reconcileQueueIds ?? []).join(','),
        TIME_BUDGET_MARGIN: '10s',
        POWERTOOLS_METRICS_NAMESPACE: 'AmazonConnectEndContact',
        ...props.environment,
      },
    });
    this.function = handler.function;
    this.role = handler.role;
    this.logGroup = handler.logGroup;

    // Reads through the sparse index only (never a Scan); writes are tombstones and re-queues.
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${props.table.tableArn}/index/${callbackTable.queuedIndex.name}`],
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
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
  }
}

const isConcrete = (value: string | number) => !Token.isUnresolved(value);

/**
 * Refuses at synth what the function would refuse at every cold start (lambdas/core/callbacks/sweeper-config.ts),
 * with the same bounds.
 */
function validateProps(props: CallbackSweeperProps, maxQueuedAge: Duration): void {
  if (props.instanceArns.length === 0) {
    throw new Error('instanceArns is empty: give the ARN of at least one instance to sweep');
  }
  for (const arn of props.instanceArns) {
    if (isConcrete(arn) && !isInstanceArn(arn)) {
      throw new Error(
        `instanceArns: "${arn}" is not an Amazon Connect instance ARN; use arn:aws:connect:<region>:<account>:instance/<instance id>`,
      );
    }
  }
  if (maxQueuedAge.toMilliseconds() <= 0) {
    throw new Error('maxQueuedAge is zero: use a positive duration such as Duration.hours(24)');
  }
  if (maxQueuedAge.toSeconds() > Duration.days(14).toSeconds()) {
    throw new Error(
      `maxQueuedAge is ${maxQueuedAge.toHumanString()}, longer than the 14 days Connect keeps a queued callback: use 14 days or less`,
    );
  }
  const maxStops = props.maxStopsPerRun;
  if (
    maxStops !== undefined &&
    isConcrete(maxStops) &&
    !(Number.isInteger(maxStops) && maxStops >= 0 && maxStops <= 100_000)
  ) {
    throw new Error(
      `maxStopsPerRun is ${maxStops}: use an integer from 0 to 100000 (0 ends nothing)`,
    );
  }
  for (const [api, rate] of Object.entries(props.ratesPerSecond ?? {})) {
    if (
      rate !== undefined &&
      isConcrete(rate) &&
      !(Number.isFinite(rate) && rate >= 0.1 && rate <= 1_000)
    ) {
      throw new Error(
        `ratesPerSecond.${api} is ${rate}: use a number of calls per second from 0.1 to 1000, under the account's Connect quota`,
      );
    }
  }
  const lists = {
    queueAllowList: props.queueAllowList,
    queueDenyList: props.queueDenyList,
    reconcileQueueIds: props.reconcileQueueIds,
  };
  for (const [name, queues] of Object.entries(lists)) {
    const bad = (queues ?? []).find((queue) => isConcrete(queue) && !toQueueId(queue));
    if (bad !== undefined) {
      throw new Error(
        `${name}: "${bad}" is not a queue ID or queue ARN; use <queue id> or arn:aws:connect:<region>:<account>:instance/<instance id>/queue/<queue id>`,
      );
    }
  }
  const salt = props.phoneHashSalt;
  if ((props.duplicatesPolicy ?? 'off') === 'keep-oldest' && !salt) {
    throw new Error(
      'duplicatesPolicy keep-oldest needs phoneHashSalt: give a random string of at least 16 characters',
    );
  }
  if (salt !== undefined && isConcrete(salt) && salt.length < 16) {
    throw new Error(
      `phoneHashSalt is ${salt.length} characters: use a random string of at least 16 characters`,
    );
  }
}

/**
 * The sweeper's Connect calls, scoped to the swept instances. Resource types from the Service
 * Authorization Reference, "Actions, resources, and condition keys for Amazon Connect"
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html):
 * DescribeContact, TagContact and StopContact take `contact*`
 * (`instance/${InstanceId}/contact/${ContactId}`); GetCurrentMetricData takes `queue*` and
 * `routing-profile*` (`instance/${InstanceId}/queue/${QueueId}`, `.../routing-profile/${Id}`).
 */
export function sweeperGrants(instanceArns: readonly string[]): ConnectGrant[] {
  return [
    {
      actions: ['connect:DescribeContact', 'connect:TagContact', 'connect:StopContact'],
      resources: instanceArns.map((arn) => `${arn}/contact/*`),
      reason:
        'The sweeper verifies, tags and stops whichever callbacks the registry holds, so it needs every contact of the swept instances; the resource type is contact.',
    },
    {
      actions: ['connect:GetCurrentMetricData'],
      resources: instanceArns.flatMap((arn) => [`${arn}/queue/*`, `${arn}/routing-profile/*`]),
      reason:
        'Reconciliation reads the oldest contact of any queue of the swept instances; GetCurrentMetricData requires the queue and routing-profile resource types.',
    },
  ];
}
