import type { ConnectGrant } from './connect-permissions.js';

/**
 * The sweeper's Connect calls, scoped to the swept instances. Resource types from the Service
 * Authorization Reference, "Actions, resources, and condition keys for Amazon Connect"
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonconnect.html):
 * DescribeContact, TagContact and StopContact take `contact*`
 * (`instance/${InstanceId}/contact/${ContactId}`); GetCurrentMetricData takes `queue*` and
 * `routing-profile*` (`instance/${InstanceId}/queue/${QueueId}`, `.../routing-profile/${Id}`);
 * SearchContacts is authorized on the instance (`instance/${InstanceId}`, condition key
 * connect:InstanceId). GetContactMetrics names one contact of one instance: it is granted on
 * both the instance and its contacts, so it holds whichever of the two the reference lists.
 */
export function sweeperGrants(instanceArns: readonly string[]): ConnectGrant[] {
  return [
    {
      actions: ['connect:DescribeContact', 'connect:TagContact', 'connect:StopContact'],
      resources: instanceArns.map((arn) => `${arn}/contact/*`),
      reason:
        'The sweeper verifies, tags and stops whichever callbacks the registry holds, so it needs every contact of the swept instances; the resource type is contact.',
    },
    {
      actions: ['connect:GetContactMetrics'],
      resources: instanceArns.flatMap((arn) => [arn, `${arn}/contact/*`]),
      reason:
        "The sweeper reads a candidate's position in queue (GetContactMetrics) right before it stops it, for any contact of the swept instances.",
    },
    {
      actions: ['connect:SearchContacts'],
      resources: [...instanceArns],
      reason:
        'Discovery searches the swept instances for queued callbacks the registry lacks; SearchContacts is authorized on the instance.',
    },
    {
      actions: ['connect:GetCurrentMetricData'],
      resources: instanceArns.flatMap((arn) => [`${arn}/queue/*`, `${arn}/routing-profile/*`]),
      reason:
        'Reconciliation reads the oldest contact of any queue of the swept instances; GetCurrentMetricData requires the queue and routing-profile resource types.',
    },
  ];
}
