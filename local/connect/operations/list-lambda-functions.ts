import {
  decodePageToken,
  findInstanceOrThrow,
  INSTANCE_ID,
  NEXT_TOKEN,
  type OperationHandler,
  page,
} from './context.js';
import { RequestInput } from './input.js';

/**
 * ListLambdaFunctions: the function ARNs associated with the instance, the ones its flows may
 * invoke. `GET /instance/{InstanceId}/lambda-functions?maxResults&nextToken`, maxResults 1 to 25;
 * answers `{LambdaFunctions, NextToken}`
 * (https://docs.aws.amazon.com/connect/latest/APIReference/API_ListLambdaFunctions.html).
 */
export const listLambdaFunctions: OperationHandler = (context, request) => {
  const path = new RequestInput(request.params);
  const instanceId = path.requiredString('InstanceId', INSTANCE_ID);
  const query = new RequestInput(Object.fromEntries(request.query));
  const maxResults = query.optionalInteger('maxResults', { min: 1, max: 25 }) ?? 25;
  const offset = decodePageToken(
    'ListLambdaFunctions',
    query.optionalString('nextToken', NEXT_TOKEN),
  );
  const record = findInstanceOrThrow(context, instanceId);
  const result = page('ListLambdaFunctions', record.lambdaFunctions, offset, maxResults);
  return {
    LambdaFunctions: result.items,
    ...(result.nextToken ? { NextToken: result.nextToken } : {}),
  };
};
