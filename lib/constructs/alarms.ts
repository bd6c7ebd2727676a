import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { sweeperMetricInEitherMode } from './sweeper-metrics.js';

export interface AlarmsProps {
  /**
   * Subscribed to an encrypted SNS topic that every alarm notifies (the address must confirm
   * the subscription from the email SNS sends).
   * @default - no topic: the alarms show in the CloudWatch console without actions
   */
  readonly email?: string;
}

/**
 * The stack's CloudWatch alarms and, with an email, the topic they notify. Most alarms fire on
 * one bad data point in a five-minute period: every one of them means a person should look.
 */
export class Alarms extends Construct {
  /** Present when `email` is set. */
  public readonly topic?: Topic;
  /** Encrypts the topic; CloudWatch may use it to publish. Present when `email` is set. */
  public readonly topicKey?: Key;
  public readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps = {}) {
    super(scope, id);
    if (props.email) {
      // The AWS managed key for SNS cannot be used: CloudWatch must be allowed in the key policy.
      this.topicKey = new Key(this, 'TopicKey', {
        description: 'Encrypts the End a Contact alarm topic',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      this.topicKey.grant(
        new ServicePrincipal('cloudwatch.amazonaws.com'),
        'kms:Decrypt',
        'kms:GenerateDataKey*',
      );
      this.topic = new Topic(this, 'Topic', {
        displayName: 'End a Contact alarms',
        masterKey: this.topicKey,
        enforceSSL: true,
      });
      this.topic.addSubscription(new EmailSubscription(props.email));
    }
  }

  /** Alarms when the function reports any error (unhandled exception, timeout, throttle). */
  addFunctionErrors(id: string, fn: IFunction, description: string): Alarm {
    return this.addMetric(id, fn.metricErrors({ period: Duration.minutes(5) }), description);
  }

  /** Alarms when the queue holds any message: a dead-letter queue should stay empty. */
  addQueueNotEmpty(id: string, queue: IQueue, description: string): Alarm {
    return this.addMetric(
      id,
      queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      description,
    );
  }

  /**
   * Alarms when the metric reaches 1 in its period (by default in one period; `evaluationPeriods`
   * asks for that many consecutive ones); no data is not an alarm.
   */
  addMetric(
    id: string,
    metric: IMetric,
    description: string,
    { evaluationPeriods = 1 }: { evaluationPeriods?: number } = {},
  ): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      alarmDescription: description,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm: evaluationPeriods,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (this.topic) alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }

  /** The sweeper's alarms: its errors, failed and throttled callbacks, and lost events. */
  addSweeperAlarms(sweeper: IFunction): void {
    this.addFunctionErrors(
      'CallbackSweeperErrors',
      sweeper,
      'The callback sweeper failed or timed out: stuck callbacks stay queued until the next run.',
    );
    this.addMetric(
      'CallbackSweeperFailures',
      sweeperMetricInEitherMode('Failed', 'Callbacks the sweeper failed to verify, tag or stop'),
      'The sweeper could not verify, tag or stop some callbacks (its run report in the logs says which and why).',
    );
    this.addMetric(
      'CallbackSweeperUnexplainedQueues',
      sweeperMetricInEitherMode(
        'UnexplainedQueues',
        'Queues with old contacts no tracked callback explains',
      ),
      'A queue holds a contact older than maxQueuedAge that the registry does not know: contact events were lost, or the tracker was deployed after the callback was queued. The run report lists the queues.',
    );
    this.addMetric(
      'CallbackSweeperDiscovered',
      sweeperMetricInEitherMode(
        'Discovered',
        'Queued callbacks SearchContacts found that the registry lacked',
      ),
      'The sweeper found queued callbacks the registry did not track: contact events were lost on their way to the tracker (check its dead-letter queue). The run report lists them under discovery.',
    );
    // A throttled callback is retried next run, so one throttle is noise; a throttle in each of 3
    // consecutive hours (any schedule up to hourly) means the rates exceed what the quota leaves.
    this.addMetric(
      'CallbackSweeperThrottled',
      sweeperMetricInEitherMode(
        'Throttled',
        'Callbacks Connect throttled, kept for the next run',
        Duration.hours(1),
      ),
      'Connect has throttled the sweeper in each of the last 3 hours: lower the sweeper’s rates (stopRatePerSecond, describeRatePerSecond, …), or find what else uses the account’s Connect quota.',
      { evaluationPeriods: 3 },
    );
  }
}
