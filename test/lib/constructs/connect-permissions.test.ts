import { type App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import {
  ConnectResources,
  endContactGrants,
  grantConnect,
  nagResourceId,
} from '../../../lib/constructs/connect-permissions.js';
import { instanceArn, mutatingConnectStatementsOnAnyResource, testApp } from '../helpers.js';

function stackWithRole({ nag = true } = {}): { app: App; stack: Stack; role: Role } {
  const app = testApp();
  const stack = new Stack(app, 'Permissions');
  const role = new Role(stack, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, role };
}

describe('ConnectResources', () => {
  it("names the instance's resources by the Service Authorization Reference's ARN formats", () => {
    const { stack } = stackWithRole();
    const connect = ConnectResources.of(stack, instanceArn);
    expect(connect.scopedToInstance).toBe(true);
    expect(connect.contacts).toEqual([`${instanceArn}/contact/*`]);
    expect(connect.users).toEqual([`${instanceArn}/agent/*`]);
    expect(connect.securityProfiles).toEqual([`${instanceArn}/security-profile/*`]);
    expect(connect.queues).toEqual([`${instanceArn}/queue/*`]);
  });

  it('names the resources of each instance it is given, in order', () => {
    const { stack } = stackWithRole();
    const second = instanceArn.replace('0e1f2a3b', '9e1f2a3b');
    const connect = ConnectResources.of(stack, [instanceArn, second]);
    expect(connect.scopedToInstance).toBe(true);
    expect(connect.contacts).toEqual([`${instanceArn}/contact/*`, `${second}/contact/*`]);
    expect(connect.users).toEqual([`${instanceArn}/agent/*`, `${second}/agent/*`]);
  });

  it("falls back to every instance of the stack's account and Region, never a bare *", () => {
    const { stack } = stackWithRole();
    const connect = ConnectResources.of(stack);
    expect(connect.scopedToInstance).toBe(false);
    expect(nagResourceId(stack, connect.contacts[0] as string)).toBe(
      'arn:<AWS::Partition>:connect:<AWS::Region>:<AWS::AccountId>:instance/*/contact/*',
    );
  });
});

describe('grantConnect', () => {
  it('acknowledges exactly the wildcard resources it grants, so cdk-nag passes', () => {
    const { app, stack, role } = stackWithRole();
    grantConnect(role, endContactGrants(ConnectResources.of(stack)));
    expect(() => app.synth()).not.toThrow();
  });

  it('leaves any other wildcard to cdk-nag', () => {
    const { app, stack, role } = stackWithRole();
    grantConnect(role, endContactGrants(ConnectResources.of(stack, instanceArn)));
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['connect:DescribeQueue'],
        resources: [`${instanceArn}/queue/*`],
      }),
    );
    expect(() => app.synth()).toThrow(
      /AwsSolutions-IAM5\[Resource::arn:aws:connect:.*\/queue\/\*\]/,
    );
  });

  it('refuses a wildcard or foreign action', () => {
    const { role } = stackWithRole();
    expect(() =>
      grantConnect(role, [{ actions: ['connect:Stop*'], resources: ['x'], reason: 'r' }]),
    ).toThrow(/must be named connect: actions/);
    expect(() =>
      grantConnect(role, [{ actions: ['s3:GetObject'], resources: ['x'], reason: 'r' }]),
    ).toThrow(/must be named connect: actions/);
  });
});

describe('mutatingConnectStatementsOnAnyResource', () => {
  // The stack tests rely on this check; it must catch what it claims to.
  it.each([
    ['connect:StopContact'],
    ['connect:TagContact'],
    ['connect:UpdateContactAttributes'],
    ['connect:*'],
    ['*'],
  ])('reports %s on Resource *', (action) => {
    const { stack, role } = stackWithRole({ nag: false });
    role.addToPrincipalPolicy(new PolicyStatement({ actions: [action], resources: ['*'] }));
    expect(mutatingConnectStatementsOnAnyResource(Template.fromStack(stack))).toHaveLength(1);
  });

  it('allows read-only actions on Resource * and mutating ones on scoped resources', () => {
    const { stack, role } = stackWithRole({ nag: false });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['connect:DescribeContact', 'connect:ListQueues'],
        resources: ['*'],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['connect:StopContact'],
        resources: [`${instanceArn}/contact/*`],
      }),
    );
    expect(mutatingConnectStatementsOnAnyResource(Template.fromStack(stack))).toEqual([]);
  });
});
