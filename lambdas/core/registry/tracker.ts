import { type CallbackEventKind, parseCallbackEvent } from './events.js';
import type { CallbackRegistry } from './registry.js';

/** What one contact event did to the registry. */
export type TrackResult =
  | { outcome: 'ignored'; reason: string; eventType?: string; contactId?: string }
  | {
      /** `superseded`: a newer or terminal state was already recorded (duplicate, late, reordered). */
      outcome: 'written' | 'superseded';
      kind: CallbackEventKind;
      contactId: string;
      instanceId: string;
    };

/**
 * Applies one Connect contact event to the registry. Events that are not tracked are ignored with
 * a reason; a DynamoDB failure is thrown so Lambda's retries and the dead-letter queue keep it.
 */
export async function trackCallbackEvent(
  registry: CallbackRegistry,
  input: unknown,
): Promise<TrackResult> {
  const parsed = parseCallbackEvent(input);
  if (!parsed.ok) {
    return {
      outcome: 'ignored',
      reason: parsed.reason,
      ...(parsed.eventType ? { eventType: parsed.eventType } : {}),
      ...(parsed.contactId ? { contactId: parsed.contactId } : {}),
    };
  }
  const { event } = parsed;
  const outcome = await registry.record(event);
  return { outcome, kind: event.kind, contactId: event.contactId, instanceId: event.instanceId };
}
