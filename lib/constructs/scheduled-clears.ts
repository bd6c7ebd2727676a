import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  type IScheduleTarget,
  Schedule,
  ScheduleExpression,
  type ScheduleTargetConfig,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { clearInput, type SweepRule, scheduledClears } from '../../lambdas/core/sweeper/rules.js';

export interface ScheduledClearsProps {
  /** The sweeper function each schedule invokes. */
  readonly sweeper: IFunction;
  /** The sweep rules; every schedule of every rule becomes one EventBridge Scheduler schedule. */
  readonly rules: readonly SweepRule[];
}

/**
 * The scheduled clears of the sweep policies: one EventBridge Scheduler schedule per clear, in its
 * own time zone, invoking the sweeper with `{"rule", "schedule"}`. The sweeper does the rest
 * through its usual path (verification, last look, stop cap, audit). One execution role for all,
 * allowed to invoke the sweeper function and nothing else.
 */
export class ScheduledClears extends Construct {
  public readonly role: Role;
  /** By the clear's name. */
  public readonly schedules: ReadonlyMap<string, Schedule>;

  constructor(scope: Construct, id: string, props: ScheduledClearsProps) {
    super(scope, id);
    const { account } = Stack.of(this);
    this.role = new Role(this, 'Role', {
      description: 'EventBridge Scheduler invokes the callback sweeper for scheduled clears',
      // The confused-deputy guard of scheduler/latest/UserGuide/setting-up (execution role).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [props.sweeper.functionArn],
      }),
    );
    const schedules = new Map<string, Schedule>();
    for (const { rule, schedule } of scheduledClears(props.rules)) {
      const target: IScheduleTarget = {
        bind: (): ScheduleTargetConfig => ({
          arn: props.sweeper.functionArn,
          role: this.role,
          input: ScheduleTargetInput.fromObject(clearInput(rule, schedule)),
          // Covers a failed delivery only: Lambda's asynchronous queue retries a throttle, at most
          // 5 minutes (callback-sweeper.ts, configureAsyncInvoke); then the next run comes.
          retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 600 },
        }),
      };
      schedules.set(
        schedule.name,
        new Schedule(this, schedule.name, {
          description: `Clears rule ${rule.name}: ends its callbacks queued at least ${Duration.seconds(Math.round(schedule.minAgeMs / 1000)).toHumanString()} (mode ${schedule.mode})`,
          schedule: ScheduleExpression.expression(
            `cron(${schedule.cron})`,
            TimeZone.of(schedule.timeZone),
          ),
          target,
        }),
      );
    }
    this.schedules = schedules;
  }
}
