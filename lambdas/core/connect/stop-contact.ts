import {
  type ConnectClient,
  DescribeContactCommand,
  StopContactCommand,
} from '@aws-sdk/client-connect';
import * as z from 'zod/mini';
import {
  contactIdSchema,
  disconnectReasonCodeSchema,
  instanceIdSchema,
  parseWith,
} from '../schemas.js';
import { ambiguousAttemptStartedAt, attemptMayHaveReached } from './attempts.js';
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
    const startedAt = ambiguousStart(error);
    if (startedAt !== undefined) {
      return goneAfterAmbiguousAttempt(
        client,
        { instanceId, contactId },
        startedAt,
        error,
        options,
      );
    }
    // This attempt may have reached Connect (a time-out, a 5xx, a dropped connection): the
    // sweeper settles such a stop with a look afterwards (docs/sweeper.md).
    const outcome = outcomeFromError(error, 'contact');
    return attemptMayHaveReached(error) ? { ...outcome, mayHaveApplied: true } : outcome;
  }
}

/** When the first attempt that may have reached Connect began, for a 410 on a later attempt. */
function ambiguousStart(error: unknown): number | undefined {
  const e = error as { name?: string; [ambiguousAttemptStartedAt]?: number };
  return e?.name === 'ContactNotFoundException' ? e[ambiguousAttemptStartedAt] : undefined;
}

/**
 * A 410 after an attempt that may have reached Connect (a 5xx, a time-out, a dropped connection)
 * is that attempt's doing only if Connect shows the contact ended once it began: its
 * DisconnectTimestamp (API_DescribeContact.html, Contact.DisconnectTimestamp) at or after the
 * attempt's start. A contact that had ended before the call, or one Connect cannot describe,
 * stays not active: a stop that did not happen is never reported as done.
 */
async function goneAfterAmbiguousAttempt(
  client: ConnectClient,
  ids: { instanceId: string; contactId: string },
  startedAt: number,
  error: unknown,
  options: CallOptions,
): Promise<Outcome> {
  const gone = outcomeFromError(error, 'contact');
  try {
    const { Contact } = await client.send(
      new DescribeContactCommand({ InstanceId: ids.instanceId, ContactId: ids.contactId }),
      { abortSignal: options.abortSignal },
    );
    const endedAt = Contact?.DisconnectTimestamp?.getTime();
    if (endedAt !== undefined && endedAt >= startedAt) return { kind: 'stopped' };
    return gone;
  } catch (describeError) {
    const { code } = outcomeFromError(describeError, 'contact');
    return {
      ...gone,
      message: `${gone.message} (an earlier attempt may have ended it, but that could not be confirmed: DescribeContact answered ${code})`,
    } as Outcome;
  }
}
