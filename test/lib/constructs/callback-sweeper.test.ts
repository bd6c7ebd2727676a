import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSweeperConfig } from '../../../lambdas/core/sweeper-config.js';
import { CallbackSweeper } from '../../../lib/constructs/callback-sweeper.js';
import { CallbackTracker } from '../../../lib/constructs/callback-tracker.js';

const instanceArn =
  'arn:aws:connect:us-east-1:123456789012:instance/0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';

describe('CallbackSweeper', () => {
  let app: App;
  let template: Template;
  let sweeper: CallbackSweeper;

  beforeAll(() => {
    // Template tests only: skip esbuild, the handler code is a placeholder asset.
    app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
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
    template = Template.fromStack(stack);
  });

  function sweeperEnvironment(): Record<string, string> {
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

  it('passes its typed settings as an environment the handler reads', () => {
    const environment = sweeperEnvironment();

    expect(environment).toMatchObject({
      SWEEP_MODE: 'end',
      MAX_QUEUED_AGE: '129600s',
      MAX_STOPS_PER_RUN: '500',
      TAG_BEFORE_STOP: 'true',
      DUPLICATES_POLICY: 'off',
      DESCRIBE_CONTACT_RPS: '8',
      STOP_CONTACT_RPS: '8',
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
            Action: ['connect:DescribeContact', 'connect:TagContact', 'connect:StopContact'],
            Resource: `${instanceArn}/contact/*`,
          },
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
            Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
            Resource: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
          },
        ]),
      },
    });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toMatch(
      /dynamodb:(Scan|DeleteItem|BatchWriteItem)/,
    );
  });

  it('exposes its function, role, log group and schedule', () => {
    expect(sweeper.function).toBeDefined();
    expect(sweeper.role).toBeDefined();
    expect(sweeper.logGroup).toBeDefined();
    expect(sweeper.schedule).toBeDefined();
  });

  it.each([
    [{ instanceArns: [] }, 'instanceArns is empty'],
    [{ instanceArns: ['abc'] }, 'instanceArns: "abc" is not an Amazon Connect instance ARN'],
    [
      { maxQueuedAge: Duration.days(15) },
      'longer than the 14 days Connect keeps a queued callback',
    ],
    [
      { duplicatesPolicy: 'keep-oldest' as const },
      'duplicatesPolicy keep-oldest needs phoneHashSalt',
    ],
  ])('refuses bad props with a message naming the fix: %o', (bad, message) => {
    const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Bad');
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
    expect(() => app.synth()).not.toThrow();
  });
});
