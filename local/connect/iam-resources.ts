import type { OperationName } from './types.js';

/**
 * The resources IAM authorizes each Connect operation on, as the Service Authorization Reference
 * lists them for Amazon Connect
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html):
 * a contact is `instance/{id}/contact/{id}`, a user `instance/{id}/agent/{id}`, a security
 * profile `instance/{id}/security-profile/{id}`, a queue `instance/{id}/queue/{id}`, and the
 * search operations act on the instance. A record keyed by every operation, so an operation added
 * to the local Connect cannot be served without saying what IAM checks it on.
 */
export interface AuthorizedRequest {
  readonly params: Record<string, string>;
  readonly body: Record<string, unknown>;
  readonly region: string;
  readonly accountId: string;
}

type ResourcesOf = (request: AuthorizedRequest) => string[];

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The instance's ARN; Connect takes an instance ID or ARN wherever it takes an instance. */
function instanceArn(request: AuthorizedRequest, id: unknown): string {
  const value = text(id);
  if (value.startsWith('arn:')) return value;
  return `arn:aws:connect:${request.region}:${request.accountId}:instance/${value}`;
}

/** A resource of the instance, named by ID or by its own ARN. */
function childArn(request: AuthorizedRequest, instance: unknown, kind: string, id: unknown) {
  const value = text(id);
  if (value.startsWith('arn:')) return value;
  return `${instanceArn(request, instance)}/${kind}/${value}`;
}

const contactInBody: ResourcesOf = (r) => [
  childArn(r, r.body.InstanceId, 'contact', r.body.ContactId),
];
const instanceInBody: ResourcesOf = (r) => [instanceArn(r, r.body.InstanceId)];

export const IAM_RESOURCES: Record<OperationName, ResourcesOf> = {
  StopContact: contactInBody,
  DescribeContact: (r) => [childArn(r, r.params.InstanceId, 'contact', r.params.ContactId)],
  TagContact: contactInBody,
  UpdateContactAttributes: (r) => [
    childArn(r, r.body.InstanceId, 'contact', r.body.InitialContactId),
  ],
  // GetContactMetrics acts on the instance and on the contact.
  GetContactMetrics: (r) => [instanceInBody(r)[0] as string, ...contactInBody(r)],
  SearchContacts: instanceInBody,
  DescribeInstance: (r) => [instanceArn(r, r.params.InstanceId)],
  DescribeQueue: (r) => [childArn(r, r.params.InstanceId, 'queue', r.params.QueueId)],
  // ListQueues is authorized on the instance's queues as a whole (resource type wildcard-queue).
  ListQueues: (r) => [`${instanceArn(r, r.params.InstanceId)}/queue/*`],
  SearchUsers: instanceInBody,
  DescribeUser: (r) => [childArn(r, r.params.InstanceId, 'agent', r.params.UserId)],
  ListSecurityProfilePermissions: (r) => [
    childArn(r, r.params.InstanceId, 'security-profile', r.params.SecurityProfileId),
  ],
  // ListLambdaFunctions acts on the instance.
  ListLambdaFunctions: (r) => [instanceArn(r, r.params.InstanceId)],
  // GetCurrentMetricData acts on the queues (and routing profiles) its filters name.
  GetCurrentMetricData: (r) => {
    const filters = (r.body.Filters ?? {}) as { Queues?: unknown[]; RoutingProfiles?: unknown[] };
    const resources = [
      ...(filters.Queues ?? []).map((id) => childArn(r, r.params.InstanceId, 'queue', id)),
      ...(filters.RoutingProfiles ?? []).map((id) =>
        childArn(r, r.params.InstanceId, 'routing-profile', id),
      ),
    ];
    return resources.length > 0 ? resources : [instanceArn(r, r.params.InstanceId)];
  },
};
