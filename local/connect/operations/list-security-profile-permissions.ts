import { resourceNotFound } from '../errors.js';
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

/** Small on purpose, so callers that forget to follow NextToken fail locally, not in production. */
export const DEFAULT_PERMISSIONS_PAGE_SIZE = 10;

export const listSecurityProfilePermissions: OperationHandler = (context, request) => {
  const path = new RequestInput(request.params);
  const instanceId = path.requiredString('InstanceId', INSTANCE_ID);
  const profileId = path.requiredString('SecurityProfileId', RESOURCE_ID);
  const query = new RequestInput(Object.fromEntries(request.query));
  const maxResults =
    query.optionalInteger('maxResults', { min: 1, max: 1000 }) ?? DEFAULT_PERMISSIONS_PAGE_SIZE;
  const offset = decodePageToken(
    'ListSecurityProfilePermissions',
    query.optionalString('nextToken', NEXT_TOKEN),
  );

  const record = findInstanceOrThrow(context, instanceId);
  const profile = record.securityProfiles.get(profileId);
  if (!profile) {
    throw resourceNotFound(
      `Security profile ${profileId} not found in instance ${record.instance.id}.`,
    );
  }
  const result = page('ListSecurityProfilePermissions', profile.permissions, offset, maxResults);
  return {
    Permissions: result.items,
    ...(result.nextToken ? { NextToken: result.nextToken } : {}),
    LastModifiedRegion: context.state.region,
  };
};
