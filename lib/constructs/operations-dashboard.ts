import { Duration } from 'aws-cdk-lib';
import {
  Dashboard,
  GraphWidget,
  type IWidget,
  MathExpression,
  Metric,
  Stats,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { branches, outcomeMetric } from '../../lambdas/core/end-contact/branches.js';
import { metricsNamespace } from '../../lambdas/core/settings/table.js';
import { sweeperMetricInEitherMode } from './sweeper-metrics.js';

/** An End a Contact function the dashboard graphs, under a title operators recognise. */
export interface DashboardFunction {
  readonly title: string;
  readonly function: IFunction;
  /** Its Powertools service name: the `service` dimension of its `EndContactOutcome` metric. */
  readonly serviceName: string;
}

export interface OperationsDashboardProps {
  /**
   * The dashboard's name in the CloudWatch console.
   * @default - a name CloudFormation generates from the stack and construct IDs
   */
  readonly dashboardName?: string;
  /**
   * The End a Contact doors (the flow Lambda, the HTTP API's function): their outcomes by CXone
   * branch, invocations, errors, throttles and duration.
   * @default - no End a Contact row
   */
  readonly endContactFunctions?: readonly DashboardFunction[];
  /**
   * The callback tracker: its errors and its dead-letter queue's depth.
   * @default - no tracker row
   */
  readonly tracker?: { readonly function: IFunction; readonly deadLetterQueue: IQueue };
  /**
   * The callback sweeper: its run metrics (both modes summed) and its errors.
   * @default - no sweeper row
   */
  readonly sweeperFunction?: IFunction;
  /**
   * Amazon Connect instance IDs (UUIDs): adds Connect's own queue metrics (`AWS/Connect`,
   * `QueueSize` and `LongestQueueWaitTime`) for every queue of each instance, a row per instance.
   * @default - no Connect row
   */
  readonly connectInstanceIds?: readonly string[];
}

const period = Duration.minutes(5);
const half = 12;
const third = 8;
const quarter = 6;

/**
 * The stack's CloudWatch dashboard: what the sweeper found and did, whether the tracker keeps up,
 * how the End a Contact doors fare, next to Connect's own view of the queues. It graphs what the
 * alarms watch, so an alarm can be read in context.
 */
export class OperationsDashboard extends Construct {
  public readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps = {}) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', {
      ...(props.dashboardName ? { dashboardName: props.dashboardName } : {}),
      defaultInterval: Duration.days(1),
    });
    const rows: IWidget[][] = [
      [
        new TextWidget({
          markdown:
            '# End a Contact for Amazon Connect\nThe sweeper counts both modes (`report` and `end`); see docs/deploy.md for the runbooks.',
          width: 24,
          height: 2,
        }),
      ],
    ];
    if (props.sweeperFunction) rows.push(...sweeperRows(props.sweeperFunction));
    if (props.tracker) rows.push(trackerRow(props.tracker.function, props.tracker.deadLetterQueue));
    if (props.endContactFunctions?.length) {
      rows.push(...endContactRows(props.endContactFunctions));
    }
    const instanceIds = props.connectInstanceIds ?? [];
    // One instance keeps the titles it always had; several name the instance in each title.
    for (const instanceId of instanceIds) {
      rows.push(connectRow(instanceId, instanceIds.length > 1 ? ` (instance ${instanceId})` : ''));
    }
    for (const row of rows) this.dashboard.addWidgets(...row);
  }
}

const sweeperGraph = (metricName: string, title: string) =>
  new GraphWidget({
    title,
    left: [sweeperMetricInEitherMode(metricName, metricName, period)],
    width: quarter,
    height: 5,
  });

function sweeperRows(sweeper: IFunction): IWidget[][] {
  // One graph per metric: each expression names its inputs reportMode and endMode, and a graph
  // cannot hold two different metrics under one ID.
  return [
    [
      sweeperGraph('Ended', 'Sweeper: callbacks ended'),
      sweeperGraph('WouldEnd', 'Sweeper: would end (report mode)'),
      sweeperGraph('Failed', 'Sweeper: failed'),
      sweeperGraph('Throttled', 'Sweeper: throttled, kept for next run'),
    ],
    [
      sweeperGraph('Discovered', 'Sweeper: discovered, untracked'),
      sweeperGraph('UnexplainedQueues', 'Sweeper: unexplained queues'),
      sweeperGraph('EndedUntagged', 'Sweeper: ended but untagged'),
      sweeperGraph('TagFailed', 'Sweeper: tag failed'),
    ],
    [functionGraph('Sweeper function', sweeper, half), durationGraph('Sweeper', sweeper, half)],
  ];
}

function trackerRow(tracker: IFunction, deadLetterQueue: IQueue): IWidget[] {
  return [
    functionGraph('Callback tracker', tracker, half),
    new GraphWidget({
      title: 'Callback tracker: dead-letter queue depth (should stay 0)',
      left: [
        deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period,
          statistic: Stats.MAXIMUM,
          label: 'Messages visible',
        }),
      ],
      width: half,
      height: 6,
    }),
  ];
}

function endContactRows(functions: readonly DashboardFunction[]): IWidget[][] {
  return functions.map(({ title, function: fn, serviceName }) => [
    outcomesGraph(title, serviceName),
    functionGraph(title, fn, third),
    durationGraph(title, fn, third),
  ]);
}

/**
 * What a door answered, by CXone branch (`EndContactOutcome`, lambdas/core/observability.ts). A
 * flow's Error branch is not among them: it shows as the function's errors.
 */
function outcomesGraph(title: string, serviceName: string): GraphWidget {
  return new GraphWidget({
    title: `${title}: outcomes by branch`,
    left: branches.map(
      (branch) =>
        new Metric({
          namespace: metricsNamespace,
          metricName: outcomeMetric.name,
          dimensionsMap: { service: serviceName, [outcomeMetric.branchDimension]: branch },
          statistic: Stats.SUM,
          period,
          label: branch,
        }),
    ),
    stacked: true,
    width: third,
    height: 6,
  });
}

function functionGraph(title: string, fn: IFunction, width: number): GraphWidget {
  return new GraphWidget({
    title: `${title}: invocations, errors, throttles`,
    left: [
      fn.metricInvocations({ period, label: 'Invocations' }),
      fn.metricErrors({ period, label: 'Errors' }),
      fn.metricThrottles({ period, label: 'Throttles' }),
    ],
    width,
    height: 6,
  });
}

function durationGraph(title: string, fn: IFunction, width: number): GraphWidget {
  return new GraphWidget({
    title: `${title}: duration`,
    left: [
      fn.metricDuration({ period, statistic: Stats.AVERAGE, label: 'Average' }),
      fn.metricDuration({ period, statistic: Stats.p(99), label: 'p99' }),
    ],
    width,
    height: 6,
  });
}

/**
 * Connect publishes queue metrics under the dimensions InstanceId, MetricGroup=Queue and
 * QueueName: queue names, which the stack does not know (its settings hold queue IDs). A search
 * over the instance graphs every queue it has, under its name.
 */
function connectRow(instanceId: string, titleSuffix: string): IWidget[] {
  const search = (metricName: string) =>
    new MathExpression({
      expression: `SEARCH('{AWS/Connect,InstanceId,MetricGroup,QueueName} MetricName="${metricName}" InstanceId="${instanceId}" MetricGroup="Queue"', 'Maximum', 60)`,
      usingMetrics: {},
      label: '',
      period: Duration.minutes(1),
    });
  return [
    new GraphWidget({
      title: `Connect: contacts in queue (QueueSize), per queue${titleSuffix}`,
      left: [search('QueueSize')],
      width: half,
      height: 6,
    }),
    new GraphWidget({
      title: `Connect: oldest contact in queue (LongestQueueWaitTime, s), per queue${titleSuffix}`,
      left: [search('LongestQueueWaitTime')],
      width: half,
      height: 6,
    }),
  ];
}
