import { invalidParameter, resourceNotFound } from '../errors.js';
import type { User } from '../types.js';
import {
  decodePageToken,
  findInstanceOrThrow,
  INSTANCE_ID,
  NEXT_TOKEN,
  type OperationHandler,
  page,
  RESOURCE_ID,
} from './context.js';
import { RequestInput } from './input.js';
import { toUser, toUserSearchSummary } from './wire-shapes.js';

export const describeUser: OperationHandler = (context, request) => {
  const input = new RequestInput(request.params);
  const instanceId = input.requiredString('InstanceId', INSTANCE_ID);
  const userId = input.requiredString('UserId', RESOURCE_ID);
  const record = findInstanceOrThrow(context, instanceId);
  const user = record.users.get(userId);
  if (!user) throw resourceNotFound(`User ${userId} not found in instance ${record.instance.id}.`);
  return { User: toUser(user, context.state.region) };
};

const COMPARISON_TYPES = ['STARTS_WITH', 'CONTAINS', 'EXACT'] as const;
/** User search fields the emulator can evaluate; the others Connect offers are not modelled. */
const STRING_FIELDS: Record<string, (user: User) => string[]> = {
  Username: (user) => [user.username],
  // API_UserSearchCriteria lists `resourceId` (the user's ID); `ResourceId` is kept for older callers.
  resourceId: (user) => [user.id],
  ResourceId: (user) => [user.id],
  SecurityProfileId: (user) => user.securityProfileIds,
  FirstName: () => [],
  LastName: () => [],
  RoutingProfileId: () => [],
};

type UserPredicate = (user: User) => boolean;

export const searchUsers: OperationHandler = (context, request) => {
  const input = new RequestInput(request.body);
  const instanceId = input.requiredString('InstanceId', INSTANCE_ID);
  // MaxResult500 in the model (API_SearchUsers); the default page stays 100.
  const maxResults = input.optionalInteger('MaxResults', { min: 1, max: 500 }) ?? 100;
  const offset = decodePageToken('SearchUsers', input.optionalString('NextToken', NEXT_TOKEN));
  if (input.has('SearchFilter')) {
    throw invalidParameter('local Amazon Connect does not support SearchFilter on SearchUsers.');
  }
  const criteria = input.optionalObject('SearchCriteria');
  const matches = criteria ? compileCriteria(criteria) : () => true;

  const record = findInstanceOrThrow(context, instanceId);
  const users = [...record.users.values()].filter(matches);
  const result = page('SearchUsers', users, offset, maxResults);
  return {
    Users: result.items.map(toUserSearchSummary),
    ApproximateTotalCount: users.length,
    ...(result.nextToken ? { NextToken: result.nextToken } : {}),
  };
};

function compileCriteria(criteria: RequestInput): UserPredicate {
  const parts: UserPredicate[] = [];
  for (const unsupported of ['ListCondition', 'HierarchyGroupCondition']) {
    if (criteria.has(unsupported)) {
      throw invalidParameter(
        `local Amazon Connect does not support SearchCriteria ${unsupported} on SearchUsers.`,
      );
    }
  }
  const or = criteria.optionalObjectList('OrConditions', 100)?.map(compileCriteria);
  if (or) parts.push((user) => or.some((predicate) => predicate(user)));
  const and = criteria.optionalObjectList('AndConditions', 100)?.map(compileCriteria);
  if (and) parts.push((user) => and.every((predicate) => predicate(user)));
  const condition = criteria.optionalObject('StringCondition');
  if (condition) parts.push(compileStringCondition(condition));
  return (user) => parts.every((predicate) => predicate(user));
}

/** EXACT compares exactly; STARTS_WITH and CONTAINS ignore case, like a search box. */
function compileStringCondition(condition: RequestInput): UserPredicate {
  const fieldName = condition.requiredString('FieldName', { min: 1, max: 100 });
  const value = condition.requiredString('Value', { min: 1, max: 1000 });
  const comparison = condition.optionalEnum('ComparisonType', COMPARISON_TYPES) ?? 'EXACT';
  const field = STRING_FIELDS[fieldName];
  if (!field) {
    throw invalidParameter(
      `StringCondition.FieldName ${fieldName} is not supported; use one of ${Object.keys(STRING_FIELDS).join(', ')}.`,
    );
  }
  const needle = value.toLowerCase();
  return (user) =>
    field(user).some((candidate) => {
      if (comparison === 'EXACT') return candidate === value;
      const haystack = candidate.toLowerCase();
      return comparison === 'STARTS_WITH' ? haystack.startsWith(needle) : haystack.includes(needle);
    });
}
