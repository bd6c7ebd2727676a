import { Duration, type RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, type Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { queuedCallbackInitiationMethods } from '../../lambdas/core/registry/events.js';
import { CallbackTable } from './callback-table.js';
import { isInstanceArn } from './connect-permissions.js';
import { HandlerFunction } from './handler-function.js';
import { settingsEnvironment } from './setting-props.js';

export interface CallbackTrackerProps {
  /**
   * Only contact events of these instances are tracked (the rule's `detail.instanceArn`).
   * @default - events of every instance in the account and Region
   */
  readonly instanceArns?: readonly string[];
  /**
   * Encrypts the registry table and the dead-letter queue with this customer managed key.
   * @default - AWS managed keys (DynamoDB's, and SQS-managed encryption for the queue)
   */
  readonly encryptionKey?: IKey;
  /**
   * What happens to the registry table when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly tableRemovalPolicy?: RemovalPolicy;
  /**
   * Times EventBridge retries delivering an event to the function before dead-lettering it.
   * @default 8
   */
  readonly deliveryRetryAttempts?: number;
  /**
   * Times Lambda retries an event whose handler failed (a DynamoDB error) before dead-lettering it.
   * @default 2
   */
  readonly handlerRetryAttempts?: number;
  /**
   * Added to the function's environment.
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
 * Tracks queued voice callbacks from Connect's contact events: the registry table, the
 * EventBridge rule for callback events, the tracker function, and one dead-letter queue for
 * both failed deliveries and failed handler runs, so no event is dropped silently.
 */
export class CallbackTracker extends Construct {
  public readonly table: Table;
  public readonly rule: Rule;
  public readonly function: NodejsFunction;
  public readonly role: Role;
  public readonly logGroup: LogGroup;
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: CallbackTrackerProps = {}) {
    super(scope, id);
    for (const arn of props.instanceArns ?? []) {
      if (!Token.isUnresolved(arn) && !isInstanceArn(arn)) {
        throw new Error(
          `instanceArns: "${arn}" is not an Amazon Connect instance ARN; use arn:aws:connect:<region>:<account>:instance/<instance id>`,
        );
      }
    }
    this.table = new CallbackTable(this, 'Registry', {
      ...(props.encryptionKey ? { encryptionKey: props.encryptionKey } : {}),
      ...(props.tableRemovalPolicy ? { removalPolicy: props.tableRemovalPolicy } : {}),
    }).table;

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
      ...(props.encryptionKey
        ? { encryption: QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }
        : { encryption: QueueEncryption.SQS_MANAGED }),
    });
    // EventBridge encrypts what it dead-letters: a customer managed key must let it.
    props.encryptionKey?.grant(
      new ServicePrincipal('events.amazonaws.com'),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the tracker (rule target and Lambda on-failure destination).',
    });

    const handler = new HandlerFunction(this, 'Handler', {
      handler: 'callback-tracker',
      description: 'Records queued voice callbacks from Amazon Connect contact events',
      serviceName: 'callback-tracker',
      timeout: Duration.seconds(10),
      environment: {
        ...settingsEnvironment({ callbackTableName: this.table.tableName }),
        ...props.environment,
      },
      logRetention: props.logRetention,
    });
    this.function = handler.function;
    this.role = handler.role;
    this.logGroup = handler.logGroup;

    // A conditional UpdateItem (registry.record) is the tracker's only call: no reads, no deletes
    // (ends are tombstones). Each DynamoDB API is its own action: PutItem does not cover UpdateItem
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html).
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [this.table.tableArn] }),
    );
    props.encryptionKey?.grantEncryptDecrypt(this.role);

    this.function.configureAsyncInvoke({
      retryAttempts: props.handlerRetryAttempts ?? 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    this.rule = new Rule(this, 'CallbackEvents', {
      description: 'Amazon Connect contact events of voice callbacks, for the callback tracker',
      eventPattern: {
        source: ['aws.connect'],
        detailType: ['Amazon Connect Contact Event'],
        detail: {
          channel: ['VOICE'],
          // The same methods the tracker accepts: a callback, or a customer first callback's queued leg.
          initiationMethod: [...queuedCallbackInitiationMethods],
          ...(props.instanceArns?.length ? { instanceArn: [...props.instanceArns] } : {}),
        },
      },
      targets: [
        new LambdaFunction(this.function, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts: props.deliveryRetryAttempts ?? 8,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}
