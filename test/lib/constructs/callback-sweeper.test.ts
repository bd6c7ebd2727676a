import { readFileSync } from 'node:fs';
import { type App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { type CfnRule, Schedule } from 'aws-cdk-lib/aws-events';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSweeperConfig } from '../../../lambdas/core/sweeper/config.js';
import {
  CallbackSweeper,
  type CallbackSweeperProps,
} from '../../../lib/constructs/callback-sweeper.js';
import { CallbackTracker } from '../../../lib/constructs/callback-tracker.js';
import { cdkJsonContext, templateOf, testApp } from '../helpers.js';

const instanceArn =
  'arn:aws:connect:us-east-1:123456789012:instance/0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';

describe('CallbackSweeper', () => {
  let app: App;
  let template: Template;
  let synthError: string | undefined;
  let sweeper: CallbackSweeper;

  beforeAll(() => {
    // Template tests only: skip esbuild, the handler code is a placeholder asset.
    app = testApp({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'SweeperTest', {
      env: { account: '123456789012', region: 'us-east-1' },
    });
    const tracker = new CallbackTracker(stack, 'CallbackTracker', { instanceArns: [instanceArn] });
    sweeper = new CallbackSweeper(stack, 'CallbackSweeper', {
      table: tracker.table,
      instanceArns: [instanceArn],
      mode: 'end',
      maxQueuedAge: Duration.hours(36),
      queueDenyList: [`${instanceArn}/queue/vip`],
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const synthesized = templateOf(stack);
    synthError = synthesized.synthError;
    if (!synthError) template = synthesized.template;
  });

  function sweeperEnvironment(): Record<string, string> {
    return environmentOf(template);
  }

  /** Another sweeper in its own app, with these props. */
  function sweeperWith(props: Partial<CallbackSweeperProps>): { template: Template } {
    const other = new Stack(testApp({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Other');
    const tracker = new CallbackTracker(other, 'Tracker', { instanceArns: [instanceArn] });
    new CallbackSweeper(other, 'Sweeper', {
      table: tracker.table,
      instanceArns: [instanceArn],
      ...props,
    });
    return { template: Template.fromStack(other) };
  }

  function environmentOf(template: Template): Record<string, string> {
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: {
        Environment: {
          Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'callback-sweeper' }),
        },
      },
    });
    const [fn] = Object.values(functions);
    return fn?.Properties.Environment.Variables;
  }

  it('runs one sweep at a time, every 15 minutes by default', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 1,
      Timeout: 300,
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'callback-sweeper' }) },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 0 } })],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
  });

  it("keeps a throttled run or scheduled clear in Lambda's asynchronous queue at most 5 minutes, as docs/sweep-policies.md says", () => {
    // EventBridge Scheduler invokes asynchronously: the throttle is Lambda's queue's to retry.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 300,
    });
    const doc = readFileSync(new URL('../../../docs/sweep-policies.md', import.meta.url), 'utf8');
    const said = doc.replace(/\s+/g, ' ');
    expect(said).toContain('here at most 5 minutes (`maxEventAge`)');
    expect(said).toContain('with no retry after a function error (`retryAttempts: 0`)');
    expect(said).not.toMatch(/throttled and retried \(the schedule's retry policy/);
  });

  it('passes its typed settings as an environment the handler reads', () => {
    const environment = sweeperEnvironment();

    expect(environment).toMatchObject({
      SWEEP_MODE: 'end',
      MAX_QUEUED_AGE: '129600s',
      MAX_STOPS_PER_RUN: '50',
      TAG_ENDED_CONTACTS: 'true',
      DISCOVER_CALLBACKS: 'true',
      DUPLICATES_POLICY: 'off',
      DESCRIBE_CONTACT_RPS: '5',
      STOP_CONTACT_RPS: '2',
      GET_CONTACT_METRICS_RPS: '2',
      SEARCH_CONTACTS_RPS: '0.5',
      CONNECT_INSTANCE_IDS: instanceArn,
    });
    const config = readSweeperConfig({ ...environment, CALLBACK_TABLE_NAME: 'callbacks' });
    expect(config.settings).toMatchObject({
      mode: 'end',
      maxQueuedAgeMs: 36 * 3_600_000,
      instanceIds: ['0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b'],
      queueDenyList: ['vip'],
    });
  });

  it('scopes its Connect actions to the instance, per the Service Authorization Reference', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            // cdk.json's @aws-cdk/aws-iam:minimizePolicies sorts the actions.
            Action: ['connect:DescribeContact', 'connect:StopContact', 'connect:TagContact'],
            Resource: `${instanceArn}/contact/*`,
          },
          {
            Effect: 'Allow',
            Action: 'connect:GetContactMetrics',
            Resource: [instanceArn, `${instanceArn}/contact/*`],
          },
          { Effect: 'Allow', Action: 'connect:SearchContacts', Resource: instanceArn },
          {
            Effect: 'Allow',
            Action: 'connect:GetCurrentMetricData',
            Resource: [`${instanceArn}/queue/*`, `${instanceArn}/routing-profile/*`],
          },
        ]),
      },
    });
  });

  it('reads the registry through its index only and writes single items', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'dynamodb:Query',
            Resource: {
              'Fn::Join': [
                '',
                [{ 'Fn::GetAtt': [Match.anyValue(), 'Arn'] }, '/index/queued-by-instance'],
              ],
            },
          },
          {
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
            Resource: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
          },
        ]),
      },
    });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toMatch(
      /dynamodb:(Scan|DeleteItem|BatchWriteItem)/,
    );
  });

  it('exposes the function the schedule invokes, with the role and log group it runs with', () => {
    const stack = Stack.of(sweeper);
    const functionId = stack.getLogicalId(sweeper.function.node.defaultChild as CfnFunction);
    const fn = template.toJSON().Resources[functionId];

    expect(fn.Properties.Role).toEqual({
      'Fn::GetAtt': [stack.getLogicalId(sweeper.role.node.defaultChild as CfnRole), 'Arn'],
    });
    expect(fn.Properties.LoggingConfig.LogGroup).toEqual({
      Ref: stack.getLogicalId(sweeper.logGroup.node.defaultChild as CfnLogGroup),
    });
    template.hasResource('AWS::Events::Rule', {
      Properties: Match.objectLike({
        ScheduleExpression: 'rate(15 minutes)',
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [functionId, 'Arn'] } })],
      }),
    });
    expect(Object.keys(template.findResources('AWS::Events::Rule'))).toContain(
      stack.getLogicalId(sweeper.schedule.node.defaultChild as CfnRule),
    );
  });

  it('passes the duplicates policy, its salt, reconciliation and every rate to the handler', () => {
    const { template: other } = sweeperWith({
      duplicatesPolicy: 'keep-oldest',
      phoneHashSalt: 'sixteen-chars-salt',
      reconcile: false,
      reconcileQueueIds: [`${instanceArn}/queue/q-1`],
      describeRatePerSecond: 3,
      stopRatePerSecond: 2,
      tagRatePerSecond: 1,
      metricDataRatePerSecond: 0.5,
      getContactMetricsRatePerSecond: 1.5,
      searchContactsRatePerSecond: 0.25,
      maxStopsPerRun: 0,
      tagEndedContacts: false,
      discoverCallbacks: false,
    });
    const environment = environmentOf(other);

    const config = readSweeperConfig({ ...environment, CALLBACK_TABLE_NAME: 'callbacks' });
    expect(config.settings).toMatchObject({
      duplicatesPolicy: 'keep-oldest',
      reconcile: false,
      maxStops: 0,
      tagEndedContacts: false,
      discoverCallbacks: false,
    });
    expect(config.phoneHashSalt).toBe('sixteen-chars-salt');
    expect(config.values.reconcileQueueIds).toEqual(['q-1']);
    expect(config.ratesPerSecond).toMatchObject({
      DescribeContact: 3,
      StopContact: 2,
      TagContact: 1,
      GetCurrentMetricData: 0.5,
      GetContactMetrics: 1.5,
      SearchContacts: 0.25,
    });
  });

  it('reconciles by default and leaves the salt out of the environment when none is given', () => {
    expect(sweeperEnvironment()).toMatchObject({ RECONCILE: 'true', RECONCILE_QUEUE_IDS: '' });
    expect(sweeperEnvironment()).not.toHaveProperty('PHONE_HASH_SALT');
  });

  it('drops the concurrency reservation when asked, for accounts that cannot reserve any', () => {
    const { template: other } = sweeperWith({ reserveConcurrency: false });
    other.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: Match.absent(),
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'callback-sweeper' }) },
    });
  });

  it.each([
    [{ instanceArns: [] }, 'instanceArns is empty'],
    [{ instanceArns: ['abc'] }, 'instanceArns: "abc" is not an Amazon Connect instance ARN'],
    [{ maxQueuedAge: Duration.days(15) }, 'maxQueuedAge is 15 days: use a duration from 5m to 14d'],
    [{ maxQueuedAge: Duration.minutes(4) }, 'maxQueuedAge is 4 minutes: use a duration from 5m'],
    [
      { duplicatesPolicy: 'keep-oldest' as const },
      'duplicatesPolicy keep-oldest needs phoneHashSalt',
    ],
    [
      { duplicatesPolicy: 'keep-oldest' as const, phoneHashSalt: 'too-short' },
      'phoneHashSalt is 9 characters: use a random string of at least 16 characters',
    ],
    [{ mode: 'delete' as 'end' }, 'mode is "delete": use report or end'],
    [{ maxStopsPerRun: -1 }, 'maxStopsPerRun is -1: use an integer from 0 to 100000'],
    [{ maxStopsPerRun: 2.5 }, 'maxStopsPerRun is 2.5: use an integer from 0 to 100000'],
    [{ maxStopsPerRun: 100_001 }, 'maxStopsPerRun is 100001'],
    [{ stopRatePerSecond: 0 }, 'stopRatePerSecond is 0: use a number'],
    [
      { searchContactsRatePerSecond: 0.01 },
      'searchContactsRatePerSecond is 0.01: use a number from 0.05 to 1000',
    ],
    [{ describeRatePerSecond: 1_001 }, 'describeRatePerSecond is 1001'],
    [{ metricDataRatePerSecond: Number.NaN }, 'metricDataRatePerSecond is NaN'],
    [{ getContactMetricsRatePerSecond: -1 }, 'getContactMetricsRatePerSecond is -1'],
    [
      { queueAllowList: ['q-1', 'support queue'] },
      'queueAllowList is "support queue": use a list of queue IDs or queue ARNs',
    ],
    [{ reconcileQueueIds: [`${instanceArn}/agent/a`] }, 'reconcileQueueIds is "arn:'],
  ])('refuses bad props with a message naming the fix: %o', (bad, message) => {
    const stack = new Stack(testApp({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Bad');
    const tracker = new CallbackTracker(stack, 'Tracker');

    expect(
      () =>
        new CallbackSweeper(stack, 'Sweeper', {
          table: tracker.table,
          instanceArns: [instanceArn],
          schedule: Schedule.rate(Duration.hours(1)),
          ...bad,
        }),
    ).toThrow(message);
  });

  it('synthesizes with no unacknowledged cdk-nag finding', () => {
    expect(synthError).toBeUndefined();
  });
});
