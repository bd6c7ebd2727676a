import type { Logger } from '@aws-lambda-powertools/logger';
import type middy from '@middy/core';

/** Sets the logger's correlation ID from the event, or from the Lambda request ID when absent. */
export function correlationId<TEvent>(
  logger: Logger,
  select: (event: TEvent) => unknown,
): middy.MiddlewareObj<TEvent> {
  return {
    before: (request) => {
      let value: unknown;
      try {
        value = select(request.event);
      } catch {
        value = undefined;
      }
      logger.setCorrelationId(
        typeof value === 'string' && value ? value : request.context.awsRequestId,
      );
    },
  };
}
