import { Duration } from 'aws-cdk-lib';
import { MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { metricsNamespace } from '../../lambdas/core/settings/table.js';

/**
 * One of the sweeper's Powertools metrics (`lambdas/callback-sweeper/callback-sweeper.ts`),
 * summed over both modes. Its metrics carry the dimensions `service` and `mode`; a manual run may
 * use the other mode than the schedule, so both count. The alarms and the dashboard read this.
 */
export function sweeperMetricInEitherMode(
  metricName: string,
  label: string,
  period: Duration = Duration.minutes(5),
): MathExpression {
  const metric = (mode: string) =>
    new Metric({
      namespace: metricsNamespace,
      metricName,
      dimensionsMap: { service: 'callback-sweeper', mode },
      statistic: 'Sum',
      period,
    });
  return new MathExpression({
    expression: 'FILL(reportMode, 0) + FILL(endMode, 0)',
    usingMetrics: { reportMode: metric('report'), endMode: metric('end') },
    label,
    period,
  });
}
