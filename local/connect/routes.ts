import { Router } from '../../common/http/router.js';
import { KNOWN_OPERATIONS } from '../generated/known-operations.js';
import type { OperationName } from './types.js';

export interface RouteMatch<Name extends string = OperationName> {
  name: Name;
  template: string;
  /** Path labels, URL-decoded (an ARN arrives with its `:` and `/` escaped). */
  params: Record<string, string>;
}

/** The HTTP bindings of the implemented operations, exactly as in Connect's service model. */
export const IMPLEMENTED_ROUTES: ReadonlyArray<readonly [OperationName, string, string]> = [
  ['StopContact', 'POST', '/contact/stop'],
  ['DescribeContact', 'GET', '/contacts/{InstanceId}/{ContactId}'],
  ['SearchContacts', 'POST', '/search-contacts'],
  ['DescribeUser', 'GET', '/users/{InstanceId}/{UserId}'],
  ['SearchUsers', 'POST', '/search-users'],
  [
    'ListSecurityProfilePermissions',
    'GET',
    '/security-profiles-permissions/{InstanceId}/{SecurityProfileId}',
  ],
  ['GetCurrentMetricData', 'POST', '/metrics/current/{InstanceId}'],
  ['GetContactMetrics', 'POST', '/metrics/contact'],
  ['TagContact', 'POST', '/contact/tags'],
  ['UpdateContactAttributes', 'POST', '/contact/attributes'],
  ['DescribeInstance', 'GET', '/instance/{InstanceId}'],
  ['DescribeQueue', 'GET', '/queues/{InstanceId}/{QueueId}'],
  ['ListQueues', 'GET', '/queues-summary/{InstanceId}'],
  ['ListLambdaFunctions', 'GET', '/instance/{InstanceId}/lambda-functions'],
];

const implemented = new Router<OperationName>();
for (const [name, method, template] of IMPLEMENTED_ROUTES) implemented.add(method, template, name);
const known = new Router<string>();
for (const [name, method, template] of KNOWN_OPERATIONS) known.add(method, template, name);

/** The implemented operation a request addresses, if any. */
export function matchImplementedOperation(
  method: string,
  pathname: string,
): RouteMatch | undefined {
  return named(implemented.match(method, pathname));
}

/** Any Connect operation (implemented or not) a request addresses, to name it in an error. */
export function recogniseConnectOperation(
  method: string,
  pathname: string,
): RouteMatch<string> | undefined {
  return named(known.match(method, pathname));
}

function named<Name extends string>(
  match: { value: Name; template: string; params: Record<string, string> } | undefined,
): RouteMatch<Name> | undefined {
  return match && { name: match.value, template: match.template, params: match.params };
}
