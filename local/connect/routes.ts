import { KNOWN_OPERATIONS } from '../generated/known-operations.js';
import type { OperationName } from './types.js';

type Segment = { literal: string } | { label: string };

interface CompiledRoute<Name extends string> {
  name: Name;
  method: string;
  template: string;
  segments: Segment[];
  literalCount: number;
}

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
];

const implemented = IMPLEMENTED_ROUTES.map(([name, method, template]) =>
  compile(name, method, template),
);
// Most literal segments first, so `/contacts/{InstanceId}/{ContactId}/associate-user` wins over labels.
const known = KNOWN_OPERATIONS.map(([name, method, template]) =>
  compile(name, method, template),
).sort((a, b) => b.literalCount - a.literalCount);

/** The implemented operation a request addresses, if any. */
export function matchImplementedOperation(
  method: string,
  pathname: string,
): RouteMatch | undefined {
  return matchFirst(implemented, method, pathname);
}

/** Any Connect operation (implemented or not) a request addresses, to name it in an error. */
export function recogniseConnectOperation(
  method: string,
  pathname: string,
): RouteMatch<string> | undefined {
  return matchFirst(known, method, pathname);
}

function matchFirst<Name extends string>(
  routes: CompiledRoute<Name>[],
  method: string,
  pathname: string,
): RouteMatch<Name> | undefined {
  const parts = splitPath(pathname);
  if (!parts) return undefined;
  for (const route of routes) {
    if (route.method !== method || route.segments.length !== parts.length) continue;
    const params = matchSegments(route.segments, parts);
    if (params) return { name: route.name, template: route.template, params };
  }
  return undefined;
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as Segment;
    const part = parts[i] as string;
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.label] = part;
    }
  }
  return params;
}

function splitPath(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function compile<Name extends string>(
  name: Name,
  method: string,
  template: string,
): CompiledRoute<Name> {
  const segments: Segment[] = template
    .split('/')
    .slice(1)
    .map((part) => {
      const label = /^\{([^}+]+)\+?\}$/.exec(part)?.[1];
      return label === undefined ? { literal: part } : { label };
    });
  const literalCount = segments.filter((s) => 'literal' in s).length;
  return { name, method, template, segments, literalCount };
}
