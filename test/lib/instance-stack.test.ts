import { readFileSync } from 'node:fs';
import { Annotations, Capture, Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  instanceArn,
  mutatingConnectStatementsOnAnyResource,
  type Synthesized,
  statementsFor,
  synthesize,
} from './helpers.js';

/** The flow file's one CloudFormation Fn::Sub placeholder. */
const placeholder = ['$', '{EndContactFunctionArn}'].join('');
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
    });
    template = synthesized.template;
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'end-contact' } } },
    });
    [endContactFunctionId] = Object.keys(functions) as [string];
  });

  it('synthesizes with no unacknowledged cdk-nag finding', () => {
    expect(() => synthesized.app.synth()).not.toThrow();
  });

  it("deploys to the instance's account and Region", () => {
    expect(synthesized.stack.account).toBe('123456789012');
    expect(synthesized.stack.region).toBe('us-east-1');
  });

  it('scopes each Connect action to the resources of that one instance', () => {
    const resourcesOf = (action: string) =>
      statementsFor(template, action).map((statement) => statement.Resource);
    expect(resourcesOf('connect:StopContact')).toEqual([
      `${instanceArn}/contact/*`,
      `${instanceArn}/contact/*`,
    ]);
    expect(resourcesOf('connect:DescribeUser')).toEqual([
      `${instanceArn}/agent/*`,
      `${instanceArn}/agent/*`,
    ]);
    expect(resourcesOf('connect:ListSecurityProfilePermissions')).toEqual([
      `${instanceArn}/security-profile/*`,
      `${instanceArn}/security-profile/*`,
    ]);
    expect(resourcesOf('connect:SearchUsers')).toEqual([instanceArn, instanceArn]);
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
    template.resourceCountIs('AWS::Connect::ContactFlow', 1);
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
