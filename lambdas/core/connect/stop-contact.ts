import { type ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
import * as z from 'zod/mini';
import {
  contactIdSchema,
  disconnectReasonCodeSchema,
  instanceIdSchema,
  parseWith,
} from '../schemas.js';
import { attemptMayHaveReached, earlierAttemptMayHaveReached } from './attempts.js';
import type { CallOptions } from './client.js';
import { outcomeFromError } from './errors.js';
import type { Outcome } from './outcome.js';

export interface StopContactRequest {
  /** Instance ID or instance ARN. */
  instanceId: string;
  contactId: string;
  /** Only Amazon Connect outbound campaigns may send a disconnect reason. */
  disconnectReasonCode?: string;
}

const stopContactRequestSchema = z.object({
  instanceId: instanceIdSchema,
  contactId: contactIdSchema,
  disconnectReasonCode: z.optional(disconnectReasonCodeSchema),
});

/** Ends one contact with Connect's StopContact. Never throws: every result is an Outcome. */
export async function stopContact(
  client: ConnectClient,
  request: StopContactRequest,
  options: CallOptions = {},
): Promise<Outcome> {
  const parsed = parseWith(stopContactRequestSchema, request);
  if (!parsed.ok) {
    const message = parsed.errors.map((e) => `${e.field} ${e.message}`).join('; ');
    const contactIdBad = parsed.errors.some((e) => e.field === 'contactId');
    return contactIdBad
      ? { kind: 'invalid-contact-id', code: 'ValidationException', message }
      : { kind: 'failed', code: 'ValidationException', message };
  }
  const { instanceId, contactId, disconnectReasonCode } = parsed.value;
  try {
    await client.send(
      new StopContactCommand({
        InstanceId: instanceId,
        ContactId: contactId,
        ...(disconnectReasonCode ? { DisconnectReason: { Code: disconnectReasonCode } } : {}),
      }),
      { abortSignal: options.abortSignal },
    );
    return { kind: 'stopped' };
  } catch (error) {
    // An earlier attempt that may have reached Connect (a time-out, a 5xx, a dropped connection)
    // may have ended the contact itself; after a throttle or a 4xx, 410 keeps its meaning.
    if (isContactGoneAfterOwnAttempt(error)) return { kind: 'stopped' };
    const outcome = outcomeFromError(error, 'contact');
    return attemptMayHaveReached(error) ? { ...outcome, mayHaveApplied: true } : outcome;
  }
}

function isContactGoneAfterOwnAttempt(error: unknown): boolean {
  const e = error as { name?: string; [earlierAttemptMayHaveReached]?: boolean };
  return e?.name === 'ContactNotFoundException' && e[earlierAttemptMayHaveReached] === true;
}
