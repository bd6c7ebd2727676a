import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { callbackTable } from '../../lambdas/core/registry/table.js';
import { metricsNamespace } from '../../lambdas/core/settings/table.js';
import { policiesToJson, type SweepRule } from '../../lambdas/core/sweeper/rules.js';
import { grantConnect } from './connect-permissions.js';
import { HandlerFunction } from './handler-function.js';
import { ScheduledClears } from './scheduled-clears.js';
import { settingsEnvironment } from './setting-props.js';
import { sweeperGrants } from './sweeper-grants.js';
import { validateProps } from './sweeper-validation.js';

/**
 * Client-side calls per second the sweeper allows itself, per Connect API; each from the
 * settings table (lambdas/core/settings/table.ts), which holds its default and bounds.
 */
export interface SweeperRates {
  /** @default 5 */
  readonly describeContact?: number;
  /** @default 2 */
  readonly stopContact?: number;
  /** @default 2 */
  readonly tagContact?: number;
  /** @default 2 */
  readonly getCurrentMetricData?: number;
  /** @default 2 */
  readonly getContactMetrics?: number;
  /** @default 0.5 */
  readonly searchContacts?: number;
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
   * A callback queued longer than this is stuck: from 5 minutes to 14 days (Connect drops
   * callbacks then).
   * @default Duration.hours(24)
   */
  readonly maxQueuedAge?: Duration;
  /**
   * At most this many StopContact calls per run: an integer from 0 to 100000 (0 ends nothing).
   * @default 50
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
   * After stopping a callback, tag it `EndedBy=callback-sweeper`, `EndReason=...` (best effort).
   * @default true
   */
  readonly tagEndedContacts?: boolean;
  /**
   * Each run also asks SearchContacts for queued callbacks the registry lacks (lost events).
   * @default true
   */
  readonly discoverCallbacks?: boolean;
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
   * Sweep rules, the first match wins, with their scheduled clears (docs/sweep-policies.md); a
   * rule's instance must be one of `instanceArns`. Each clear becomes an EventBridge Scheduler
   * schedule that invokes the function with `{"rule", "schedule"}`.
   * @default - one rule for every queue, from `mode`, `maxQueuedAge` and `duplicatesPolicy`
   */
  readonly policies?: readonly SweepRule[];
  /**
   * Client-side rate per Connect API; keep them under the account's quotas.
   * @default - the defaults of SweeperRates
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
  /** Present when a rule of `policies` has schedules. */
  public readonly clears?: ScheduledClears;

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
        ...settingsEnvironment({
          callbackTableName: props.table.tableName,
          instanceIds: props.instanceArns,
          sweepMode: props.mode,
          maxQueuedAge: `${maxQueuedAge.toSeconds()}s`,
          maxStopsPerRun: props.maxStopsPerRun,
          queueAllowList: props.queueAllowList,
          queueDenyList: props.queueDenyList,
          tagEndedContacts: props.tagEndedContacts,
          discoverCallbacks: props.discoverCallbacks,
          duplicatesPolicy: props.duplicatesPolicy,
          phoneHashSalt: props.phoneHashSalt,
          reconcile: props.reconcile,
          reconcileQueueIds: props.reconcileQueueIds,
          describeRatePerSecond: rates.describeContact,
          stopRatePerSecond: rates.stopContact,
          tagRatePerSecond: rates.tagContact,
          metricDataRatePerSecond: rates.getCurrentMetricData,
          contactMetricsRatePerSecond: rates.getContactMetrics,
          searchContactsRatePerSecond: rates.searchContacts,
          ...(props.policies ? { sweepPolicies: policiesToJson(props.policies) } : {}),
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
