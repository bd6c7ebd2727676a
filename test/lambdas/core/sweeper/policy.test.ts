import type { Contact } from '@aws-sdk/client-connect';
import { describe, expect, it } from 'vitest';
import { createPhoneHasher } from '../../../../lambdas/core/sweeper/phone-hash.js';
import {
  assessCallback,
  DuplicateKeepers,
  positionInQueue,
  tagsFit,
} from '../../../../lambdas/core/sweeper/policy.js';

const now = Date.parse('2026-11-22T12:00:00.000Z');
const hour = 3_600_000;
const policy = { cutoffMs: now - 24 * hour, queueAllowList: [], queueDenyList: [] };

function queued(overrides: Partial<Contact> = {}, enqueuedAtMs = now - 30 * hour): Contact {
  return {
    Id: 'c-1',
    Channel: 'VOICE',
    InitiationMethod: 'CALLBACK',
    QueueInfo: { Id: 'queue-a', EnqueueTimestamp: new Date(enqueuedAtMs) },
    CustomerEndpoint: { Type: 'TELEPHONE_NUMBER', Address: '+15550100' },
    ...overrides,
  };
}

describe('assessCallback', () => {
  it('calls a callback waiting in its queue past the cutoff stuck', () => {
    expect(assessCallback(queued(), policy)).toEqual({
      verdict: 'stuck',
      queueId: 'queue-a',
      enqueuedAtMs: now - 30 * hour,
    });
  });

  it.each([
    [
      'connected to an agent',
      { AgentInfo: { ConnectedToAgentTimestamp: new Date(now) } },
      'connected-to-agent',
    ],
    [
      'with its customer connected',
      { ConnectedToSystemTimestamp: new Date(now) },
      'customer-connected',
    ],
    [
      'accepted by an agent, dialling',
      { AgentInfo: { AcceptedByAgentTimestamp: new Date(now) } },
      'accepted-by-agent',
    ],
    ['assigned to an agent', { AgentInfo: { Id: 'agent-1' } }, 'offered-to-agent'],
    ['ringing at an agent', { RingStartTimestamp: new Date(now) }, 'offered-to-agent'],
    [
      'previewed by an agent',
      { AgentInfo: { PreviewEndTimestamp: new Date(now) } },
      'offered-to-agent',
    ],
    [
      'in after contact work',
      { AgentInfo: { AfterContactWorkStartTimestamp: new Date(now) } },
      'offered-to-agent',
    ],
    [
      'with agent state transitions',
      { AgentInfo: { StateTransitions: [{ State: 'CONNECTED' as const }] } },
      'offered-to-agent',
    ],
  ])('never calls a callback %s stuck', (_name, change, reason) => {
    expect(assessCallback(queued(change as Partial<Contact>), policy)).toMatchObject({
      verdict: 'with-agent',
      reason,
    });
  });

  it('calls a disconnected contact disconnected, whatever else it carries', () => {
    const contact = queued({ DisconnectTimestamp: new Date(now - hour), AgentInfo: { Id: 'a' } });
    expect(assessCallback(contact, policy)).toEqual({ verdict: 'disconnected', atMs: now - hour });
  });

  it('calls a callback with no enqueue time not queued', () => {
    expect(assessCallback(queued({ QueueInfo: { Id: 'queue-a' } }), policy).verdict).toBe(
      'not-queued',
    );
  });

  it("treats a customer first callback's queued leg as a callback, and never its dialled leg", () => {
    const queuedLeg = queued({
      InitiationMethod: 'CALLBACK_CUSTOMER_FIRST_QUEUED' as Contact['InitiationMethod'],
    });
    const dialledLeg = queued({
      InitiationMethod: 'CALLBACK_CUSTOMER_FIRST_DIALED' as Contact['InitiationMethod'],
    });

    expect(assessCallback(queuedLeg, policy).verdict).toBe('stuck');
    expect(assessCallback(dialledLeg, policy).verdict).toBe('not-callback');
  });

  it('calls a callback enqueued exactly at the cutoff recent, and one before it stuck', () => {
    expect(assessCallback(queued({}, now - 24 * hour), policy).verdict).toBe('recent');
    expect(assessCallback(queued({}, now - 24 * hour - 1), policy).verdict).toBe('stuck');
  });

  it('lets the deny list win over the allow list', () => {
    const lists = { ...policy, queueAllowList: ['queue-a'], queueDenyList: ['queue-a'] };
    expect(assessCallback(queued(), lists)).toMatchObject({
      verdict: 'out-of-scope',
      reason: 'queue-denied',
    });
  });
});

describe('positionInQueue', () => {
  it('reads a position of 1 or more as proof of waiting in queue', () => {
    expect(positionInQueue([{ Name: 'POSITION_IN_QUEUE', Value: { Number: 3 } }])).toBe(3);
  });

  it('reads no metric, no value or a position below 1 as no proof', () => {
    expect(positionInQueue(undefined)).toBeUndefined();
    expect(positionInQueue([])).toBeUndefined();
    expect(positionInQueue([{ Name: 'POSITION_IN_QUEUE' }])).toBeUndefined();
    expect(positionInQueue([{ Name: 'POSITION_IN_QUEUE', Value: { Number: 0 } }])).toBeUndefined();
    expect(
      positionInQueue([{ Name: 'ESTIMATED_WAIT_TIME', Value: { Number: 9 } }]),
    ).toBeUndefined();
  });
});

describe('tagsFit', () => {
  it('counts only user tags against the limit of six', () => {
    expect(tagsFit({ a: '1', b: '2', c: '3', d: '4' }, 2)).toBe(true);
    expect(tagsFit({ a: '1', b: '2', c: '3', d: '4', e: '5' }, 2)).toBe(false);
    expect(tagsFit({ 'aws:connect:a': '1', 'aws:connect:b': '2', a: '1' }, 2)).toBe(true);
    expect(tagsFit(undefined, 2)).toBe(true);
  });
});

describe('DuplicateKeepers', () => {
  it('keeps the first callback per queue and number and names it as the keeper of a later one', () => {
    const keepers = new DuplicateKeepers(createPhoneHasher('a-salt-of-16-characters'));
    const first = queued({ Id: 'first' });
    const second = queued({
      Id: 'second',
      CustomerEndpoint: { Type: 'TELEPHONE_NUMBER', Address: '+1 555 0100' },
    });

    expect(keepers.keeperOf(first, { queueId: 'queue-a', enqueuedAtMs: 1 })).toBeUndefined();
    expect(keepers.keeperOf(second, { queueId: 'queue-a', enqueuedAtMs: 2 })).toBe('first');
    expect(keepers.keeperOf(second, { queueId: 'queue-b', enqueuedAtMs: 2 })).toBeUndefined();
  });
});
