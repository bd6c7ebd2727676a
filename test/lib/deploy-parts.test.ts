import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, synthesize } from './helpers.js';

// `-c endContactFunction=false -c callbackSweeper=false`: the HTTP API alone.
describe('EndContactStack with only the HTTP API', () => {
  let synthesized: Synthesized;
  let template: Template;

  beforeAll(() => {
    synthesized = synthesize(
      { endContactFunction: 'false', callbackSweeper: 'false' },
      { expectWarnings: ['end-contact:no-instance-arn'] },
    );
    template = synthesized.template;
  });

  it('creates the HTTP function and API and nothing of the other parts', () => {
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'stop-contact-api' } },
    });
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 0);
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
  });

  it('outputs only what exists', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs).toContain('StopContactApiUrl');
    expect(outputs).not.toContain('EndContactFunctionArn');
  });

  it('synthesizes with no unacknowledged cdk-nag finding', () => {
    expect(synthesized.synthError).toBeUndefined();
  });
});
