import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createRegistry } from '../core/callback-services.js';
import { type TrackResult, trackCallbackEvent } from '../core/callback-tracker.js';
import { readString } from '../core/config.js';
import { correlationId } from '../core/middleware/correlation-id.js';
import { logger } from '../core/observability.js';

const registry = createRegistry(readString('CALLBACK_TABLE_NAME'));

/** EventBridge delivers one contact event per invocation; a thrown error is retried, then dead-lettered. */
async function trackContactEvent(event: unknown, _context: Context): Promise<TrackResult> {
  const result = await trackCallbackEvent(registry, event);
  if (result.outcome === 'ignored') logger.info('contact event ignored', { ...result });
  else logger.info('callback registry updated', { ...result });
  return result;
}

export const handler = middy<unknown, TrackResult, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(
    correlationId(
      logger,
      (event: { detail?: { contactId?: unknown } }) => event?.detail?.contactId,
    ),
  )
  .handler(trackContactEvent);
