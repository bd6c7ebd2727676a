import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { correlationId } from '../core/middleware/correlation-id.js';
import { createLogger, type DoorOptions } from '../core/observability.js';
import type { CallbackRegistry } from '../core/registry/registry.js';
import { type TrackResult, trackCallbackEvent } from '../core/registry/tracker.js';

/**
 * The tracker door over any registry: handler.ts wires the deployed one, the local runner and the
 * tests their own. EventBridge delivers one contact event per invocation; a thrown error is
 * retried by Lambda, then dead-lettered. Importing this module reads no environment.
 */
export function createTrackerHandler(registry: CallbackRegistry, options: DoorOptions = {}) {
  const logger = options.logger ?? createLogger('callback-tracker');
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
