import { Token } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  instanceArn,
  mutatingConnectStatementsOnAnyResource,
  type Synthesized,
  synthesize,
} from './helpers.js';

// What `npm run synth:local` builds and `npm run deploy:local` hands to LocalStack.
describe('EndContactStack in local mode', () => {
  let synthesized: Synthesized;
  let template: Template;

  beforeAll(() => {
    synthesized = synthesize({ local: 'true', instanceArn });
    template = synthesized.template;
  });

  it('synthesizes with no unacknowledged cdk-nag finding', () => {
    expect(synthesized.synthError).toBeUndefined();
  });

  it('leaves out every Amazon Connect resource, which LocalStack lacks', () => {
    const types = Object.values(template.toJSON().Resources).map(
      (r) => (r as { Type: string }).Type,
    );
    expect(types.filter((type) => type.startsWith('AWS::Connect::'))).toEqual([]);
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Permission',
      { Principal: 'connect.amazonaws.com' },
      0,
    );
  });

  it('points every function that calls Connect at the local Amazon Connect', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(2);
    for (const service of ['end-contact', 'callback-sweeper']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            POWERTOOLS_SERVICE_NAME: service,
            AWS_ENDPOINT_URL_CONNECT: 'http://host.docker.internal:8017',
          }),
        },
      });
    }
  });

  it("leaves out the HTTP API by default, which LocalStack's free plan lacks", () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0);
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Environment: {
          Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'stop-contact-api' }),
        },
      },
      0,
    );
  });

  it("keeps the stack environment-agnostic, so it deploys into LocalStack's account", () => {
    expect(Token.isUnresolved(synthesized.stack.account)).toBe(true);
  });

  it('still scopes IAM to the instance given, and never a mutating action to *', () => {
    expect(mutatingConnectStatementsOnAnyResource(template)).toEqual([]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['connect:DescribeContact', 'connect:StopContact'],
            Resource: `${instanceArn}/contact/*`,
          }),
        ]),
      },
    });
  });
});
