import * as z from 'zod/mini';
import { toInstanceId } from '../connect/identifiers.js';
import { contactIdSchema, parseWith } from '../schemas.js';

/**
 * What the registry needs from one Connect contact event. `eventAtMs` orders events of one
 * contact: the time the event's own state began (enqueue, connect to agent, disconnect).
 */
export type CallbackEvent =
  | {
      kind: 'queued';
      contactId: string;
      instanceId: string;
      queueId?: string;
      enqueuedAtMs: number;
      eventAtMs: number;
    }
  | { kind: 'connected'; contactId: string; instanceId: string; eventAtMs: number }
  | { kind: 'ended'; contactId: string; instanceId: string; eventAtMs: number };

export type CallbackEventKind = CallbackEvent['kind'];

export type ParsedCallbackEvent =
  | { ok: true; event: CallbackEvent }
  | { ok: false; reason: string; eventType?: string; contactId?: string };

/**
 * Initiation methods of a queued callback: agent first (CALLBACK), and the queued leg of a
 * customer first callback. Never CALLBACK_CUSTOMER_FIRST_DIALED: that leg is a live call to the
 * customer (adminguide/customer-first-cb).
 */
export const queuedCallbackInitiationMethods: readonly string[] = [
  'CALLBACK',
  'CALLBACK_CUSTOMER_FIRST_QUEUED',
];

/** Whether a contact's InitiationMethod is one of a queued callback. */
export function isQueuedCallbackMethod(initiationMethod: string | undefined): boolean {
  return (
    initiationMethod !== undefined && queuedCallbackInitiationMethods.includes(initiationMethod)
  );
}

const eventKindByType: Readonly<Record<string, CallbackEventKind>> = {
  QUEUED: 'queued',
  CONNECTED_TO_AGENT: 'connected',
  DISCONNECTED: 'ended',
  COMPLETED: 'ended',
};

const timestamp = z
  .string()
  .check(z.refine((value) => Number.isFinite(Date.parse(value)), 'must be an ISO-8601 timestamp'));

// Only the fields the tracker reads; Connect adds fields over time and they are ignored.
const contactEventSchema = z.object({
  source: z.literal('aws.connect'),
  'detail-type': z.literal('Amazon Connect Contact Event'),
  time: z.nullish(timestamp),
  detail: z.object({
    eventType: z.string(),
    contactId: contactIdSchema,
    channel: z.string(),
    initiationMethod: z.string(),
    instanceArn: z.string(),
    disconnectTimestamp: z.nullish(timestamp),
    queueInfo: z.nullish(
      z.object({ queueArn: z.nullish(z.string()), enqueueTimestamp: z.nullish(timestamp) }),
    ),
    agentInfo: z.nullish(z.object({ connectedToAgentTimestamp: z.nullish(timestamp) })),
  }),
});

type ContactEventInput = z.infer<typeof contactEventSchema>;

const queueArnPattern = /:instance\/[A-Za-z0-9-]+\/queue\/([A-Za-z0-9-]+)$/;

/** The queue ID in a queue ARN, or undefined when the ARN is not one. */
export function queueIdFromArn(queueArn: string | null | undefined): string | undefined {
  return queueArnPattern.exec(queueArn ?? '')?.[1];
}

/**
 * Reads an EventBridge `Amazon Connect Contact Event` into a registry event. Events that are not
 * voice callbacks, event types the registry does not track, and malformed events are refused
 * with a reason, never thrown: Connect adds event types and fields over time.
 */
export function parseCallbackEvent(input: unknown): ParsedCallbackEvent {
  const parsed = parseWith(contactEventSchema, input);
  if (!parsed.ok) {
    const detail = (input as { detail?: { eventType?: unknown; contactId?: unknown } })?.detail;
    return {
      ok: false,
      reason: `not a contact event: ${parsed.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
      ...(typeof detail?.eventType === 'string' ? { eventType: detail.eventType } : {}),
      ...(typeof detail?.contactId === 'string' ? { contactId: detail.contactId } : {}),
    };
  }
  const { detail } = parsed.value;
  const refused = (reason: string): ParsedCallbackEvent => ({
    ok: false,
    reason,
    eventType: detail.eventType,
    contactId: detail.contactId,
  });

  if (detail.channel !== 'VOICE' || !isQueuedCallbackMethod(detail.initiationMethod)) {
    return refused(`not a voice callback (${detail.channel}/${detail.initiationMethod})`);
  }
  const kind = eventKindByType[detail.eventType];
  if (!kind) return refused(`event type ${detail.eventType} is not tracked`);
  const instance = toInstanceId(detail.instanceArn);
  if (!instance.ok) return refused(`detail.instanceArn ${instance.message}`);

  const eventAtMs = eventTimeMs(kind, parsed.value);
  if (eventAtMs === undefined) return refused('event carries no timestamp for its state');
  const base = { contactId: detail.contactId, instanceId: instance.instanceId, eventAtMs };
  if (kind !== 'queued') return { ok: true, event: { kind, ...base } };
  const queueId = queueIdFromArn(detail.queueInfo?.queueArn);
  return {
    ok: true,
    event: { kind, ...base, enqueuedAtMs: eventAtMs, ...(queueId ? { queueId } : {}) },
  };
}

/** The time the event's state began, falling back to EventBridge's `time` (second precision). */
function eventTimeMs(kind: CallbackEventKind, event: ContactEventInput): number | undefined {
  const { detail } = event;
  const own =
    kind === 'queued'
      ? detail.queueInfo?.enqueueTimestamp
      : kind === 'connected'
        ? detail.agentInfo?.connectedToAgentTimestamp
        : detail.disconnectTimestamp;
  const chosen = own ?? event.time;
  return chosen ? Date.parse(chosen) : undefined;
}
