import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { toInstanceId } from '../../lambdas/core/connect/identifiers.js';

/**
 * An Amazon Connect instance ARN, as the Lambdas parse it (`toInstanceId`); a bare instance ID is
 * not one, since IAM statements need the ARN.
 */
export function isInstanceArn(value: string): boolean {
  return value.startsWith('arn:') && toInstanceId(value).ok;
}

/**
 * ARNs of the Amazon Connect instances' resources, for IAM statements: each list holds one ARN
 * per instance, so every statement is scoped to each instance the stack serves.
 *
 * Resource types and ARN formats from the Service Authorization Reference, "Actions, resources,
 * and condition keys for Amazon Connect"
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html):
 * contact `instance/${InstanceId}/contact/${ContactId}`, user `instance/${InstanceId}/agent/${UserId}`,
 * security-profile `instance/${InstanceId}/security-profile/${SecurityProfileId}`,
 * queue `instance/${InstanceId}/queue/${QueueId}`, instance `instance/${InstanceId}`.
 */
export class ConnectResources {
  /**
   * The resources of the given instances; without any, of every instance in the stack's account
   * and Region (`instance/*`), which is still never a bare `*`.
   */
  static of(scope: IConstruct, instanceArns?: string | readonly string[]): ConnectResources {
    const named = typeof instanceArns === 'string' ? [instanceArns] : [...(instanceArns ?? [])];
    if (named.length > 0) return new ConnectResources(named, true);
    const everyInstance = Stack.of(scope).formatArn({
      service: 'connect',
      resource: 'instance',
      resourceName: '*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    return new ConnectResources([everyInstance], false);
  }

  private constructor(
    /** The instance ARNs, or `[.../instance/*]` when the stack serves every instance. */
    readonly instances: readonly string[],
    /** Whether the ARNs name instances. */
    readonly scopedToInstance: boolean,
  ) {}

  /** Contacts: StopContact, DescribeContact, TagContact, UpdateContactAttributes. */
  get contacts(): string[] {
    return this.instances.map((arn) => `${arn}/contact/*`);
  }

  /** Users (IAM calls them agents): DescribeUser. */
  get users(): string[] {
    return this.instances.map((arn) => `${arn}/agent/*`);
  }

  /** Security profiles: ListSecurityProfilePermissions. */
  get securityProfiles(): string[] {
    return this.instances.map((arn) => `${arn}/security-profile/*`);
  }

  /** Queues: DescribeQueue and the like. */
  get queues(): string[] {
    return this.instances.map((arn) => `${arn}/queue/*`);
  }
}

/** Connect actions granted together, with why the wildcard in their resources is needed. */
export interface ConnectGrant {
  /** `connect:*` actions, each named: never a wildcard action. */
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** Why the function needs these actions on these resources; also the cdk-nag reason. */
  readonly reason: string;
}

/**
 * What the End a Contact core calls (lambdas/core/connect/stop-contact.ts, security-user.ts): StopContact
 * always; DescribeContact only when a retried StopContact answers 410 after an attempt that may
 * have reached Connect (did that attempt end it?); DescribeUser, SearchUsers and
 * ListSecurityProfilePermissions when a SecurityUser is given. connect:DescribeContact and
 * connect:StopContact both take the contact resource type
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html).
 */
export function endContactGrants(connect: ConnectResources): ConnectGrant[] {
  return [
    {
      actions: ['connect:StopContact', 'connect:DescribeContact'],
      resources: connect.contacts,
      reason:
        'StopContact ends the contact the caller names, and DescribeContact reads when that contact ended after an ambiguous attempt, so both need every contact of the instance; the resource type is contact (Service Authorization Reference for Amazon Connect).',
    },
    {
      actions: ['connect:DescribeUser'],
      resources: connect.users,
      reason:
        'DescribeUser reads the security profiles of whichever user is the SecurityUser, so it needs every user (agent/*) of the instance.',
    },
    {
      actions: ['connect:ListSecurityProfilePermissions'],
      resources: connect.securityProfiles,
      reason:
        "ListSecurityProfilePermissions reads the permissions of the SecurityUser's security profiles, which can be any profile of the instance.",
    },
    {
      actions: ['connect:SearchUsers'],
      resources: [...connect.instances],
      reason:
        'SearchUsers finds a SecurityUser by user name; its only resource type is the instance, which is a wildcard only in offline synth without instanceArn.',
    },
  ];
}

/**
 * Adds the grants to the role's policy, and acknowledges cdk-nag's wildcard-resource finding for
 * exactly these resources with the grant's reason.
 */
export function grantConnect(role: IRole, grants: readonly ConnectGrant[]): void {
  for (const grant of grants) {
    if (grant.actions.some((action) => action.includes('*') || !action.startsWith('connect:'))) {
      throw new Error(
        `grant actions must be named connect: actions, got ${grant.actions.join(', ')}: list each action`,
      );
    }
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: [...grant.actions], resources: [...grant.resources] }),
    );
    for (const resource of grant.resources) {
      const flat = nagResourceId(role, resource);
      if (flat.includes('*')) {
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${flat}]`,
          reason: grant.reason,
        });
      }
    }
  }
}

/** The resource as cdk-nag prints it in finding IDs: tokens become `<AWS::Region>` and the like. */
export function nagResourceId(scope: IConstruct, resource: string): string {
  return flatten(Stack.of(scope).resolve(resource));
}

function flatten(node: unknown): string {
  if (typeof node === 'string') return node;
  if (node && typeof node === 'object') {
    const join = (node as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(flatten).join(join[0]);
    const ref = (node as { Ref?: unknown }).Ref;
    if (ref !== undefined) return `<${flatten(ref)}>`;
    const getAtt = (node as { 'Fn::GetAtt'?: [unknown, unknown] })['Fn::GetAtt'];
    if (getAtt) return `<${flatten(getAtt[0])}.${flatten(getAtt[1])}>`;
  }
  return JSON.stringify(node);
}
