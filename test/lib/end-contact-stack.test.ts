import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { EndContactStack } from '../../lib/end-contact-stack.js';

describe('EndContactStack', () => {
  let app: App;
  let template: Template;

  beforeAll(() => {
    app = new App();
    const stack = new EndContactStack(app, 'Test');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    template = Template.fromStack(stack);
  });

  it('runs both handlers on Node.js 22 on arm64 from an ESM bundle', () => {
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
      },
      2,
    );
    for (const service of ['end-contact', 'stop-contact-api']) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: service }) },
      });
    }
  });

  it('gives each function its own log group with a retention', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('attaches no AWS managed policy to any role', () => {
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('synthesizes with no unacknowledged cdk-nag finding', () => {
    // cdk-nag 3 reports through CDK's validation: a finding makes app.synth() throw.
    expect(() => app.synth()).not.toThrow();
  });
});
