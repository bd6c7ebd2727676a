import { cleanupMiddlewares } from '@aws-lambda-powertools/commons';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';

/** The request body once parsed; undefined when the request had none. */
export type EventWithJsonBody = APIGatewayProxyEventV2WithIAMAuthorizer & { jsonBody?: unknown };

/**
 * Parses an HTTP API (payload 2.0) JSON body, base64 or not, onto `event.jsonBody`.
 * A body that is not JSON short-circuits with the door's answer.
 */
export function jsonBody<TResult>(
  onMalformed: (message: string) => TResult,
): middy.MiddlewareObj<EventWithJsonBody, TResult> {
  return {
    before: async (request) => {
      const { body, isBase64Encoded } = request.event;
      if (body === undefined || body === null || body === '') return undefined;
      try {
        const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
        request.event.jsonBody = JSON.parse(text);
        return undefined;
      } catch (error) {
        const reason = error instanceof SyntaxError ? error.message : 'unreadable body';
        await cleanupMiddlewares(request);
        return onMalformed(`request body is not valid JSON: ${reason}`);
      }
    },
  };
}
