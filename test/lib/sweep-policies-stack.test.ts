import { Capture, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSweepPolicies } from '../../lambdas/core/sweeper/rules.js';
import { instanceArn, policyStatements, type Synthesized, synthesize } from './helpers.js';

const instanceId = instanceArn.split('/')[1] as string;
const billing = 'b0000000-0000-4000-8000-000000000001';
const claims = 'c0000000-0000-4000-8000-000000000002';

const policies = [
  {
    name: 'billing',
    queues: [billing],
    maxQueuedAge: '4h',
    mode: 'end',
    schedules: [
      { name: 'billing-close', cron: '0 18 ? * MON-FRI *', timeZone: 'America/New_York' },
    ],
  },
  {
    name: 'claims',
    queues: [claims],
    maxQueuedAge: '3d',
    schedules: [
      {
        name: 'claims-weekend',
        cron: 'cron(0 20 ? * FRI *)',
        timeZone: 'Europe/London',
        minAge: '2h',
        mode: 'report',
      },
    ],
  },
];

describe('the stack with sweep policies and scheduled clears', () => {
  let synthesized: Synthesized;

  beforeAll(() => {
    synthesized = synthesize({ instanceArn, sweepPolicies: JSON.stringify(policies) });
  });

  it('synthesizes with no unacknowledged cdk-nag finding', () => {
    expect(synthesized.synthError).toBeUndefined();
  });

  it("carries the resolved rules to the sweeper's environment, which the sweeper reads back", () => {
    const env = new Capture();
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: 'callback-sweeper',
          SWEEP_POLICIES: env,
        }),
      },
    });
    const parsed = parseSweepPolicies(env.asString(), {
      defaults: { maxQueuedAgeMs: 1, mode: 'report', duplicatesPolicy: 'off' },
      instanceIds: [instanceId],
      source: 'SWEEP_POLICIES',
    });
    expect(parsed.ok && parsed.rules.map((r) => [r.name, r.mode, r.maxQueuedAgeMs])).toEqual([
      ['billing', 'end', 4 * 3_600_000],
      ['claims', 'report', 72 * 3_600_000],
    ]);
  });

  it('deploys each clear as an EventBridge Scheduler schedule in its time zone, invoking the sweeper with its rule and name', () => {
    const template = synthesized.template;
    const sweeperArn = new Capture();
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 18 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'America/New_York',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [sweeperArn, 'Arn'] },
        Input: JSON.stringify({ rule: 'billing', schedule: 'billing-close' }),
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
      },
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 20 ? * FRI *)',
      ScheduleExpressionTimezone: 'Europe/London',
      Target: Match.objectLike({
        Input: JSON.stringify({ rule: 'claims', schedule: 'claims-weekend' }),
      }),
    });
    const target = template.findResources('AWS::Lambda::Function')[sweeperArn.asString()];
    expect(target?.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe(
      'callback-sweeper',
    );
  });

  it("lets the schedules' role, which only the scheduler of this account assumes, invoke the sweeper and nothing else", () => {
    const template = synthesized.template;
    const roleId = new Capture();
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({ RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } }),
    });
    const role = template.findResources('AWS::IAM::Role')[roleId.asString()];
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      },
    ]);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      p.Properties.Roles.some((r: { Ref?: string }) => r.Ref === roleId.asString()),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
      },
    ]);
    expect(policyStatements(template).length).toBeGreaterThan(statements.length);
  });
});

describe('sweep policies at synth', () => {
  it('fails with one line naming the rule and the field', () => {
    expect(() =>
      synthesize({
        instanceArn,
        sweepPolicies: [{ name: 'claims', queues: [claims], maxQueuedAge: '30d' }],
      }),
    ).toThrow(
      'context key sweepPolicies: rule 1 ("claims"), field maxQueuedAge must be a duration from 5m to 14d, written like "30m", "4h" or "3d", got "30d"',
    );
  });

  it('refuses a rule naming an instance the deployment does not list', () => {
    expect(() =>
      synthesize({
        instanceArn,
        sweepPolicies: [
          { name: 'other', instance: 'ffffffff-0000-4000-8000-000000000000', queues: '*' },
        ],
      }),
    ).toThrow(
      /rule 1 \("other"\), field instance names ffffffff-0000-4000-8000-000000000000, which is not one of the deployment's instances/,
    );
  });

  it('creates no schedule when no rule has one', () => {
    const { template } = synthesize({
      instanceArn,
      sweepPolicies: [{ name: 'all', queues: '*', maxQueuedAge: '2h' }],
    });
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
  });
});

describe('CallbackSweeper with policies', () => {
  it("refuses policies too large for Lambda's 4 KB of environment variables", () => {
    const many = Array.from({ length: 60 }, (_, i) => ({
      name: `queue-${i}`,
      queues: [`${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`],
      maxQueuedAge: '4h',
    }));
    expect(() => synthesize({ instanceArn, sweepPolicies: many })).toThrow(
      /policies take \d+ bytes in the function's environment \(SWEEP_POLICIES\), more than the 2800 left of Lambda's 4 KB/,
    );
  });
});
