import type { Contact } from '@aws-sdk/client-connect';
import { isQueuedCallbackMethod } from '../registry/events.js';
import type { PhoneHasher } from './phone-hash.js';

/**
 * The sweeper's policy: pure functions from what Connect says about one contact (and the run's
 * settings) to a decision. Nothing here calls Connect or the registry.
 */

/** Why a candidate was left alone. */
export type SkipReason =
  /** DescribeContact answered not found: ambiguous (a wrong instance or Region too), so the entry stays. */
  | 'not-found'
  | 'offered-to-agent'
  | 'accepted-by-agent'
  | 'customer-connected'
  | 'connected-to-agent'
  | 'not-callback'
  | 'not-queued'
  /** GetContactMetrics gave no POSITION_IN_QUEUE: Connect does not count it as waiting in its queue. */
  | 'not-in-queue'
  | 'queued-recently'
  /** An earlier look found an agent on it and its back-off has not run out (look-backoff.ts). */
  | 'backed-off'
  | 'queue-denied'
  | 'queue-not-allowed'
  /** The registry changed between the read and the intent (an event arrived): the next run decides. */
  | 'registry-changed'
  /** A duplicate's older callback is no longer waiting or being served: this one is kept. */
  | 'keeper-gone'
  | 'max-stops'
  | 'time-budget'
  /** An operator stopped the run (stopSignal) before this candidate started. */
  | 'stopped'
  /** No rule of the sweep policies matches its instance and queue: left alone. */
  | 'no-rule'
  /** A run of one rule or clear: another rule matches it first, and that rule decides it. */
  | 'other-rule'
  /** An operator's run: its rule is in report mode, which no one's end overrides. */
  | 'report-rule';

/**
 * Why a callback qualifies to be ended; `selected`: an operator chose it, whatever its age;
 * `scheduled-clear`: a rule's scheduled clear found it still queued past the clear's minimum age.
 */
export type EndReason = 'queued-too-long' | 'duplicate' | 'selected' | 'scheduled-clear';

/** Reasons a contact is with, or on its way to, an agent or the customer: never to be ended. */
export type WithAgentReason = Extract<
  SkipReason,
  'offered-to-agent' | 'accepted-by-agent' | 'customer-connected' | 'connected-to-agent'
>;

/** What DescribeContact says about a registry entry, judged against the run's cutoff. */
export type Assessment =
  | { verdict: 'stuck'; queueId?: string; enqueuedAtMs: number }
  | { verdict: 'recent'; queueId?: string; enqueuedAtMs: number }
  | { verdict: 'disconnected'; atMs: number }
  | { verdict: 'not-callback' }
  | { verdict: 'with-agent'; reason: WithAgentReason; atMs?: number }
  | { verdict: 'not-queued' }
  | { verdict: 'out-of-scope'; reason: 'queue-denied' | 'queue-not-allowed'; queueId?: string };

export interface QueueLists {
  queueAllowList: readonly string[];
  queueDenyList: readonly string[];
}

/**
 * The eligibility rule. A tracked callback is stuck only if every line below lets it through, in
 * this order; the first that does not decides. Each cites the AWS page it follows.
 */
export function assessCallback(
  contact: Contact,
  policy: QueueLists & { cutoffMs: number },
): Assessment {
  // API_Contact: DisconnectTimestamp is when the customer endpoint disconnected; the contact is over.
  if (contact.DisconnectTimestamp) {
    return { verdict: 'disconnected', atMs: contact.DisconnectTimestamp.getTime() };
  }
  // adminguide/setup-queued-cb, customer-first-cb: only CALLBACK and a customer first callback's
  // queued leg wait in a queue; the dialled leg (CALLBACK_CUSTOMER_FIRST_DIALED) is a live call.
  if (!isQueuedCallbackMethod(contact.InitiationMethod)) return { verdict: 'not-callback' };
  const agent = contact.AgentInfo;
  // API_AgentInfo: ConnectedToAgentTimestamp is set once the customer answers and the agent is on.
  if (agent?.ConnectedToAgentTimestamp) {
    const atMs = agent.ConnectedToAgentTimestamp.getTime();
    return { verdict: 'with-agent', reason: 'connected-to-agent', atMs };
  }
  // API_Contact: ConnectedToSystemTimestamp is when the customer endpoint connected; ctr-data-model:
  // for CALLBACK, when the customer answers the outbound leg (adminguide/queued-callback-example).
  // A customer-first callback's queued leg never has one: the customer answers its dialled leg
  // (adminguide/customer-first-cb), so on a queued leg it too means the customer is on the line.
  if (contact.ConnectedToSystemTimestamp) {
    return { verdict: 'with-agent', reason: 'customer-connected' };
  }
  // adminguide/failed-callback-attempt: an agent who accepts a callback takes it out of the
  // queue and Connect dials the customer; API_AgentInfo: AcceptedByAgentTimestamp marks it.
  if (agent?.AcceptedByAgentTimestamp) {
    const atMs = agent.AcceptedByAgentTimestamp.getTime();
    return { verdict: 'with-agent', reason: 'accepted-by-agent', atMs };
  }
  // API_AgentInfo is "the agent who accepted the contact": any agent field means routing reached
  // one (previewing or in after contact work too). API_Contact documents RingStartTimestamp for
  // campaign calls only; it is checked anyway. A callback re-queued after a failed attempt may keep
  // these fields (adminguide/failed-callback-attempt): it is left for a person.
  if (
    agent?.Id ||
    agent?.PreviewEndTimestamp ||
    agent?.AfterContactWorkStartTimestamp ||
    (agent?.StateTransitions?.length ?? 0) > 0 ||
    contact.RingStartTimestamp
  ) {
    return { verdict: 'with-agent', reason: 'offered-to-agent' };
  }
  // API_QueueInfo: EnqueueTimestamp is when the contact was added to its queue; without it the
  // contact is not waiting in one.
  const enqueuedAt = contact.QueueInfo?.EnqueueTimestamp;
  if (!enqueuedAt) return { verdict: 'not-queued' };
  const queueId = contact.QueueInfo?.Id;
  const scope = queueScope(queueId, policy);
  if (scope) return { verdict: 'out-of-scope', reason: scope, ...(queueId ? { queueId } : {}) };
  const enqueuedAtMs = enqueuedAt.getTime();
  return {
    verdict: enqueuedAtMs < policy.cutoffMs ? 'stuck' : 'recent',
    enqueuedAtMs,
    ...(queueId ? { queueId } : {}),
  };
}

/** The deny list wins; a non-empty allow list admits only its queues. */
export function queueScope(
  queueId: string | undefined,
  lists: QueueLists,
): 'queue-denied' | 'queue-not-allowed' | undefined {
  if (queueId && lists.queueDenyList.includes(queueId)) return 'queue-denied';
  if (lists.queueAllowList.length > 0 && !(queueId && lists.queueAllowList.includes(queueId))) {
    return 'queue-not-allowed';
  }
  return undefined;
}

/**
 * GetContactMetrics' POSITION_IN_QUEUE, when Connect gives one: API_GetContactMetrics says it is
 * only available while the contact is actively in queue, so a position of 1 or more is positive
 * proof and anything else (no metric, no value) is not.
 */
export function positionInQueue(
  results: readonly { Name?: string; Value?: { Number?: number } }[] | undefined,
): number | undefined {
  const position = results?.find((r) => r.Name === 'POSITION_IN_QUEUE')?.Value?.Number;
  return typeof position === 'number' && Number.isFinite(position) && position >= 1
    ? position
    : undefined;
}

/** A contact holds at most 6 user-defined tags (adminguide/granular-billing); `aws:` keys are the system's. */
export const maxUserTagsPerContact = 6;

/** Whether `adding` more user tags fit on a contact that carries `tags`. */
export function tagsFit(tags: Record<string, string> | undefined, adding: number): boolean {
  const userTags = Object.keys(tags ?? {}).filter((key) => !key.startsWith('aws:')).length;
  return userTags + adding <= maxUserTagsPerContact;
}

/**
 * The duplicates policy: keeps the oldest callback per queue and customer number. Candidates are
 * decided in registry order (enqueue order), so the first one seen per key is the keeper and any
 * later one a duplicate; Connect's enqueue time settles a tie the registry's time got wrong.
 */
export class DuplicateKeepers {
  readonly #keepers = new Map<string, { contactId: string; enqueuedAtMs: number }>();
  readonly #hash: PhoneHasher;

  constructor(hash: PhoneHasher) {
    this.#hash = hash;
  }

  /** The keeper's contact ID when this callback is a younger duplicate of it; else undefined. */
  keeperOf(
    contact: Contact,
    assessment: { queueId?: string; enqueuedAtMs: number },
  ): string | undefined {
    const address = contact.CustomerEndpoint?.Address;
    if (!address || !assessment.queueId || !contact.Id) return undefined;
    const key = `${assessment.queueId}#${this.#hash(address)}`;
    const keeper = this.#keepers.get(key);
    if (!keeper || assessment.enqueuedAtMs < keeper.enqueuedAtMs) {
      this.#keepers.set(key, { contactId: contact.Id, enqueuedAtMs: assessment.enqueuedAtMs });
      return undefined;
    }
    return keeper.contactId === contact.Id ? undefined : keeper.contactId;
  }
}
