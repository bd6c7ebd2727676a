import type { ConnectClient } from '@aws-sdk/client-connect';
import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';

/**
 * Set on an SDK error when an earlier attempt of the same call may have reached Connect: when
 * the first such attempt began (epoch ms on this machine's clock); undefined when none may have.
 */
export const ambiguousAttemptStartedAt = '$ambiguousAttemptStartedAt';

/** Set on an SDK error: when the attempt that failed with it began (epoch ms, this machine's clock). */
export const failedAttemptStartedAt = '$failedAttemptStartedAt';

const reachedKey = Symbol('firstAmbiguousAttemptStartedAt');

/** Network errors that mean the request was written before the connection failed. */
const droppedAfterSend = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * Whether a failed attempt may have been received, and acted on, by Connect: a 5xx answer, a
 * response that timed out, or a connection dropped after the request was sent. A throttle (429),
 * any other 4xx, a refused connection or a connect time-out never reached it.
 */
export function attemptMayHaveReached(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number') return status >= 500;
  const message = typeof e.message === 'string' ? e.message : '';
  // @smithy/node-http-handler names both time-outs TimeoutError; only this one is before sending.
  if (e.name === 'TimeoutError') return !message.includes('without establishing a connection');
  if (typeof e.code === 'string' && droppedAfterSend.has(e.code)) return true;
  return message.includes('socket hang up');
}

/**
 * Records, across the SDK's retries of one call, when the first attempt that may have reached
 * Connect began, and marks a later attempt's error with it: a retried StopContact that answers
 * "not found" may then be its own doing, which only Connect's DisconnectTimestamp can tell.
 */
export function trackAttempts(client: ConnectClient): void {
  const middleware: FinalizeRequestMiddleware<object, MetadataBearer> =
    (next, context) => async (args) => {
      const state = context as Record<symbol, number | undefined>;
      const startedAt = Date.now();
      try {
        return await next(args);
      } catch (error) {
        if (typeof error === 'object' && error !== null) {
          Object.defineProperty(error, ambiguousAttemptStartedAt, {
            value: state[reachedKey],
            configurable: true,
            enumerable: false,
          });
          Object.defineProperty(error, failedAttemptStartedAt, {
            value: startedAt,
            configurable: true,
            enumerable: false,
          });
        }
        if (attemptMayHaveReached(error) && state[reachedKey] === undefined) {
          state[reachedKey] = startedAt;
        }
        throw error;
      }
    };
  // Inside the retry middleware, so it sees every attempt, not only the last one.
  client.middlewareStack.addRelativeTo(middleware, {
    name: 'connectAttemptTrackingMiddleware',
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    override: true,
  });
}
