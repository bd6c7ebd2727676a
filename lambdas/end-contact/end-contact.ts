import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { ConnectContactFlowEvent, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import type { Outcome } from '../core/connect/outcome.js';
import {
  type Branch,
  branchOf,
  doorServiceNames,
  validationOutcome,
} from '../core/end-contact/branches.js';
import { doorTelemetry, endAndRecord, publishOutcome } from '../core/end-contact/door.js';
import type { EndContactDoor } from '../core/end-contact/end-contact.js';
import { correlationId } from '../core/middleware/correlation-id.js';
import { inputOf, validateInput } from '../core/middleware/validate-input.js';
import type { DoorOptions } from '../core/observability.js';
import {
  blankToUndefined,
  contactIdSchema,
  disconnectReasonCodeSchema,
  type EndContactRequest,
  instanceIdSchema,
  ownArnCheck,
  securityUserSchema,
} from '../core/schemas.js';

export { type Branch, branches } from '../core/end-contact/branches.js';

/** A flat map of strings, as Connect's STRING_MAP response validation requires. */
export type FlowResult = {
  Branch: Branch;
  DisconnectReason?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
  Reason?: string;
};

/** Maps an outcome to the flow's result map. */
export function toFlowResult(outcome: Outcome): FlowResult {
  const Branch = branchOf(outcome);
  if (outcome.kind === 'stopped') return { Branch, DisconnectReason: 'TerminateScript' };
  return {
    Branch,
    ErrorCode: flowSafe(outcome.code, 64),
    ErrorMessage: flowSafe(outcome.message, 512),
    ...(outcome.kind === 'not-stoppable' && outcome.reason
      ? { Reason: flowSafe(outcome.reason, 256) }
      : {}),
  };
}

/** Strips control characters and bounds the length, so values are safe in a STRING_MAP. */
function flowSafe(text: string, maxLength: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

const flowInputSchema = z.pipe(
  z.object({
    ContactId: contactIdSchema,
    InstanceId: instanceIdSchema,
    SecurityUser: z.optional(securityUserSchema),
    DisconnectReasonCode: z.optional(disconnectReasonCodeSchema),
  }),
  z.transform(
    (p): EndContactRequest => ({
      contactId: p.ContactId,
      instanceId: p.InstanceId,
      ...(p.SecurityUser ? { securityUser: p.SecurityUser } : {}),
      ...(p.DisconnectReasonCode ? { disconnectReasonCode: p.DisconnectReasonCode } : {}),
    }),
  ),
);

/** Flow parameters arrive as strings; an unset attribute arrives blank. */
function selectFlowInput(event: ConnectContactFlowEvent): unknown {
  const parameters: Record<string, unknown> = event.Details?.Parameters ?? {};
  return {
    ContactId: parameters.ContactId,
    InstanceId: blankToUndefined(parameters.InstanceId) ?? event.Details?.ContactData?.InstanceARN,
    SecurityUser: blankToUndefined(parameters.SecurityUser),
    DisconnectReasonCode: blankToUndefined(parameters.DisconnectReasonCode),
  };
}

/**
 * The flow door over any dependencies: handler.ts wires the deployed ones, the local runner and
 * the tests their own. Importing this module reads no environment and builds no client.
 */
export function createFlowHandler(door: EndContactDoor, options: DoorOptions = {}) {
  const telemetry = doorTelemetry(doorServiceNames.flow, options);
  const { logger, metrics } = telemetry;
  return middy<ConnectContactFlowEvent, FlowResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true, logEvent: false }))
    .use(
      correlationId(
        logger,
        (event: ConnectContactFlowEvent) => event.Details.ContactData.ContactId,
      ),
    )
    .use(
      validateInput({
        select: selectFlowInput,
        schema: flowInputSchema,
        check: ownArnCheck(['InstanceId', 'SecurityUser']),
        onInvalid: (errors) => {
          logger.info('invalid flow parameters', { fields: errors.map((e) => e.field) });
          const outcome = validationOutcome(errors);
          publishOutcome(metrics, branchOf(outcome));
          return toFlowResult(outcome);
        },
      }),
    )
    .handler(async (_event, context) => {
      const request = inputOf<EndContactRequest>(context);
      const remainingMs = context.getRemainingTimeInMillis?.();
      return toFlowResult(await endAndRecord(door, request, remainingMs, telemetry));
    });
}
