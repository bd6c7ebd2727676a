import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { CallbackRegistry } from '../core/callbacks/registry.js';
import { createRegistry } from '../core/callbacks/services.js';
import { type TrackResult, trackCallbackEvent } from '../core/callbacks/tracker.js';
import { readString } from '../core/config.js';
import { correlationId } from '../core/middleware/correlation-id.js';
import { logger } from '../core/observability.js';

/**
 * The tracker door over any registry: the deployed handler below, or the local runner's.
 * EventBridge delivers one contact event per invocation; a thrown error is retried by Lambda,
 * then dead-lettered.
 */
export function createTrackerHandler(registry: CallbackRegistry) {
  return middy<unknown, TrackResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(
      correlationId(
        logger,
        (event: { detail?: { contactId?: unknown } }) => event?.detail?.contactId,
      ),
    )
    .handler(async (event) => {
      const result = await trackCallbackEvent(registry, event);
      if (result.outcome === 'ignored') logger.info('contact event ignored', { ...result });
      else logger.info('callback registry updated', { ...result });
      return result;
    });
}

export const handler = createTrackerHandler(createRegistry(readString('CALLBACK_TABLE_NAME')));
