import { readFileSync } from 'node:fs';
import { Stack, Validations } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { configsByRegion, readConfig } from '../../lib/config.js';
import { EndContactStack, stackId } from '../../lib/end-contact-stack.js';
import { addEndContactStacks } from '../../lib/regional-stacks.js';
import {
  cdkJsonContext,
  instanceArn,
  mutatingConnectStatementsOnAnyResource,
  type Synthesized,
  statementsByService,
  synthesize,
  testApp,
} from './helpers.js';

/** A second instance of the same account and Region as `instanceArn`. */
const secondArn =
  'arn:aws:connect:us-east-1:123456789012:instance/9e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
const secondId = '9e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
/** An instance of the same account in another Region. */
const londonArn =
  'arn:aws:connect:eu-west-2:123456789012:instance/5e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';

/** The IDs and types of the resources a user's single-instance stack has, captured from main. */
const singleInstanceIds: { stackName: string; resources: Record<string, string> } = JSON.parse(
  readFileSync(new URL('../fixtures/single-instance-stack-ids.json', import.meta.url), 'utf8'),
);
const fullContext = { sampleFlow: 'true', alarmEmail: 'ops@example.com' };

const configFrom = (context: Record<string, unknown>) =>
  readConfig((key) => context[key], Object.keys(context));

const resourceTypes = (template: Template) =>
  Object.fromEntries(
    Object.entries(template.toJSON().Resources as Record<string, { Type: string }>).map(
      ([id, resource]) => [id, resource.Type],
    ),
  );

describe('instanceArns in the configuration', () => {
  it('reads a JSON array or a comma-separated list given with -c, and a cdk.json array', () => {
    const json = configFrom({ instanceArns: JSON.stringify([instanceArn, secondArn]) });
    const comma = configFrom({ instanceArns: `${instanceArn}, ${secondArn}` });
    const array = configFrom({ instanceArns: [instanceArn, secondArn] });
    expect(json).toEqual(comma);
    expect(array).toEqual(comma);
    expect(comma.instances.map((i) => i.id)).toEqual([
      '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
      secondId,
    ]);
    expect(comma.instance?.arn).toBe(instanceArn);
    expect(comma.deploy.connectIntegration).toBe(true);
  });

  it('unites instanceArn and instanceArns, instanceArn first, each instance once', () => {
    const config = configFrom({ instanceArn: secondArn, instanceArns: [instanceArn, secondArn] });
    expect(config.instances.map((i) => i.arn)).toEqual([secondArn, instanceArn]);
    expect(config.instance?.arn).toBe(secondArn);
  });

  it('lists every instance of the deployment, in every Region, for rules that name one', () => {
    const config = configFrom({ instanceArns: [instanceArn, londonArn] });
    expect(config.instances.map((i) => [i.id, i.region])).toEqual([
      ['0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', 'us-east-1'],
      ['5e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', 'eu-west-2'],
    ]);
    expect(config.instances.map((i) => i.id)).toEqual([
      '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
      '5e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
    ]);
  });

  it('refuses an entry that is not an instance ARN, in one line that names it', () => {
    const bareId = '0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
    expect(() => configFrom({ instanceArns: `${instanceArn},${bareId}` })).toThrow(
      new RegExp(
        `^context key instanceArns must be a list of Amazon Connect instance ARNs.*got "${bareId}": set -c instanceArns=`,
      ),
    );
  });

  it('refuses instances of two accounts in one line that says to deploy once per account', () => {
    const otherAccount = secondArn.replace('123456789012', '210987654321');
    let message = '';
    try {
      configFrom({ instanceArns: [instanceArn, otherAccount] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toMatch(
      /instances of one account, got 123456789012 and 210987654321: deploy the app once per account/,
    );
  });

  it('splits the deployment by Region, the first instance’s Region first', () => {
    const config = configFrom({ instanceArns: [londonArn, instanceArn, secondArn] });
    const regional = configsByRegion(config);
    expect(regional.map((r) => r.region)).toEqual(['eu-west-2', 'us-east-1']);
    expect(regional[1]?.config.instances.map((i) => i.arn)).toEqual([instanceArn, secondArn]);
    expect(regional[1]?.config.instance?.arn).toBe(instanceArn);
  });
});

// An existing single-instance stack must update in place: every logical ID it has stays.
describe('a single instance after several instances arrived', () => {
  it('keeps the stack name and every logical ID and type of a single-instance stack', () => {
    const { stack, template } = synthesize({ instanceArn, ...fullContext });
    expect(stack.stackName).toBe(singleInstanceIds.stackName);
    expect(resourceTypes(template)).toEqual(singleInstanceIds.resources);
  });

  it('gives instanceArns with one instance the same template as instanceArn', () => {
    const single = synthesize({ instanceArn, ...fullContext }).template.toJSON();
    const listed = synthesize({ instanceArns: [instanceArn], ...fullContext }).template.toJSON();
    expect(listed).toEqual(single);
  });
});

// `cdk deploy -c instanceArns=<a>,<b> -c sampleFlow=true`: two instances of one account and Region.
describe('EndContactStack with two instances in one Region', () => {
  let synthesized: Synthesized;
  let template: Template;
  let endContactFunctionId: string;

  beforeAll(() => {
    synthesized = synthesize({ instanceArns: [instanceArn, secondArn], ...fullContext });
    template = synthesized.template;
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'end-contact' } } },
    });
    [endContactFunctionId] = Object.keys(functions) as [string];
  });

  it('is one stack, with no unacknowledged cdk-nag finding', () => {
    expect(synthesized.app.node.children.filter((c) => c instanceof Stack)).toHaveLength(1);
    expect(synthesized.synthError).toBeUndefined();
  });

  it('keeps every resource of the first instance under its single-instance logical ID', () => {
    const types = resourceTypes(template);
    for (const [id, type] of Object.entries(singleInstanceIds.resources)) {
      expect(types[id], id).toBe(type);
    }
  });

  it("tracks the callback events of both instances in the tracker's one rule", () => {
    template.resourceCountIs('AWS::Events::Rule', 2); // the tracker's rule and the sweeper's schedule
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.connect'],
        detail: Match.objectLike({ instanceArn: [instanceArn, secondArn] }),
      }),
    });
  });

  it('associates the flow function with each instance, each allowed to invoke it', () => {
    template.resourceCountIs('AWS::Connect::IntegrationAssociation', 2);
    for (const arn of [instanceArn, secondArn]) {
      template.hasResource('AWS::Connect::IntegrationAssociation', {
        Properties: {
          InstanceId: arn,
          IntegrationType: 'LAMBDA_FUNCTION',
          IntegrationArn: { 'Fn::GetAtt': [endContactFunctionId, 'Arn'] },
        },
        DependsOn: [Match.stringLikeRegexp('ConnectInvoke')],
      });
      template.hasResourceProperties('AWS::Lambda::Permission', {
        FunctionName: { 'Fn::GetAtt': [endContactFunctionId, 'Arn'] },
        Principal: 'connect.amazonaws.com',
        SourceAccount: '123456789012',
        SourceArn: arn,
      });
    }
  });

  it('creates the flow module and the sample flows in each instance', () => {
    template.resourceCountIs('AWS::Connect::ContactFlowModule', 2);
    template.resourceCountIs('AWS::Connect::ContactFlow', 4);
    for (const arn of [instanceArn, secondArn]) {
      template.hasResourceProperties('AWS::Connect::ContactFlowModule', { InstanceArn: arn });
      template.hasResource('AWS::Connect::ContactFlow', {
        Properties: Match.objectLike({ InstanceArn: arn, Name: 'End a Contact (sample)' }),
        DependsOn: Match.arrayWith([Match.stringLikeRegexp('IntegrationAssociation')]),
      });
    }
    const outputs = Object.keys(template.toJSON().Outputs);
    expect(outputs.filter((o) => o.startsWith('FlowModuleArn'))).toHaveLength(2);
    expect(outputs.filter((o) => o.startsWith('SampleFlowArn'))).toHaveLength(2);
  });

  it('sweeps both instances, in order', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'callback-sweeper',
          CONNECT_INSTANCE_IDS: `${instanceArn},${secondArn}`,
        }),
      },
    });
  });

  it("scopes every function's Connect statements to each instance, and to nothing else", () => {
    expect(mutatingConnectStatementsOnAnyResource(template)).toEqual([]);
    const byService = statementsByService(template);
    for (const service of ['end-contact', 'stop-contact-api', 'callback-sweeper']) {
      const connectResources = (byService[service] ?? [])
        .filter((s) => [s.Action].flat().some((a) => a.startsWith('connect:')))
        .flatMap((s) => [s.Resource].flat() as string[]);
      expect(connectResources.length, service).toBeGreaterThan(0);
      for (const resource of connectResources) {
        expect(resource, service).toMatch(
          new RegExp(`^(${instanceArn}|${secondArn})($|/)`.replaceAll('/', '\\/')),
        );
      }
      for (const arn of [instanceArn, secondArn]) {
        expect(connectResources, service).toContain(`${arn}/contact/*`);
      }
    }
  });

  it("graphs Connect's queue metrics of each instance, titled by instance", () => {
    const body = new Capture();
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardBody: body });
    const text = JSON.stringify(body.asObject());
    for (const id of ['0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b', secondId]) {
      expect(text).toContain(`InstanceId=\\\\\\"${id}\\\\\\"`);
      expect(text).toContain(`(instance ${id})`);
    }
  });
});

// `npm run deploy:local -- -c instanceArns=<a>,<b>`: LocalStack has no Connect, the sweeper still sweeps both.
describe('EndContactStack in local mode with two instances', () => {
  it('sweeps both and tracks both, with no Connect resources', () => {
    const { synthError, template } = synthesize({
      local: 'true',
      instanceArns: [instanceArn, secondArn],
    });
    expect(synthError).toBeUndefined();
    template.resourceCountIs('AWS::Connect::IntegrationAssociation', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ CONNECT_INSTANCE_IDS: `${instanceArn},${secondArn}` }),
      },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        detail: Match.objectLike({ instanceArn: [instanceArn, secondArn] }),
      }),
    });
  });

  it('refuses instances of two Regions in local mode, in one line', () => {
    expect(() => configFrom({ local: true, instanceArns: [instanceArn, londonArn] })).toThrow(
      /^context key instanceArns must name instances of one Region in local mode, got us-east-1 and eu-west-2: [^\n]+$/,
    );
  });
});

/** Builds the app as lib/app.ts does, cdk-nag included, without bundling. */
function appWith(context: Record<string, unknown>) {
  const app = testApp({
    context: { ...cdkJsonContext, ...context, 'aws:cdk:bundling-stacks': [] },
  });
  const stacks = addEndContactStacks(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stacks };
}

// `cdk deploy --all -c instanceArns=<us-east-1 a>,<eu-west-2 b>,<us-east-1 c>`: one app, two Regions.
describe('the app with instances in two Regions', () => {
  it('adds a stack per Region: the first Region keeps the stack name, the other is suffixed', () => {
    const { stacks } = appWith({ instanceArns: [instanceArn, londonArn, secondArn] });
    expect(stacks.map((s) => [s.stackName, s.region, s.account])).toEqual([
      [stackId, 'us-east-1', '123456789012'],
      [`${stackId}-eu-west-2`, 'eu-west-2', '123456789012'],
    ]);
  });

  it('gives each stack only the instances of its Region, and synthesizes both', () => {
    const { stacks } = appWith({ instanceArns: [instanceArn, londonArn, secondArn] });
    const [virginia, london] = stacks.map((stack) => Template.fromStack(stack)) as [
      Template,
      Template,
    ];
    virginia.resourceCountIs('AWS::Connect::IntegrationAssociation', 2);
    london.resourceCountIs('AWS::Connect::IntegrationAssociation', 1);
    london.hasResourceProperties('AWS::Connect::IntegrationAssociation', { InstanceId: londonArn });
    london.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: Match.objectLike({ instanceArn: [londonArn] }) }),
    });
    london.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ CONNECT_INSTANCE_IDS: londonArn }),
      },
    });
  });

  it('refuses a stack given an instance of another Region, in one line that says how', () => {
    const app = testApp();
    const config = configFrom({ instanceArns: [instanceArn, londonArn] });
    expect(
      () =>
        new EndContactStack(app, 'Mixed', {
          config,
          env: { account: '123456789012', region: 'us-east-1' },
        }),
    ).toThrow(
      /^instance arn:aws:connect:eu-west-2:\S+ is not in stack Mixed's account and Region \(123456789012, us-east-1\): .*one stack per Region \(npx cdk deploy --all/,
    );
  });
});
