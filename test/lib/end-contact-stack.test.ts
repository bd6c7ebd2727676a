import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  connectActionsByService,
  dynamoDbActionsByService,
  mutatingConnectStatementsOnAnyResource,
  type Synthesized,
  statementsFor,
  synthesize,
} from './helpers.js';

/** `arn:${Partition}:connect:${Region}:${Account}:instance/*` as CloudFormation writes it. */
const anyInstance = (suffix: string) => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':connect:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      `:instance/*${suffix}`,
    ],
  ],
});

// What CI runs: `cdk synth` with no context, offline, bundling for real.
describe('EndContactStack without context', () => {
  let synthesized: Synthesized;
  let template: Template;

  beforeAll(() => {
    synthesized = synthesize({}, { bundle: true, expectWarnings: ['end-contact:no-instance-arn'] });
    template = synthesized.template;
  });

  it('synthesizes with no unacknowledged cdk-nag finding', () => {
    // cdk-nag 3 reports through CDK's validation: a finding makes synthesis throw.
    expect(synthesized.synthError).toBeUndefined();
  });

  it('bundles every handler into one CommonJS file with a source map', () => {
    const assembly: CloudAssembly = synthesized.app.synth();
    const assets = readdirSync(assembly.directory).filter((name) => name.startsWith('asset.'));
    const bundles = assets.filter((asset) =>
      existsSync(join(assembly.directory, asset, 'index.js')),
    );
    expect(bundles).toHaveLength(3);
    for (const bundle of bundles) {
      expect(existsSync(join(assembly.directory, bundle, 'index.js.map'))).toBe(true);
      const code = readFileSync(join(assembly.directory, bundle, 'index.js'), 'utf8');
      // The SDK is inside; Node built-ins load with `require`, never through an ESM facade.
      expect(code.match(/require\(["']@aws-sdk\/client-/g)).toBeNull();
      expect(code.match(/\bimport\s*\(\s*["']node:[a-z_/]+["']\s*\)/g)).toBeNull();
      expect(code.match(/^import\s[^;]*;/gm)).toBeNull();
    }
  });

  it('runs the flow and HTTP handlers on Node.js 24 on arm64 from index.handler', () => {
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' },
      3,
    );
    for (const service of ['end-contact', 'stop-contact-api']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: {
          Variables: Match.objectLike({
            POWERTOOLS_SERVICE_NAME: service,
            REQUIRE_SECURITY_USER: 'false',
            REQUIRED_PERMISSION: 'StopContact.Enabled',
            SECURITY_USER_CACHE_TTL_SECONDS: '60',
          }),
        },
      });
    }
  });

  it('gives the flow function 8 s, the most Connect waits', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 8,
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'end-contact' }) },
    });
  });

  it('keeps every log group 30 days and deletes it with the stack', () => {
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.allResources('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
  });

  it('lets each function write only to its own log group', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const policies = Object.values(template.findResources('AWS::IAM::Policy'));
    for (const fn of Object.values(functions)) {
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
      const policy = policies.find((p) =>
        p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId),
      );
      const logStatements = policy?.Properties.PolicyDocument.Statement.filter(
        (s: { Action: string[] }) => JSON.stringify(s.Action).includes('logs:'),
      );
      expect(logStatements).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        },
      ]);
    }
  });

  it('attaches no AWS managed policy to any role', () => {
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it("scopes each Connect action to its resource type in every instance of the stack's account and Region", () => {
    // Two functions (flow and HTTP) call the same core, so each statement appears twice.
    expect(statementsFor(template, 'connect:StopContact').map((s) => s.Resource)).toEqual([
      anyInstance('/contact/*'),
      anyInstance('/contact/*'),
    ]);
    expect(statementsFor(template, 'connect:DescribeUser').map((s) => s.Resource)).toEqual([
      anyInstance('/agent/*'),
      anyInstance('/agent/*'),
    ]);
    expect(
      statementsFor(template, 'connect:ListSecurityProfilePermissions').map((s) => s.Resource),
    ).toEqual([anyInstance('/security-profile/*'), anyInstance('/security-profile/*')]);
    expect(statementsFor(template, 'connect:SearchUsers').map((s) => s.Resource)).toEqual([
      anyInstance(''),
      anyInstance(''),
    ]);
  });

  it('grants each function only the Connect actions its code calls', () => {
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
    });
  });

  it('never grants a mutating Connect action on Resource *', () => {
    expect(mutatingConnectStatementsOnAnyResource(template)).toEqual([]);
  });

  it('creates no Amazon Connect resource and warns that instanceArn is not set', () => {
    const types = Object.values(template.toJSON().Resources).map(
      (r) => (r as { Type: string }).Type,
    );
    expect(types.filter((type) => type.startsWith('AWS::Connect::'))).toEqual([]);
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Permission',
      { Principal: 'connect.amazonaws.com' },
      0,
    );
    // What `cdk synth` shows the user.
    expect(synthesized.printed).toMatch(
      /WARNING instanceArn is not set.*-c instanceArn=arn:aws:connect:/,
    );
  });

  it('tracks queued voice callbacks of every instance into the registry, which only the tracker writes', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.connect'],
        'detail-type': ['Amazon Connect Contact Event'],
        detail: {
          channel: ['VOICE'],
          initiationMethod: ['CALLBACK', 'CALLBACK_CUSTOMER_FIRST_QUEUED'],
          instanceArn: Match.absent(),
        },
      },
    });
    expect(dynamoDbActionsByService(template)).toEqual({
      'end-contact': [],
      'stop-contact-api': [],
      'callback-tracker': ['dynamodb:UpdateItem'],
    });
    template.hasOutput('CallbackTableName', {
      Value: { Ref: Match.stringLikeRegexp('^CallbackTracker') },
    });
    template.hasOutput('CallbackTrackerFunctionArn', {
      Value: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
  });

  it('leaves the sweeper out: it sweeps named instances only', () => {
    template.resourcePropertiesCountIs(
      'AWS::Events::Rule',
      { ScheduleExpression: Match.anyValue() },
      0,
    );
    expect(Object.keys(template.findOutputs('*'))).not.toContain('CallbackSweeperFunctionArn');
  });

  it('routes POST /contact/stop to the HTTP function behind IAM authorization', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /contact/stop',
      AuthorizationType: 'AWS_IAM',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'apigateway.amazonaws.com',
      SourceArn: {
        'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/\\*/\\*/contact/stop$')])],
      },
    });
  });

  it('throttles the default stage and writes JSON access logs without bodies', () => {
    const format = new Capture();
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
        Format: format,
      },
    });
    const fields = JSON.parse(format.asString());
    expect(fields).toMatchObject({
      requestId: '$context.requestId',
      caller: '$context.identity.userArn',
      routeKey: '$context.routeKey',
      status: '$context.status',
    });
    expect(format.asString()).not.toMatch(/body/i);
  });

  it('alarms on errors of every function and on dead letters, with no action without alarmEmail', () => {
    for (const service of ['end-contact', 'stop-contact-api', 'callback-tracker']) {
      const fn = Object.entries(template.findResources('AWS::Lambda::Function')).find(
        ([, r]) => r.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === service,
      );
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn?.[0] } }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: {
            'Fn::GetAtt': [Match.stringLikeRegexp('^CallbackTrackerDeadLetterQueue'), 'QueueName'],
          },
        },
      ],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent() });
    template.resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('outputs the API URL, the route ARN to grant, and the function ARNs', () => {
    template.hasOutput('StopContactApiUrl', {
      Value: {
        'Fn::Join': [
          '',
          Match.arrayWith(['https://', Match.stringLikeRegexp('^\\.execute-api\\.')]),
        ],
      },
    });
    template.hasOutput('StopContactRouteArn', {
      Value: {
        'Fn::Join': [
          '',
          Match.arrayWith([Match.stringLikeRegexp('/\\$default/POST/contact/stop$')]),
        ],
      },
    });
    template.hasOutput('EndContactFunctionArn', {
      Value: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
    template.hasOutput('StopContactApiFunctionArn', {
      Value: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
  });

  it("outputs the tracker's dead-letter queue URL, for re-driving what it holds", () => {
    const queues = Object.keys(template.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(1);
    template.hasOutput('CallbackTrackerDeadLetterQueueUrl', { Value: { Ref: queues[0] } });
  });
});
