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
 * ARNs of one Amazon Connect instance's resources, for IAM statements.
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
   * The resources of `instanceArn`; without it, of every instance in the stack's account and
   * Region (`instance/*`), which is still never a bare `*`.
   */
  static of(scope: IConstruct, instanceArn?: string): ConnectResources {
    const instance =
      instanceArn ??
      Stack.of(scope).formatArn({
        service: 'connect',
        resource: 'instance',
        resourceName: '*',
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      });
    return new ConnectResources(instance, instanceArn !== undefined);
  }

  private constructor(
    /** The instance ARN, or `.../instance/*` when the stack serves every instance. */
    readonly instance: string,
    /** Whether the ARNs name one instance. */
    readonly scopedToInstance: boolean,
  ) {}

  /** Contacts: StopContact, DescribeContact, TagContact, UpdateContactAttributes. */
  get contacts(): string {
    return `${this.instance}/contact/*`;
  }

  /** Users (IAM calls them agents): DescribeUser. */
  get users(): string {
    return `${this.instance}/agent/*`;
  }

  /** Security profiles: ListSecurityProfilePermissions. */
  get securityProfiles(): string {
    return `${this.instance}/security-profile/*`;
  }

  /** Queues: DescribeQueue and the like. */
  get queues(): string {
    return `${this.instance}/queue/*`;
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
 * always; DescribeUser, SearchUsers and ListSecurityProfilePermissions when a SecurityUser is given.
 */
export function endContactGrants(connect: ConnectResources): ConnectGrant[] {
  return [
    {
      actions: ['connect:StopContact'],
      resources: [connect.contacts],
      reason:
        'StopContact ends the contact the caller names, so it needs every contact of the instance; the resource type is contact (Service Authorization Reference for Amazon Connect).',
    },
    {
      actions: ['connect:DescribeUser'],
      resources: [connect.users],
      reason:
        'DescribeUser reads the security profiles of whichever user is the SecurityUser, so it needs every user (agent/*) of the instance.',
    },
    {
      actions: ['connect:ListSecurityProfilePermissions'],
      resources: [connect.securityProfiles],
      reason:
        "ListSecurityProfilePermissions reads the permissions of the SecurityUser's security profiles, which can be any profile of the instance.",
    },
    {
      actions: ['connect:SearchUsers'],
      resources: [connect.instance],
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
