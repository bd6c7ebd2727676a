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
import {
  ambiguousAttemptStartedAt,
  attemptMayHaveReached,
  failedAttemptStartedAt,
} from './attempts.js';
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

/**
 * For a 410 on a later attempt: when the first attempt that may have reached Connect began, and
 * when the 410's own attempt began (the end, if ours, happened between the two).
 */
function ambiguousStart(error: unknown): { from: number; to?: number } | undefined {
  const e = error as {
    name?: string;
    [ambiguousAttemptStartedAt]?: number;
    [failedAttemptStartedAt]?: number;
  };
  const from = e?.name === 'ContactNotFoundException' ? e[ambiguousAttemptStartedAt] : undefined;
  if (from === undefined) return undefined;
  const to = e[failedAttemptStartedAt];
  return to === undefined ? { from } : { from, to };
}

/**
 * Whether a contact's disconnect reason names who ended it, none of them an API stop (a voice
 * contact ended through the API records OTHER: adminguide/ctr-data-model, DisconnectReason).
 */
export function endedBySomeoneElse(disconnectReason: string | undefined): boolean {
  return notByApi.has(disconnectReason ?? '');
}

const notByApi = new Set(['CUSTOMER_DISCONNECT', 'AGENT_DISCONNECT', 'THIRD_PARTY_DISCONNECT']);

/**
 * A 410 after an attempt that may have reached Connect (a 5xx, a time-out, a dropped connection)
 * is that attempt's doing only if Connect shows the contact ended between that attempt's start
 * and the 410's own attempt (API_DescribeContact.html, Contact.DisconnectTimestamp), for no reason
 * that names someone else (Contact.DisconnectReason). A contact that had ended before the call,
 * one ended by its customer or agent meanwhile, or one Connect cannot describe, stays not active:
 * a stop that did not happen is never reported as done.
 */
async function goneAfterAmbiguousAttempt(
  client: ConnectClient,
  ids: { instanceId: string; contactId: string },
  window: { from: number; to?: number },
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
    const inWindow =
      endedAt !== undefined &&
      endedAt >= window.from &&
      (window.to === undefined || endedAt <= window.to);
    if (inWindow && !endedBySomeoneElse(Contact?.DisconnectReason)) return { kind: 'stopped' };
    return gone;
  } catch (describeError) {
    const { code } = outcomeFromError(describeError, 'contact');
    return {
      ...gone,
      message: `${gone.message} (an earlier attempt may have ended it, but that could not be confirmed: DescribeContact answered ${code})`,
    } as Outcome;
  }
}
