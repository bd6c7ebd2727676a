import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import type { Outcome } from '../core/connect/outcome.js';
import { branchOf, doorServiceNames, validationOutcome } from '../core/end-contact/branches.js';
import { doorTelemetry, endAndRecord, publishOutcome } from '../core/end-contact/door.js';
import type { EndContactDoor } from '../core/end-contact/end-contact.js';
import { correlationId } from '../core/middleware/correlation-id.js';
import { type EventWithJsonBody, jsonBody } from '../core/middleware/json-body.js';
import { inputOf, validateInput } from '../core/middleware/validate-input.js';
import type { DoorOptions } from '../core/observability.js';
import {
  contactIdSchema,
  disconnectReasonCodeSchema,
  type EndContactRequest,
  type FieldError,
  instanceIdSchema,
  ownArnCheck,
  required,
  securityUserSchema,
} from '../core/schemas.js';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

/** Every error body: StopContact's error name as `code`, and a message safe to show a caller. */
export interface ErrorBody {
  code: string;
  message: string;
  reason?: string;
  errors?: FieldError[];
}

function json(statusCode: number, body: object, errorType?: string): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'application/json',
      ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
    },
    body: JSON.stringify(body),
  };
}

function errorResponse(statusCode: number, body: ErrorBody): HttpResult {
  return json(statusCode, body, body.code);
}

/** StopContact's statuses: 404 for an unknown contact, 410 for one no longer active. */
function statusOf(outcome: Exclude<Outcome, { kind: 'stopped' }>): number {
  switch (outcome.kind) {
    case 'invalid-contact-id':
      return outcome.code === 'ResourceNotFoundException' ? 404 : 400;
    case 'contact-not-active':
      return 410;
    case 'not-stoppable':
      return 400;
    case 'unauthorized':
    case 'invalid-security-user':
      return 403;
    case 'throttled':
      return 429;
    case 'failed':
      return outcome.code === 'InvalidParameterException' ? 400 : 500;
  }
}

/** Callers see Connect's own client errors; a failure's raw text (hosts, sockets) stays in the log. */
function callerMessage(outcome: Exclude<Outcome, { kind: 'stopped' }>): string {
  if (outcome.kind !== 'failed' || outcome.code === 'InvalidParameterException') {
    return outcome.message;
  }
  return outcome.code === 'TimeoutError'
    ? 'Amazon Connect did not answer in time'
    : 'the request to Amazon Connect failed';
}

/** Maps an outcome to the HTTP answer: 200 `{}` on success, `{code, message}` otherwise. */
export function toHttpResult(outcome: Outcome): HttpResult {
  if (outcome.kind === 'stopped') return json(200, {});
  return errorResponse(statusOf(outcome), {
    code: outcome.code,
    message: callerMessage(outcome),
    ...(outcome.kind === 'not-stoppable' && outcome.reason ? { reason: outcome.reason } : {}),
  });
}

export function validationResult(errors: FieldError[]): HttpResult {
  return errorResponse(400, {
    code: 'ValidationException',
    message: errors.map((e) => `${e.field} ${e.message}`).join('; '),
    errors,
  });
}

const stopContactBodySchema = z.pipe(
  z.object(
    {
      ContactId: contactIdSchema,
      InstanceId: instanceIdSchema,
      DisconnectReason: z.optional(
        z.object({ Code: disconnectReasonCodeSchema }, required('an object with a Code')),
      ),
      SecurityUser: z.optional(securityUserSchema),
    },
    required('a JSON object'),
  ),
  z.transform(
    (b): EndContactRequest => ({
      contactId: b.ContactId,
      instanceId: b.InstanceId,
      ...(b.SecurityUser ? { securityUser: b.SecurityUser } : {}),
      ...(b.DisconnectReason ? { disconnectReasonCode: b.DisconnectReason.Code } : {}),
    }),
  ),
);

/**
 * The HTTP door over any dependencies: handler.ts wires the deployed ones, the local runner and
 * the tests their own. Importing this module reads no environment and builds no client.
 */
export function createHttpHandler(door: EndContactDoor, options: DoorOptions = {}) {
  const telemetry = doorTelemetry(doorServiceNames.api, options);
  const { logger, metrics } = telemetry;
  return middy<EventWithJsonBody, HttpResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(correlationId(logger, (event: EventWithJsonBody) => event.requestContext.requestId))
    .use({
      // Only a bug gets here: answer like StopContact's InternalServiceException, never a stack.
      onError: (request) => {
        logger.error('unhandled error', request.error as Error);
        publishOutcome(metrics, 'Default');
        request.response = errorResponse(500, {
          code: 'InternalServiceException',
          message: 'internal error',
        });
      },
    })
    .use(
      jsonBody((message) => {
        publishOutcome(metrics, 'Default');
        return errorResponse(400, { code: 'SerializationException', message });
      }),
    )
    .use(
      validateInput({
        select: (event: EventWithJsonBody) => event.jsonBody,
        schema: stopContactBodySchema,
        check: ownArnCheck(['InstanceId', 'SecurityUser']),
        onInvalid: (errors) => {
          logger.info('invalid request body', { fields: errors.map((e) => e.field) });
          publishOutcome(metrics, branchOf(validationOutcome(errors)));
          return validationResult(errors);
        },
      }),
    )
    .handler(async (event, context) => {
      const request = inputOf<EndContactRequest>(context);
      // The caller's account, not its ARN: role session names are often e-mail addresses.
      const callerAccount = event.requestContext?.authorizer?.iam?.accountId ?? 'unknown';
      const remainingMs = context.getRemainingTimeInMillis?.();
      return toHttpResult(
        await endAndRecord(door, request, remainingMs, telemetry, { callerAccount }),
      );
    });
}
