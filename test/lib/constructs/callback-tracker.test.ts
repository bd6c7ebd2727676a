import { type App, Stack, Validations } from 'aws-cdk-lib';
import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import type { CfnRule } from 'aws-cdk-lib/aws-events';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnQueue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { callbackTableCreateInput } from '../../../lambdas/core/registry/table.js';
import { CallbackTracker } from '../../../lib/constructs/callback-tracker.js';
import { cdkJsonContext, templateOf, testApp } from '../helpers.js';

const instanceArn =
  'arn:aws:connect:us-east-1:123456789012:instance/0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';

describe('CallbackTracker', () => {
  let app: App;
  let template: Template;
  let synthError: string | undefined;
  let tracker: CallbackTracker;

  beforeAll(() => {
    // Template tests only: skip esbuild, the handler code is a placeholder asset.
    app = testApp({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'TrackerTest', {
      env: { account: '123456789012', region: 'us-east-1' },
    });
    tracker = new CallbackTracker(stack, 'CallbackTracker', { instanceArns: [instanceArn] });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const synthesized = templateOf(stack);
    synthError = synthesized.synthError;
    if (!synthError) template = synthesized.template;
  });

  it('matches voice callback events of the instance with the exact event pattern', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.connect'],
        'detail-type': ['Amazon Connect Contact Event'],
        detail: {
          channel: ['VOICE'],
          initiationMethod: ['CALLBACK', 'CALLBACK_CUSTOMER_FIRST_QUEUED'],
          instanceArn: [instanceArn],
        },
      },
      State: 'ENABLED',
    });
  });

  it('builds the table from the same definition the code and dynalite use', () => {
    const expected = callbackTableCreateInput('ignored');
    const table = Object.values(template.findResources('AWS::DynamoDB::Table'))[0]?.Properties;

    expect(table.KeySchema).toEqual(expected.KeySchema);
    expect(new Set(table.AttributeDefinitions.map(JSON.stringify))).toEqual(
      new Set(expected.AttributeDefinitions.map((d) => JSON.stringify(d))),
    );
    expect(table.GlobalSecondaryIndexes).toEqual(expected.GlobalSecondaryIndexes);
  });

  it('makes the table on-demand, recoverable, encrypted, expiring by TTL and retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
      DeletionPolicy: 'Retain',
    });
  });

  it('dead-letters both failed deliveries and failed handler runs to one encrypted queue', () => {
    const queue = new Capture();
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } },
          RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 8 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [queue.asString(), 'Arn'] } },
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
          }),
        ]),
      },
    });
  });

  it('lets the function only UpdateItem in the table, the one call registry.record makes', () => {
    const table = new Capture();
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'dynamodb:UpdateItem',
            Resource: { 'Fn::GetAtt': [table, 'Arn'] },
          },
        ]),
      },
    });
    expect(table.asString()).toMatch(/Registry/);
    const actions = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(actions).not.toMatch(/dynamodb:(Scan|DeleteItem|GetItem|Query|PutItem)/);
  });

  it('names the table for the function and exposes what it created', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'callback-tracker',
          CALLBACK_TABLE_NAME: { Ref: Match.stringLikeRegexp('Registry') },
        }),
      },
    });
    // The exposed rule and queue are the ones wired: the rule targets the exposed function and
    // dead-letters into the exposed queue.
    const stack = Stack.of(tracker);
    const ruleId = stack.getLogicalId(tracker.rule.node.defaultChild as CfnRule);
    const queueId = stack.getLogicalId(tracker.deadLetterQueue.node.defaultChild as CfnQueue);
    const functionId = stack.getLogicalId(tracker.function.node.defaultChild as CfnFunction);
    expect(template.toJSON().Resources[ruleId].Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [functionId, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
      }),
    ]);
  });

  it('accepts an instance ARN of another partition, as the Lambdas do', () => {
    const stack = new Stack(testApp({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Gov');
    const govArn =
      'arn:aws-us-gov:connect:us-gov-west-1:123456789012:instance/0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';

    expect(() => new CallbackTracker(stack, 'T', { instanceArns: [govArn] })).not.toThrow();
  });

  it('refuses an instance ARN that is not one, naming it', () => {
    const stack = new Stack(testApp(), 'Bad');

    expect(() => new CallbackTracker(stack, 'T', { instanceArns: ['instance-1'] })).toThrow(
      'instanceArns: "instance-1" is not an Amazon Connect instance ARN',
    );
  });

  it('synthesizes with no unacknowledged cdk-nag finding', () => {
    expect(synthError).toBeUndefined();
  });
});
