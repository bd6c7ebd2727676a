import type { Contact } from '@aws-sdk/client-connect';
import { isQueuedCallbackMethod } from '../registry/events.js';
import { everyQueue, type QueuedCallback, type QueueSet } from '../registry/registry-item.js';
import { rulesOf, type SweepSettings } from './config.js';
import type {
  Assessment,
  EndReason,
  QueueLists,
  SkipReason,
  SweepMode,
  SweepRule,
} from './model.js';
import type { PhoneHasher } from './phone-hash.js';
import { keepsOldest, matchRule } from './rules.js';

/**
 * Which callbacks the sweeper ends, and why: from a callback, its rule and what Connect says
 * about it to a verdict and its reason. Nothing here calls Connect or the registry (run.ts asks
 * them, end.ts acts); the one state kept is the duplicates' keepers (DuplicateKeepers), which
 * `decide` fills, so a run calls it once per callback, in registry order.
 * Read top to bottom, in the order a callback meets them:
 * 1. its rule: the first that matches its instance and queue;
 * 2. before any look, what the registry's entry alone decides;
 * 3. what DescribeContact says: the eligibility rule, each line citing the AWS page it follows;
 * 4. the verdict: end it (and why), list it as one `end` would end, or leave it alone (and why);
 * 5. at the last look, right before the stop: whether it still qualifies.
 */

// ---- 1. Its rule ----

/** What the rules say about one callback of the instance, by its queue. */
export type RuleMatch =
  /** No rule matches: the callback is left alone (`no-rule`). */
  | { kind: 'none' }
  /** A rule other than the run's only rule matches first: left alone (`other-rule`). */
  | { kind: 'other'; rule: SweepRule }
  /** An acting rule matches first: a callback enqueued before `cutoffMs` is stuck under it. */
  | { kind: 'acting'; rule: SweepRule; cutoffMs: number };

/** The rules that may decide a callback of this instance, in order (all of them without one). */
function rulesIn(settings: SweepSettings, instanceId: string | undefined): SweepRule[] {
  return rulesOf(settings).filter(
    (rule) => !rule.instanceId || instanceId === undefined || rule.instanceId === instanceId,
  );
}

/** Whether a rule acts in this run: every rule, or the one a rule or clear run names. */
function acts(settings: SweepSettings, rule: SweepRule): boolean {
  return settings.onlyRule === undefined || rule.name === settings.onlyRule;
}

/** The youngest age an acting rule ends at (in this instance): the age the index is read with. */
export function minAgeMs(settings: SweepSettings, instanceId?: string): number {
  const ages = rulesIn(settings, instanceId)
    .filter((rule) => acts(settings, rule))
    .map((rule) => rule.maxQueuedAgeMs);
  return ages.length > 0 ? Math.min(...ages) : settings.maxQueuedAgeMs;
}

/**
 * How one run's rules decide the callbacks of one instance. Every rule takes part in the match,
 * in order, so the first match decides even in a run of one rule or clear (`onlyRule`); only the
 * acting rules have an age to end at.
 */
export class InstanceRules {
  readonly #rules: SweepRule[];
  readonly #cutoffs = new Map<SweepRule, number>();

  /**
   * @param anyAge an operator's selection: it replaces the age test, so any age qualifies under
   *   an acting rule; the rest of the rule (its queues, its mode) holds.
   */
  constructor(settings: SweepSettings, instanceId: string, nowMs: number, anyAge: boolean) {
    this.#rules = rulesIn(settings, instanceId);
    for (const rule of this.#rules) {
      if (!acts(settings, rule)) continue;
      this.#cutoffs.set(rule, anyAge ? Number.MAX_SAFE_INTEGER : nowMs - rule.maxQueuedAgeMs);
    }
  }

  /** No rule can end anything in this instance: nothing to read. */
  get idle(): boolean {
    return this.#cutoffs.size === 0;
  }

  /** An acting rule keeps the oldest of duplicates, so the whole index is read. */
  get duplicates(): boolean {
    return keepsOldest([...this.#cutoffs.keys()]);
  }

  /**
   * How far the index is read. Duplicates can be young, so that policy reads every queued
   * callback, oldest first; else the youngest acting rule's cutoff, and each callback's rule decides.
   */
  get readBeforeMs(): number {
    return this.duplicates ? Number.MAX_SAFE_INTEGER : Math.max(...this.#cutoffs.values());
  }

  /** The first rule that matches a callback of this instance in this queue, and what it may do. */
  match(instanceId: string, queueId: string | undefined): RuleMatch {
    const rule = matchRule(this.#rules, instanceId, queueId);
    if (!rule) return { kind: 'none' };
    const cutoffMs = this.#cutoffs.get(rule);
    return cutoffMs === undefined ? { kind: 'other', rule } : { kind: 'acting', rule, cutoffMs };
  }

  /**
   * How the instance's index is shared among its rules, so they take turns (run.ts, takingTurns):
   * each acting rule's queues, by the registry's queue and first match as `match` decides, then
   * whatever no acting rule claims (read for the report and reconciliation, at no Connect call).
   * One set of every queue when at most one rule acts: there is nothing to share.
   */
  get shares(): QueueSet[] {
    const claimed = new Set<string>();
    const acting: QueueSet[] = [];
    for (const rule of this.#rules) {
      let share: QueueSet | undefined;
      if (rule.queues === '*') {
        share = { except: [...claimed] };
      } else {
        const own = rule.queues.filter((queueId) => !claimed.has(queueId));
        for (const queueId of own) claimed.add(queueId);
        if (own.length > 0) share = { only: own };
      }
      if (share && this.#cutoffs.has(rule)) acting.push(share);
      // Every later rule is shadowed: its callbacks are this rule's.
      if (rule.queues === '*') break;
    }
    if (acting.length <= 1) return [everyQueue];
    const rest = outside(acting);
    return rest ? [...acting, rest] : acting;
  }
}

/** The queues none of these disjoint shares holds; undefined when they hold every queue. */
function outside(shares: readonly QueueSet[]): QueueSet | undefined {
  const listed = shares.flatMap((share) => ('only' in share ? share.only : []));
  const wildcard = shares.find((share) => 'except' in share);
  if (!wildcard || !('except' in wildcard)) return { except: listed };
  const left = wildcard.except.filter((queueId) => !listed.includes(queueId));
  return left.length > 0 ? { only: left } : undefined;
}

// ---- 2. Before any look: what the registry's entry alone decides ----

/** A reason to leave a candidate alone without asking Connect, and the rule it was read under. */
export interface BeforeLook {
  reason: Extract<
    SkipReason,
    'queue-denied' | 'queue-not-allowed' | 'no-rule' | 'other-rule' | 'queued-recently'
  >;
  rule?: SweepRule;
}

/**
 * The registry's queue picks the rule to read with (Connect's queue decides, in `decide`); the
 * run's lists, the rule, then the rule's age by the registry's enqueue time, which the index read
 * is based on too. Undefined: the run may look at it (its stop cap, time and back-off permitting).
 */
export function beforeLook(
  callback: QueuedCallback,
  match: RuleMatch,
  lists: QueueLists,
): BeforeLook | undefined {
  const scope = queueScope(callback.queueId, lists);
  if (scope) return { reason: scope };
  if (match.kind === 'none') return { reason: 'no-rule' };
  const { rule } = match;
  if (match.kind === 'other') return { reason: 'other-rule', rule };
  if (rule.duplicatesPolicy !== 'keep-oldest' && callback.queuedAtMs >= match.cutoffMs) {
    return { reason: 'queued-recently', rule };
  }
  return undefined;
}

/** The deny list wins; a non-empty allow list admits only its queues. */
function queueScope(
  queueId: string | undefined,
  lists: QueueLists,
): 'queue-denied' | 'queue-not-allowed' | undefined {
  if (queueId && lists.queueDenyList.includes(queueId)) return 'queue-denied';
  if (lists.queueAllowList.length > 0 && !(queueId && lists.queueAllowList.includes(queueId))) {
    return 'queue-not-allowed';
  }
  return undefined;
}

// ---- 3. What DescribeContact says: the eligibility rule ----

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

/**
 * What a look showed whatever the run's queues and ages: waiting in a queue, with (or on its way
 * to) an agent or the customer, or neither. The run's back-off follows it (registry/look-backoff.ts).
 */
export function lookShowed(assessment: Assessment): 'waiting' | 'with-agent' | 'gone' {
  switch (assessment.verdict) {
    case 'stuck':
    case 'recent':
    case 'out-of-scope':
      return 'waiting';
    case 'with-agent':
      return 'with-agent';
    default:
      return 'gone';
  }
}

// ---- 4. The verdict ----

/** What the run tells the decision about itself. */
export interface RunTerms extends QueueLists {
  /** `end` when any rule may end; otherwise the run writes nothing. */
  mode: SweepMode;
  /** The run follows configured sweep policies: the last look keeps to the rule's queue. */
  policies: boolean;
  /** An operator's selection: its callbacks are ended as `selected`, whatever their age. */
  selection: boolean;
  /** A scheduled clear: its callbacks are ended as `scheduled-clear`. */
  schedule: boolean;
  /** An operator's run, which never ends a callback a report-mode rule decides. */
  operatorRun: boolean;
}

/** What the last look must still find, and why the callback is ended. */
export interface EndTarget extends QueueLists {
  reason: EndReason;
  cutoffMs: number;
  /** A duplicate's older callback, which must still be there when this one is ended. */
  keeperContactId?: string;
}

export type Verdict =
  /** End it, if the run's stop cap allows, through end.ts (keeper, intent, last look, stop). */
  | { kind: 'end'; target: EndTarget }
  /** Report mode, or a report-mode rule: listed as one `end` would end; the cap does not apply. */
  | { kind: 'would-end'; reason: EndReason }
  | { kind: 'skip'; reason: SkipReason }
  /** Connect says it is no longer a waiting callback of the run's queues: end.ts records what is known. */
  | { kind: 'left'; assessment: Assessment };

/** A callback the run looked at, as `decide` is given it. */
export interface Looked {
  callback: QueuedCallback;
  /** DescribeContact's answer. */
  contact: Contact;
  /** The rule the registry's queue matched before the look (beforeLook). */
  readMatch: RuleMatch;
  rules: InstanceRules;
  terms: RunTerms;
  /** The run's keepers of the oldest duplicates (below), when an acting rule keeps the oldest. */
  keepers?: DuplicateKeepers;
}

export interface Decision {
  verdict: Verdict;
  /** The rule that decides it, by the queue Connect shows it in; none when no rule matches. */
  rule: SweepRule | undefined;
  /** The queue the decision is about: the one Connect shows, else the registry's. */
  queueId: string | undefined;
  /** What Connect said, judged against the rule's age and the run's lists. */
  assessment: Assessment;
  /** Seen queued in this queue since `atMs`: reconciliation compares each queue's oldest. */
  seenQueued?: { queueId: string | undefined; atMs: number };
  /** Waiting, but re-queued after the registry's enqueue time: the entry is moved (mode `end`). */
  requeueAtMs?: number;
}

/**
 * The verdict on a callback DescribeContact answered for. The queue Connect shows picks the rule
 * (first match wins, and no rule means left alone); it is matched again only when that queue is
 * not the registry's. Only an acting rule has an age: under any other, nothing is stuck.
 */
export function decide(looked: Looked): Decision {
  const { callback, contact, readMatch, rules, terms } = looked;
  const connectQueueId = contact.QueueInfo?.Id ?? callback.queueId;
  const match =
    connectQueueId === callback.queueId
      ? readMatch
      : rules.match(callback.instanceId, connectQueueId);
  const rule = match.kind === 'none' ? undefined : match.rule;
  const cutoffMs = match.kind === 'acting' ? match.cutoffMs : Number.NEGATIVE_INFINITY;
  const assessment = assessCallback(contact, { ...terms, cutoffMs });
  const queueId = 'queueId' in assessment ? assessment.queueId : callback.queueId;
  const decided = (verdict: Verdict, more: Partial<Decision> = {}): Decision => ({
    verdict,
    rule,
    queueId,
    assessment,
    ...more,
  });
  const leftAlone: Verdict = {
    kind: 'skip',
    reason: match.kind === 'none' ? 'no-rule' : 'other-rule',
  };
  switch (assessment.verdict) {
    case 'recent': {
      const seenQueued = { queueId, atMs: assessment.enqueuedAtMs };
      if (match.kind !== 'acting') return decided(leftAlone, { seenQueued });
      // A younger duplicate of a callback the customer still has is ended whatever its age.
      const keeperContactId =
        match.rule.duplicatesPolicy === 'keep-oldest'
          ? looked.keepers?.keeperOf(contact, assessment)
          : undefined;
      if (keeperContactId) {
        const verdict = toEnd(terms, match.rule, queueId, {
          reason: 'duplicate',
          cutoffMs,
          keeperContactId,
        });
        return decided(verdict, { seenQueued });
      }
      const requeued = terms.mode === 'end' && assessment.enqueuedAtMs > callback.queuedAtMs;
      return decided(
        { kind: 'skip', reason: 'queued-recently' },
        { seenQueued, ...(requeued ? { requeueAtMs: assessment.enqueuedAtMs } : {}) },
      );
    }
    case 'stuck': {
      const seenQueued = { queueId, atMs: assessment.enqueuedAtMs };
      // Never otherwise: without an acting rule the cutoff is -Infinity.
      if (match.kind !== 'acting') return decided(leftAlone, { seenQueued });
      const reason: EndReason = terms.selection
        ? 'selected'
        : terms.schedule
          ? 'scheduled-clear'
          : 'queued-too-long';
      return decided(toEnd(terms, match.rule, queueId, { reason, cutoffMs }), { seenQueued });
    }
    case 'out-of-scope':
      return decided(
        { kind: 'left', assessment },
        { seenQueued: { queueId, atMs: callback.queuedAtMs } },
      );
    default:
      return decided({ kind: 'left', assessment });
  }
}

/**
 * A callback that qualifies, by its rule's mode and the run's. Report mode only notes what it
 * would end, with no cap: it stops nothing, and the cap would hide what the next runs have to do.
 */
function toEnd(
  terms: RunTerms,
  rule: SweepRule,
  queueId: string | undefined,
  why: { reason: EndReason; cutoffMs: number; keeperContactId?: string },
): Verdict {
  // A report-mode rule never stops, whatever the other rules do; an operator's end leaves it.
  if (rule.mode === 'report' && terms.operatorRun) return { kind: 'skip', reason: 'report-rule' };
  if (terms.mode === 'report' || rule.mode === 'report') {
    return { kind: 'would-end', reason: why.reason };
  }
  return {
    kind: 'end',
    target: {
      queueAllowList: terms.queueAllowList,
      queueDenyList: terms.queueDenyList,
      // With several rules, the last look must find it in the queue its rule was matched on: a
      // callback moved to another queue would be another rule's to decide.
      ...(terms.policies && queueId ? { queueAllowList: [queueId] } : {}),
      ...why,
    },
  };
}

// ---- 5. At the last look, right before the stop ----

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

/** A callback queued too long must still be past the cutoff; a duplicate is young by nature. */
export function stillQualifies(assessment: Assessment, reason: EndReason): boolean {
  if (assessment.verdict === 'stuck') return true;
  return assessment.verdict === 'recent' && reason === 'duplicate';
}

/**
 * A duplicate is ended only while the customer still has the older callback: it must still be a
 * callback, not disconnected (queued, or already with an agent, both serve the customer).
 */
export function keeperServes(keeper: Contact): boolean {
  return !keeper.DisconnectTimestamp && isQueuedCallbackMethod(keeper.InitiationMethod);
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
