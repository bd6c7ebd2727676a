import { readFileSync } from 'node:fs';
import { Annotations, Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { callbackTable } from '../../lambdas/core/registry/table.js';
import { stackOutputs } from '../../lambdas/core/stack-outputs.js';
import {
  acknowledgedRuleIds,
  connectActionsByService,
  dynamoDbActionsByService,
  instanceArn,
  mutatingConnectStatementsOnAnyResource,
  type Synthesized,
  statementsByService,
  synthesize,
} from './helpers.js';

/** The flow file's one CloudFormation Fn::Sub placeholder. */
const placeholder = ['$', '{EndContactFunctionArn}'].join('');
const allowedQueue = '1e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
const deniedQueue = `${instanceArn}/queue/2e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b`;
const reconciledQueue = '3e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
const exampleFlow = readFileSync(
  new URL('../../lib/flows/end-contact-example.json', import.meta.url),
  'utf8',
);

// `cdk deploy -c instanceArn=... -c sampleFlow=true -c alarmEmail=...`: everything wired.
describe('EndContactStack with an instance', () => {
  let synthesized: Synthesized;
  let template: Template;
  let endContactFunctionId: string;

  beforeAll(() => {
    synthesized = synthesize({
      instanceArn,
      sampleFlow: 'true',
      alarmEmail: 'ops@example.com',
      requireSecurityUser: 'true',
      requiredPermission: 'Contacts.End',
      logRetentionDays: '90',
      apiRateLimit: '20',
      apiBurstLimit: '40',
      sweepMode: 'end',
      maxQueuedAge: '2h',
      maxStopsPerRun: '25',
      stopRatePerSecond: '1',
      describeRatePerSecond: '3',
      queueAllowList: allowedQueue,
      queueDenyList: deniedQueue,
      schedule: 'rate(1 hour)',
      tagEndedContacts: 'false',
      tagRatePerSecond: '1',
      discoverCallbacks: 'false',
      duplicatesPolicy: 'keep-oldest',
      phoneHashSalt: 'a-deploy-salt-0123456789',
      reconcile: 'false',
      reconcileQueueIds: reconciledQueue,
      metricDataRatePerSecond: '0.5',
      sweeperReservedConcurrency: 'false',
    });
    template = synthesized.template;
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'end-contact' } } },
    });
    [endContactFunctionId] = Object.keys(functions) as [string];
  });

  it('synthesizes with no unacknowledged cdk-nag finding', () => {
    expect(synthesized.synthError).toBeUndefined();
  });

  it('runs every function on Node.js 24 on arm64', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
    });
  });

  it("passes cdk-nag's latest-runtime rule rather than acknowledging it", () => {
    const acknowledged = acknowledgedRuleIds(synthesized.app);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.filter((id) => id.includes('AwsSolutions-L1'))).toEqual([]);
  });

  it("deploys to the instance's account and Region", () => {
    expect(synthesized.stack.account).toBe('123456789012');
    expect(synthesized.stack.region).toBe('us-east-1');
  });

  it('scopes each End a Contact Connect action to the resources of that one instance', () => {
    for (const service of ['end-contact', 'stop-contact-api']) {
      const statements = statementsByService(template)[service] ?? [];
      const resourcesOf = (action: string) =>
        statements.filter((s) => [s.Action].flat().includes(action)).map((s) => s.Resource);
      expect(resourcesOf('connect:StopContact')).toEqual([`${instanceArn}/contact/*`]);
      // finding 9: a 410 after an ambiguous attempt is checked with DescribeContact.
      expect(resourcesOf('connect:DescribeContact')).toEqual([`${instanceArn}/contact/*`]);
      expect(resourcesOf('connect:DescribeUser')).toEqual([`${instanceArn}/agent/*`]);
      expect(resourcesOf('connect:ListSecurityProfilePermissions')).toEqual([
        `${instanceArn}/security-profile/*`,
      ]);
      expect(resourcesOf('connect:SearchUsers')).toEqual([instanceArn]);
    }
  });

  it('grants each function only the Connect and DynamoDB actions its code calls', () => {
    const endContactActions = [
      'connect:DescribeContact',
      'connect:DescribeUser',
      'connect:ListSecurityProfilePermissions',
      'connect:SearchUsers',
      'connect:StopContact',
    ];
    expect(connectActionsByService(template)).toEqual({
      'end-contact': endContactActions,
      'stop-contact-api': endContactActions,
      'callback-tracker': [],
      'callback-sweeper': [
        'connect:DescribeContact',
        'connect:GetContactMetrics',
        'connect:GetCurrentMetricData',
        'connect:SearchContacts',
        'connect:StopContact',
        'connect:TagContact',
      ],
    });
    // The tracker writes; the sweeper reads through the index and writes tombstones.
    expect(dynamoDbActionsByService(template)).toEqual({
      'end-contact': [],
      'stop-contact-api': [],
      'callback-tracker': ['dynamodb:UpdateItem'],
      'callback-sweeper': ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
    });
  });

  it("scopes the sweeper's Connect and table access to the instance and the registry", () => {
    const sweeper = statementsByService(template)['callback-sweeper'] ?? [];
    const resourcesOf = (action: string) =>
      sweeper.filter((s) => [s.Action].flat().includes(action)).map((s) => s.Resource);
    for (const action of ['connect:DescribeContact', 'connect:TagContact', 'connect:StopContact']) {
      expect(resourcesOf(action)).toEqual([`${instanceArn}/contact/*`]);
    }
    expect(resourcesOf('connect:GetCurrentMetricData')).toEqual([
      [`${instanceArn}/queue/*`, `${instanceArn}/routing-profile/*`],
    ]);
    expect(resourcesOf('connect:GetContactMetrics')).toEqual([
      [instanceArn, `${instanceArn}/contact/*`],
    ]);
    expect(resourcesOf('connect:SearchContacts')).toEqual([instanceArn]);
    const tracker = statementsByService(template)['callback-tracker'] ?? [];
    const tableArn = tracker.find((s) => s.Action === 'dynamodb:UpdateItem')?.Resource;
    expect(tableArn).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^CallbackTrackerRegistry/), 'Arn'],
    });
    expect(resourcesOf('dynamodb:Query')).toEqual([
      { 'Fn::Join': ['', [tableArn, `/index/${callbackTable.queuedIndex.name}`]] },
    ]);
    expect(resourcesOf('dynamodb:GetItem')).toEqual([tableArn]);
  });
  it('tracks callback events of this instance only', () => {
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
    });
  });

  it('runs the sweeper on the schedule and with the settings the context gives', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CallbackSweeper'), 'Arn'] },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'callback-sweeper',
          CONNECT_INSTANCE_IDS: instanceArn,
          SWEEP_MODE: 'end',
          MAX_QUEUED_AGE: '7200s',
          MAX_STOPS_PER_RUN: '25',
          QUEUE_ALLOW_LIST: allowedQueue,
          QUEUE_DENY_LIST: deniedQueue,
          TAG_ENDED_CONTACTS: 'false',
          DISCOVER_CALLBACKS: 'false',
          STOP_CONTACT_RPS: '1',
          TAG_CONTACT_RPS: '1',
          DESCRIBE_CONTACT_RPS: '3',
          GET_CURRENT_METRIC_DATA_RPS: '0.5',
          DUPLICATES_POLICY: 'keep-oldest',
          PHONE_HASH_SALT: 'a-deploy-salt-0123456789',
          RECONCILE: 'false',
          RECONCILE_QUEUE_IDS: reconciledQueue,
          AWS_ENDPOINT_URL_CONNECT: Match.absent(),
        }),
      },
      // sweeperReservedConcurrency false: for accounts whose concurrency limit is 100 or less.
      ReservedConcurrentExecutions: Match.absent(),
    });
    template.hasOutput('CallbackSweeperFunctionArn', {
      Value: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
  });

  it('lets EventBridge invoke the tracker and the sweeper only from their own rules', () => {
    const rules = template.findResources('AWS::Events::Rule');
    const permissions = Object.values(
      template.findResources('AWS::Lambda::Permission', {
        Properties: { Principal: 'events.amazonaws.com' },
      }),
    );
    expect(permissions).toHaveLength(2);
    for (const permission of permissions) {
      const ruleId = permission.Properties.SourceArn['Fn::GetAtt'][0];
      const targets = rules[ruleId]?.Properties.Targets;
      expect(targets.map((t: { Arn: unknown }) => t.Arn)).toEqual([
        permission.Properties.FunctionName,
      ]);
    }
  });

  it('never drops a callback event silently: retries, then the encrypted, SSL-only dead-letter queue', () => {
    const queue = new Capture();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.connect'] }),
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 86_400 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^CallbackTracker') },
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [queue.asString(), 'Arn'] } },
      },
    });
    expect(template.toJSON().Resources[queue.asString()].Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('keeps the registry on demand, encrypted, recoverable, expiring by TTL, and past a stack delete', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: callbackTable.ttlAttribute, Enabled: true },
        GlobalSecondaryIndexes: [
          Match.objectLike({ IndexName: callbackTable.queuedIndex.name }),
          Match.objectLike({ IndexName: callbackTable.auditIndex.name }),
        ],
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it("gives the operator CLI the outputs it reads: the table, the swept instance IDs and the sweeper's ARN", () => {
    const outputs = template.findOutputs('*');

    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(Object.values(stackOutputs)));
    expect(outputs[stackOutputs.sweptInstanceIds]?.Value).toBe(instanceArn.split('/')[1]);
  });

  it("alarms on the sweeper's errors, on callbacks it failed to handle and on unexplained queues, in either mode", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: Match.stringLikeRegexp('^CallbackSweeper') } },
      ],
    });
    const sweeperMetric = (metricName: string, mode: string) =>
      Match.objectLike({
        MetricStat: Match.objectLike({
          Metric: {
            Namespace: 'AmazonConnectEndContact',
            MetricName: metricName,
            Dimensions: [
              { Name: 'mode', Value: mode },
              { Name: 'service', Value: 'callback-sweeper' },
            ],
          },
          Stat: 'Sum',
        }),
      });
    for (const metricName of ['Failed', 'UnexplainedQueues', 'Discovered']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([
          Match.objectLike({
            Expression: 'FILL(reportMode, 0) + FILL(endMode, 0)',
            ReturnData: true,
          }),
          sweeperMetric(metricName, 'report'),
          sweeperMetric(metricName, 'end'),
        ]),
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    template.resourceCountIs('AWS::CloudWatch::Alarm', 9);
  });

  it('alarms when Connect throttles the sweeper in each of 3 consecutive hours, in either mode', () => {
    const throttled = (mode: string) =>
      Match.objectLike({
        MetricStat: {
          Metric: {
            Namespace: 'AmazonConnectEndContact',
            MetricName: 'Throttled',
            Dimensions: [
              { Name: 'mode', Value: mode },
              { Name: 'service', Value: 'callback-sweeper' },
            ],
          },
          Period: 3_600,
          Stat: 'Sum',
        },
      });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({
          Expression: 'FILL(reportMode, 0) + FILL(endMode, 0)',
          ReturnData: true,
        }),
        throttled('report'),
        throttled('end'),
      ]),
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
    });
  });

  it('never grants a mutating Connect action on Resource *', () => {
    expect(mutatingConnectStatementsOnAnyResource(template)).toEqual([]);
  });

  it('lets only this instance, in its own account, invoke the flow function', () => {
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Permission',
      { Principal: 'connect.amazonaws.com' },
      1,
    );
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [endContactFunctionId, 'Arn'] },
      Principal: 'connect.amazonaws.com',
      SourceAccount: '123456789012',
      SourceArn: instanceArn,
    });
  });

  it('associates the flow function with the instance once Connect may invoke it', () => {
    template.resourceCountIs('AWS::Connect::IntegrationAssociation', 1);
    template.hasResource('AWS::Connect::IntegrationAssociation', {
      Properties: {
        InstanceId: instanceArn,
        IntegrationType: 'LAMBDA_FUNCTION',
        IntegrationArn: { 'Fn::GetAtt': [endContactFunctionId, 'Arn'] },
      },
      DependsOn: [Match.stringLikeRegexp('ConnectInvoke')],
    });
  });

  it('creates the sample flow from the example file, pointed at the flow function', () => {
    const content = new Capture();
    // The example file's flow, and the one that calls the flow module (test/lib/constructs/end-contact-module.test.ts).
    template.resourceCountIs('AWS::Connect::ContactFlow', 2);
    template.hasResource('AWS::Connect::ContactFlow', {
      Properties: {
        InstanceArn: instanceArn,
        Type: 'CONTACT_FLOW',
        State: 'ACTIVE',
        Name: 'End a Contact (sample)',
        Content: {
          'Fn::Sub': [
            content,
            { EndContactFunctionArn: { 'Fn::GetAtt': [endContactFunctionId, 'Arn'] } },
          ],
        },
      },
      DependsOn: [Match.stringLikeRegexp('IntegrationAssociation')],
    });
    expect(content.asString()).toBe(exampleFlow);
    // Fn::Sub replaces exactly one placeholder; the flow's $.Attributes paths have no braces.
    expect(content.asString().match(/\$\{[^}]*\}/g)).toEqual([placeholder]);
    template.hasOutput('SampleFlowArn', {
      Value: { 'Fn::GetAtt': [Match.anyValue(), 'ContactFlowArn'] },
    });
  });

  it('passes the SecurityUser settings to both functions', () => {
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: Match.objectLike({
            REQUIRE_SECURITY_USER: 'true',
            REQUIRED_PERMISSION: 'Contacts.End',
            AWS_ENDPOINT_URL_CONNECT: Match.absent(),
          }),
        },
      },
      2,
    );
  });

  it('keeps every log group as long as logRetentionDays says', () => {
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('throttles the API as apiRateLimit and apiBurstLimit say', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
  });

  it('notifies alarmEmail through an encrypted, SSL-only topic that CloudWatch may use', () => {
    const keyId = new Capture();
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Principal: { Service: 'cloudwatch.amazonaws.com' },
          }),
        ]),
      },
    });
    expect(Object.keys(template.findResources('AWS::KMS::Key'))).toEqual([keyId.asString()]);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    template.allResourcesProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlarmsTopic') }],
    });
    template.hasOutput('AlarmTopicArn', { Value: { Ref: Match.stringLikeRegexp('^AlarmsTopic') } });
  });

  it('does not warn about a missing instanceArn', () => {
    Annotations.fromStack(synthesized.stack).hasNoWarning(
      '*',
      Match.stringLikeRegexp('instanceArn is not set'),
    );
  });
});
