/**
 * The calls each deployed function makes, once: `end-contact verify` asks IAM whether each
 * function's role may make them (iam:SimulatePrincipalPolicy), and
 * test/operator/verify/needed-calls.test.ts holds this list to what the synthesized template
 * grants, both ways. Resource types are the Service Authorization Reference's: Amazon Connect
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html) and
 * Amazon DynamoDB (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html).
 */

import { callbackTable } from '../../lambdas/core/registry/table.js';

/** What a call acts on; the per-instance kinds are asked about for every instance of the stack. */
export type ResourceKind =
  | 'instance'
  | 'contact'
  | 'agent'
  | 'security-profile'
  | 'queue'
  | 'routing-profile'
  | 'table'
  | 'queued-index';

export interface NeededCall {
  readonly action: string;
  readonly on: ResourceKind;
}

/** A deployed function: its POWERTOOLS_SERVICE_NAME, the stack output naming it, its calls. */
export interface DeployedFunction {
  readonly service: 'end-contact' | 'stop-contact-api' | 'callback-tracker' | 'callback-sweeper';
  readonly output: string;
  readonly calls: readonly NeededCall[];
}

/**
 * StopContact with the SecurityUser check (lambdas/core/end-contact): both End a Contact doors.
 * DescribeContact settles a 410 after an attempt that may have applied (core/connect/stop-contact).
 */
const endAContact: readonly NeededCall[] = [
  { action: 'connect:StopContact', on: 'contact' },
  { action: 'connect:DescribeContact', on: 'contact' },
  { action: 'connect:DescribeUser', on: 'agent' },
  { action: 'connect:SearchUsers', on: 'instance' },
  { action: 'connect:ListSecurityProfilePermissions', on: 'security-profile' },
];

export const deployedFunctions: readonly DeployedFunction[] = [
  { service: 'end-contact', output: 'EndContactFunctionArn', calls: endAContact },
  { service: 'stop-contact-api', output: 'StopContactApiFunctionArn', calls: endAContact },
  {
    service: 'callback-tracker',
    output: 'CallbackTrackerFunctionArn',
    // One conditional write per contact event (lambdas/core/registry/registry.ts).
    calls: [{ action: 'dynamodb:UpdateItem', on: 'table' }],
  },
  {
    service: 'callback-sweeper',
    output: 'CallbackSweeperFunctionArn',
    calls: [
      { action: 'dynamodb:Query', on: 'queued-index' },
      { action: 'dynamodb:GetItem', on: 'table' },
      { action: 'dynamodb:UpdateItem', on: 'table' },
      { action: 'connect:DescribeContact', on: 'contact' },
      { action: 'connect:StopContact', on: 'contact' },
      { action: 'connect:TagContact', on: 'contact' },
      // GetContactMetrics acts on the instance and on the contact.
      { action: 'connect:GetContactMetrics', on: 'instance' },
      { action: 'connect:GetContactMetrics', on: 'contact' },
      { action: 'connect:SearchContacts', on: 'instance' },
      { action: 'connect:GetCurrentMetricData', on: 'queue' },
      { action: 'connect:GetCurrentMetricData', on: 'routing-profile' },
    ],
  },
];

/** Where the resources live: the stack's account, Region, table and instances. */
export interface ResourceNames {
  readonly region: string;
  readonly accountId: string;
  readonly tableName: string;
  readonly instanceIds: readonly string[];
}

/** An ID that stands for "any contact (agent, queue…) of the instance" in a simulation. */
export const exampleId = '00000000-0000-4000-8000-000000000000';

/** The ARNs a call of this kind is asked about: one per instance, or the table's. */
export function resourceArns(kind: ResourceKind, names: ResourceNames): string[] {
  const { region, accountId, tableName } = names;
  const table = `arn:aws:dynamodb:${region}:${accountId}:table/${tableName}`;
  if (kind === 'table') return [table];
  if (kind === 'queued-index') return [`${table}/index/${callbackTable.queuedIndex.name}`];
  return names.instanceIds.map((id) => {
    const instance = `arn:aws:connect:${region}:${accountId}:instance/${id}`;
    return kind === 'instance' ? instance : `${instance}/${kind}/${exampleId}`;
  });
}
