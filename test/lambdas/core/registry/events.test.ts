import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCallbackEvent, queueIdFromArn } from '../../../../lambdas/core/registry/events.js';
import {
  callbackContactId,
  callbackQueueId,
  contactEvent,
} from '../../../fixtures/contact-events/index.js';
import { instanceId } from '../../../fixtures/index.js';

describe('parseCallbackEvent', () => {
  it('reads a QUEUED callback with its queue and Connect enqueue time', () => {
    const parsed = parseCallbackEvent(contactEvent('queued'));

    expect(parsed).toEqual({
      ok: true,
      event: {
        kind: 'queued',
        contactId: callbackContactId,
        instanceId,
        queueId: callbackQueueId,
        enqueuedAtMs: Date.parse('2026-11-20T09:12:04.000Z'),
        eventAtMs: Date.parse('2026-11-20T09:12:04.000Z'),
      },
    });
  });

  it('orders CONNECTED_TO_AGENT by the time the agent connected', () => {
    const parsed = parseCallbackEvent(contactEvent('connectedToAgent'));

    expect(parsed).toMatchObject({
      ok: true,
      event: { kind: 'connected', eventAtMs: Date.parse('2026-11-20T10:01:17.000Z') },
    });
  });

  it.each([
    ['DISCONNECTED', 'disconnected'],
    ['COMPLETED', 'completed'],
  ] as const)('reads %s as the end of the callback, at its disconnect time', (_type, fixture) => {
    const parsed = parseCallbackEvent(contactEvent(fixture));

    expect(parsed).toMatchObject({
      ok: true,
      event: { kind: 'ended', eventAtMs: Date.parse('2026-11-20T10:05:42.000Z') },
    });
  });

  it('ignores fields it does not know, such as customerVoiceActivity and tags', () => {
    const parsed = parseCallbackEvent(contactEvent('disconnected', { brandNewField: { a: 1 } }));

    expect(parsed.ok).toBe(true);
  });

  it('ignores event types it does not track, naming the type', () => {
    const parsed = parseCallbackEvent(contactEvent('contactDataUpdated'));

    expect(parsed).toEqual({
      ok: false,
      reason: 'event type CONTACT_DATA_UPDATED is not tracked',
      eventType: 'CONTACT_DATA_UPDATED',
      contactId: callbackContactId,
    });
  });

  it('ignores an event type Connect has not published yet', () => {
    const parsed = parseCallbackEvent(contactEvent('queued', { eventType: 'TELEPORTED' }));

    expect(parsed).toMatchObject({ ok: false, reason: 'event type TELEPORTED is not tracked' });
  });

  it('reads the queued leg of a customer first callback, and ignores its dialed leg', () => {
    const queuedLeg = parseCallbackEvent(
      contactEvent('queued', { initiationMethod: 'CALLBACK_CUSTOMER_FIRST_QUEUED' }),
    );
    const dialedLeg = parseCallbackEvent(
      contactEvent('queued', { initiationMethod: 'CALLBACK_CUSTOMER_FIRST_DIALED' }),
    );

    expect(queuedLeg).toMatchObject({
      ok: true,
      event: { kind: 'queued', queueId: callbackQueueId },
    });
    expect(dialedLeg).toMatchObject({
      ok: false,
      reason: 'not a voice callback (VOICE/CALLBACK_CUSTOMER_FIRST_DIALED)',
    });
  });

  it('ignores contacts that are not voice callbacks', () => {
    expect(parseCallbackEvent(contactEvent('inboundQueued'))).toMatchObject({
      ok: false,
      reason: 'not a voice callback (VOICE/INBOUND)',
    });
    expect(parseCallbackEvent(contactEvent('queued', { channel: 'CHAT' }))).toMatchObject({
      ok: false,
      reason: 'not a voice callback (CHAT/CALLBACK)',
    });
  });

  it('falls back to the EventBridge time when a QUEUED event has no enqueue time', () => {
    const parsed = parseCallbackEvent(contactEvent('queued', { queueInfo: null }));

    expect(parsed).toMatchObject({
      ok: true,
      event: { kind: 'queued', enqueuedAtMs: Date.parse('2026-11-20T09:12:04Z') },
    });
    expect(parsed.ok && 'queueId' in parsed.event).toBe(false);
  });

  it.each([
    ['a missing detail', (e: Record<string, unknown>) => ({ ...e, detail: undefined })],
    ['another source', (e: Record<string, unknown>) => ({ ...e, source: 'aws.ec2' })],
    ['a malformed timestamp', (e: Record<string, unknown>) => ({ ...e, time: 'yesterday' })],
    ['a bad instance ARN', () => contactEvent('queued', { instanceArn: 'arn:aws:s3:::bucket' })],
    ['an unsafe contact ID', () => contactEvent('queued', { contactId: 'a b' })],
  ])('refuses an event with %s without throwing', (_name, mutate) => {
    const event = mutate(contactEvent('queued') as unknown as Record<string, unknown>);

    const parsed = parseCallbackEvent(event);

    expect(parsed.ok).toBe(false);
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        expect(() => parseCallbackEvent(input)).not.toThrow();
      }),
    );
  });
});

describe('queueIdFromArn', () => {
  it('returns the queue ID of a queue ARN and nothing for other ARNs', () => {
    expect(
      queueIdFromArn(
        `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}/queue/${callbackQueueId}`,
      ),
    ).toBe(callbackQueueId);
    expect(queueIdFromArn(`arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`)).toBe(
      undefined,
    );
    expect(queueIdFromArn(undefined)).toBe(undefined);
  });
});
