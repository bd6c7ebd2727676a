import { setMaxListeners } from 'node:events';
import {
  type ConnectClient,
  type Contact,
  DescribeContactCommand,
  TagContactCommand,
} from '@aws-sdk/client-connect';
import pLimit from 'p-limit';
import { outcomeFromError } from '../connect/errors.js';
import type { FailureOutcome, Outcome } from '../connect/outcome.js';
import { withRunSignal, withSendCheck } from '../connect/rate-limit.js';
import { stopContact } from '../connect/stop-contact.js';
import { type CallbackEvent, isQueuedCallbackMethod } from './events.js';
import type { PhoneHasher } from './phone-hash.js';
import { type ReconciliationResult, reconcileQueues, type UnexplainedQueue } from './reconcile.js';
import type { CallbackRegistry, EndedBy, QueuedCallback } from './registry.js';
import type { SweepSettings } from './sweeper-config.js';

/** Why a candidate was left alone; it stays in the registry unless Connect says it left the queue. */
export type SkipReason =
  /** DescribeContact answered ResourceNotFoundException: ambiguous (wrong instance or Region too), so the entry stays until its TTL. */
  | 'not-found'
  | 'connected-to-agent'
  | 'not-callback'
  | 'not-queued'
  | 'queued-recently'
  | 'queue-denied'
  | 'queue-not-allowed'
  | 'max-stops'
  | 'time-budget';

/** Why a callback qualifies to be ended. */
export type EndReason = 'queued-too-long' | 'duplicate';

export type DecisionKind =
  | 'ended'
  | 'would-end'
  | 'already-gone'
  | 'skipped'
  | 'failed'
  | 'throttled';

/** One decision of a run. IDs only: never a phone number or a contact attribute. */
export interface SweepDecision {
  contactId: string;
  instanceId: string;
  queueId?: string;
  decision: DecisionKind;
  reason: string;
}

export interface SweepCounts {
  /** Registry entries the run examined. */
  candidates: number;
  /** Candidates DescribeContact found. */
  verified: number;
  ended: number;
  /** Report mode: what `end` would have ended. */
  wouldEnd: number;
  /** Disconnected, or StopContact found it no longer active: done. */
  alreadyGone: number;
  skipped: Partial<Record<SkipReason, number>>;
  /** Kept for the next run. */
  failed: number;
  /** Kept for the next run. */
  throttled: number;
  /** Registry writes that failed; the next run finds the same entry and settles it then. */
  registryErrors: number;
}

export interface SweepReport {
  mode: SweepSettings['mode'];
  instanceIds: string[];
  maxQueuedAgeSeconds: number;
  maxStops: number;
  startedAt: string;
  finishedAt: string;
  /** False when the run stopped early; the next run picks up the rest. */
  complete: boolean;
  stoppedEarly?: 'time-budget' | 'max-stops';
  counts: SweepCounts;
  decisions: SweepDecision[];
  /** Decisions not listed because the report is capped; the counts include them. */
  decisionsOmitted: number;
  reconciliation: ReconciliationResult[];
  unexplainedQueues: UnexplainedQueue[];
}

/** The registry calls a sweep makes; tests may pass a fake. */
export type SweepRegistry = Pick<CallbackRegistry, 'record' | 'requeue' | 'queuedBefore'>;

export interface SweepDeps {
  connect: ConnectClient;
  registry: SweepRegistry;
  /** Epoch ms used for ages and registry times; the local Connect's clock in tests. */
  now?: () => number;
  /** Required when the duplicates policy is on. */
  hashPhoneNumber?: PhoneHasher;
  /** Real elapsed time in ms, to age a verification; `performance.now` unless a test drives it. */
  monotonicNowMs?: () => number;
}

/** How old a DescribeContact answer may be when its StopContact is sent, unless configured. */
export const defaultMaxVerifyAgeMs = 2_000;

export interface SweepOptions {
  concurrency: number;
  pageSize: number;
  /** Real time left before no new candidate may start; the rest waits for the next run. */
  timeLeftMs: () => number;
  /** Aborts calls still in flight when the invocation must answer. */
  abortSignal?: AbortSignal;
  maxDecisionsInReport: number;
  reconcileQueueIds?: string[];
  reconcileToleranceMs?: number;
  /**
   * A StopContact is sent only on a DescribeContact answer at most this old; an older one is
   * asked again first, so an agent who picks the callback up meanwhile is never hung up on.
   * @default 2000
   */
  maxVerifyAgeMs?: number;
}

/** What DescribeContact says about a registry entry, judged against the run's cutoff. */
export type Assessment =
  | { verdict: 'stuck'; queueId?: string; enqueuedAtMs: number }
  | { verdict: 'recent'; queueId?: string; enqueuedAtMs: number }
  | { verdict: 'disconnected'; atMs: number }
  | { verdict: 'not-callback' }
  | { verdict: 'dequeued'; reason: 'connected-to-agent' | 'not-queued'; atMs?: number }
  | { verdict: 'out-of-scope'; reason: 'queue-denied' | 'queue-not-allowed'; queueId?: string };

/**
 * The eligibility policy, on Connect's own data: a callback is stuck only while it is a queued
 * callback (CALLBACK, or a customer first callback's queued leg),
 * enqueued, not connected to an agent, not disconnected, and was enqueued before the cutoff.
 */
export function assessCallback(
  contact: Contact,
  policy: { cutoffMs: number; queueAllowList: readonly string[]; queueDenyList: readonly string[] },
): Assessment {
  if (contact.DisconnectTimestamp) {
    return { verdict: 'disconnected', atMs: contact.DisconnectTimestamp.getTime() };
  }
  if (!isQueuedCallbackMethod(contact.InitiationMethod)) return { verdict: 'not-callback' };
  const connectedAt = contact.AgentInfo?.ConnectedToAgentTimestamp;
  if (connectedAt) {
    return { verdict: 'dequeued', reason: 'connected-to-agent', atMs: connectedAt.getTime() };
  }
  const enqueuedAt = contact.QueueInfo?.EnqueueTimestamp;
  if (!enqueuedAt) return { verdict: 'dequeued', reason: 'not-queued' };
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

function queueScope(
  queueId: string | undefined,
  lists: { queueAllowList: readonly string[]; queueDenyList: readonly string[] },
): 'queue-denied' | 'queue-not-allowed' | undefined {
  if (queueId && lists.queueDenyList.includes(queueId)) return 'queue-denied';
  if (lists.queueAllowList.length > 0 && !(queueId && lists.queueAllowList.includes(queueId))) {
    return 'queue-not-allowed';
  }
  return undefined;
}

/**
 * Finds callbacks queued too long (and, with the duplicates policy, later callbacks for a number
 * already queued in the same queue), verifies each with DescribeContact and, in mode `end`, tags
 * and stops it. An entry leaves the registry only once Connect has said where the callback is;
 * throttles, failures and time-outs leave it for the next run. Never throws for a Connect error.
 */
export async function sweepStuckCallbacks(
  deps: SweepDeps,
  settings: SweepSettings,
  options: SweepOptions,
): Promise<SweepReport> {
  if (settings.duplicatesPolicy === 'keep-oldest' && !deps.hashPhoneNumber) {
    throw new Error('the duplicates policy keep-oldest needs a phone number hasher');
  }
  if (!options.abortSignal) return new SweepRun(deps, settings, options).execute();
  // Every in-flight call and every call waiting for its rate listens to the run's signal: per
  // candidate a StopContact and its re-check's DescribeContact, each waiting and then in flight.
  const signal = AbortSignal.any([options.abortSignal]);
  setMaxListeners(Math.max(10, options.concurrency * 4), signal);
  const run = new SweepRun(deps, settings, { ...options, abortSignal: signal });
  return withRunSignal(signal, () => run.execute());
}

/** Per-queue oldest enqueue time of the callbacks a run saw queued. */
type OldestByQueue = Map<string, number>;

type Subject = Omit<SweepDecision, 'decision' | 'reason'>;

type Keepers = Map<string, { contactId: string; enqueuedAtMs: number }>;

/** A callback verified as one to end, waiting for its stop. */
interface StopCandidate {
  subject: Subject;
  reason: EndReason;
  cutoffMs: number;
  /** When (monotonic ms) DescribeContact last answered that it qualifies. */
  verifiedAtMs: number;
}

type Described = { contact: Contact } | { outcome: FailureOutcome };

/** Thrown inside StopContact's send check to cancel the call: the callback no longer qualifies. */
class StopCancelledError extends Error {
  constructor() {
    super('the callback no longer qualifies to be stopped');
    this.name = 'StopCancelledError';
  }
}

/** A candidate's place in the decision order: wait for `turn`, call `decided` when done. */
interface Turn {
  turn: Promise<void>;
  decided: () => void;
}

class SweepRun {
  readonly #deps: SweepDeps;
  readonly #settings: SweepSettings;
  readonly #options: SweepOptions;
  readonly #now: () => number;
  readonly #monotonicNow: () => number;
  readonly #maxVerifyAgeMs: number;
  readonly #counts: SweepCounts = {
    candidates: 0,
    verified: 0,
    ended: 0,
    wouldEnd: 0,
    alreadyGone: 0,
    skipped: {},
    failed: 0,
    throttled: 0,
    registryErrors: 0,
  };
  readonly #decisions: SweepDecision[] = [];
  #decisionsOmitted = 0;
  #stopsStarted = 0;
  #stoppedEarly: SweepReport['stoppedEarly'];
  /** The time budget ran out: no more index pages are read, so the index was not read whole. */
  #timeUp = false;

  constructor(deps: SweepDeps, settings: SweepSettings, options: SweepOptions) {
    this.#deps = deps;
    this.#settings = settings;
    this.#options = options;
    this.#now = deps.now ?? Date.now;
    this.#monotonicNow = deps.monotonicNowMs ?? (() => performance.now());
    this.#maxVerifyAgeMs = options.maxVerifyAgeMs ?? defaultMaxVerifyAgeMs;
  }

  async execute(): Promise<SweepReport> {
    const startedAt = new Date().toISOString();
    const reconciliation: ReconciliationResult[] = [];
    for (const instanceId of this.#settings.instanceIds) {
      if (this.#timeUp) break;
      const oldestByQueue: OldestByQueue = new Map();
      await this.#sweepInstance(instanceId, oldestByQueue);
      if (!this.#settings.reconcile) continue;
      // The oldest tracked callback per queue is only known once the whole index was read; past
      // the stop cap the rest is still read (no Connect call), so only the time budget prevents it.
      reconciliation.push(
        this.#timeUp
          ? {
              instanceId,
              queuesChecked: 0,
              unexplained: [],
              skipped: 'the sweep stopped early (time-budget)',
            }
          : await this.#reconcile(instanceId, oldestByQueue),
      );
    }
    return {
      mode: this.#settings.mode,
      instanceIds: [...this.#settings.instanceIds],
      maxQueuedAgeSeconds: Math.round(this.#settings.maxQueuedAgeMs / 1000),
      maxStops: this.#settings.maxStops,
      startedAt,
      finishedAt: new Date().toISOString(),
      complete: this.#stoppedEarly === undefined,
      ...(this.#stoppedEarly ? { stoppedEarly: this.#stoppedEarly } : {}),
      counts: this.#counts,
      decisions: this.#decisions,
      decisionsOmitted: this.#decisionsOmitted,
      reconciliation,
      unexplainedQueues: reconciliation.flatMap((r) => r.unexplained),
    };
  }

  async #sweepInstance(instanceId: string, oldestByQueue: OldestByQueue): Promise<void> {
    const now = this.#now();
    const cutoffMs = now - this.#settings.maxQueuedAgeMs;
    const duplicates = this.#settings.duplicatesPolicy === 'keep-oldest';
    // Duplicates can be young, so that policy reads every queued callback, oldest first.
    const readBeforeMs = duplicates ? Number.MAX_SAFE_INTEGER : cutoffMs;
    const keepers: Keepers = new Map();
    const limit = pLimit(this.#options.concurrency);
    const inFlight = new Set<Promise<void>>();
    // Candidates are verified concurrently but decided in registry order (oldest first), so the
    // cap and the duplicates policy see them as if one at a time: each waits for the one before.
    let previousDecided: Promise<void> = Promise.resolve();
    const pages = this.#deps.registry.queuedBefore(instanceId, readBeforeMs, {
      pageSize: this.#options.pageSize,
    });
    try {
      for await (const page of pages) {
        for (const callback of page) {
          if (this.#timeUp) break;
          const turn = previousDecided;
          let decided!: () => void;
          previousDecided = new Promise<void>((resolve) => {
            decided = resolve;
          });
          const task = limit(() =>
            this.#handle(
              callback,
              { cutoffMs, keepers: duplicates ? keepers : undefined, turn, decided },
              oldestByQueue,
            ),
          );
          inFlight.add(task);
          const settled = () => inFlight.delete(task);
          task.then(settled, settled);
        }
        // Read the next page only once this one is under way: memory holds about one page.
        while (limit.pendingCount > 0) await Promise.race(inFlight);
        if (!this.#timeUp && this.#options.timeLeftMs() <= 0) this.#outOfTime();
        if (this.#timeUp) break;
      }
    } finally {
      // A registry read error is thrown (the run cannot go on), after what started has settled.
      await Promise.allSettled(inFlight);
    }
  }

  async #handle(
    callback: QueuedCallback,
    context: Turn & { cutoffMs: number; keepers: Keepers | undefined },
    oldestByQueue: OldestByQueue,
  ): Promise<void> {
    let passed = false;
    // Hands the turn on once this candidate is decided, and never before the one ahead of it.
    const passTurn = () => {
      if (passed) return;
      passed = true;
      void context.turn.then(context.decided);
    };
    try {
      const act = await this.#verifyAndDecide(callback, context, oldestByQueue);
      passTurn();
      await act?.();
    } finally {
      passTurn();
    }
  }

  /** Verifies a candidate, waits for its turn, decides; returns what is left to do, if anything. */
  async #verifyAndDecide(
    callback: QueuedCallback,
    context: Turn & { cutoffMs: number; keepers: Keepers | undefined },
    oldestByQueue: OldestByQueue,
  ): Promise<(() => Promise<void>) | undefined> {
    this.#counts.candidates++;
    const subject = {
      contactId: callback.contactId,
      instanceId: callback.instanceId,
      ...(callback.queueId ? { queueId: callback.queueId } : {}),
    };
    const preScope = queueScope(callback.queueId, this.#settings);
    if (preScope) {
      this.#noteQueued(oldestByQueue, callback.queueId, callback.queuedAtMs);
      this.#skip(subject, preScope);
      return undefined;
    }
    if (this.#stoppedEarly === 'max-stops' && this.#settings.mode === 'end') {
      // Still read, with no Connect call, so reconciliation knows every queue's oldest entry.
      this.#noteQueued(oldestByQueue, callback.queueId, callback.queuedAtMs);
      this.#skip(subject, 'max-stops');
      return undefined;
    }
    if (this.#timeUp || this.#options.timeLeftMs() <= 0) {
      this.#outOfTime();
      this.#noteQueued(oldestByQueue, callback.queueId, callback.queuedAtMs);
      this.#skip(subject, 'time-budget');
      return undefined;
    }

    const described = await this.#describe(subject);
    if ('outcome' in described) {
      const { outcome } = described;
      // Not found may mean a wrong instance or Region as well: keep the entry (its TTL or a
      // DISCONNECTED event removes it) rather than let one misconfiguration drop every callback.
      if (isNotFound(outcome)) {
        this.#skip(subject, 'not-found');
        return undefined;
      }
      this.#noteQueued(oldestByQueue, callback.queueId, callback.queuedAtMs);
      this.#fail(subject, outcome, 'DescribeContact');
      return undefined;
    }
    const verifiedAtMs = this.#monotonicNow();
    const { contact } = described;

    this.#counts.verified++;
    const assessment = assessCallback(contact, { ...this.#settings, cutoffMs: context.cutoffMs });
    const queueId = 'queueId' in assessment ? assessment.queueId : callback.queueId;
    const verified = { ...subject, ...(queueId ? { queueId } : {}) };
    await context.turn;
    switch (assessment.verdict) {
      case 'disconnected':
      case 'not-callback':
      case 'dequeued':
        return this.#leftQueue(verified, assessment);
      case 'out-of-scope':
        this.#noteQueued(oldestByQueue, queueId, callback.queuedAtMs);
        this.#skip(verified, assessment.reason);
        return undefined;
      case 'recent': {
        this.#noteQueued(oldestByQueue, queueId, assessment.enqueuedAtMs);
        if (this.#isDuplicate(contact, assessment, context.keepers)) {
          return this.#reserveStop(verified, 'duplicate', context.cutoffMs, verifiedAtMs);
        }
        this.#skip(verified, 'queued-recently');
        if (this.#settings.mode === 'end' && assessment.enqueuedAtMs > callback.queuedAtMs) {
          return () => this.#requeue(callback, assessment.enqueuedAtMs);
        }
        return undefined;
      }
      case 'stuck':
        this.#noteQueued(oldestByQueue, queueId, assessment.enqueuedAtMs);
        return this.#reserveStop(verified, 'queued-too-long', context.cutoffMs, verifiedAtMs);
    }
  }

  #outOfTime(): void {
    this.#timeUp = true;
    this.#stoppedEarly ??= 'time-budget';
  }

  /** DescribeContact, as the contact or as the failure; never throws. */
  async #describe(subject: Subject): Promise<Described> {
    try {
      const answer = await this.#deps.connect.send(
        new DescribeContactCommand({
          InstanceId: subject.instanceId,
          ContactId: subject.contactId,
        }),
        { abortSignal: this.#options.abortSignal },
      );
      if (answer.Contact) return { contact: answer.Contact };
      return {
        outcome: {
          kind: 'invalid-contact-id',
          code: 'ResourceNotFoundException',
          message: 'DescribeContact returned no contact',
        },
      };
    } catch (error) {
      return { outcome: outcomeFromError(error, 'contact') };
    }
  }

  /** Decides a callback Connect says has left the queue; returns the registry write. */
  #leftQueue(
    subject: Subject,
    assessment: Extract<Assessment, { verdict: 'disconnected' | 'not-callback' | 'dequeued' }>,
  ): () => Promise<void> {
    const entry = this.#registrySubject(subject);
    switch (assessment.verdict) {
      case 'disconnected':
        this.#decide(subject, 'already-gone', 'disconnected');
        return () =>
          this.#write(
            { kind: 'ended', ...entry, eventAtMs: assessment.atMs },
            { endedBy: 'callback-sweeper', reason: 'disconnected' },
          );
      case 'not-callback':
        this.#skip(subject, 'not-callback');
        return () =>
          this.#write(
            { kind: 'ended', ...entry, eventAtMs: this.#now() },
            { endedBy: 'callback-sweeper', reason: 'not-callback' },
          );
      case 'dequeued':
        this.#skip(subject, assessment.reason);
        return () =>
          this.#write({ kind: 'connected', ...entry, eventAtMs: assessment.atMs ?? this.#now() });
    }
  }

  /**
   * When the candidate's DescribeContact answer is older than the allowed age, asks again.
   * Returns undefined while it still qualifies; otherwise decides it and returns what to do
   * instead of stopping (a registry write, or nothing when Connect could not answer).
   */
  async #recheck(candidate: StopCandidate): Promise<(() => Promise<void>) | undefined> {
    if (this.#monotonicNow() - candidate.verifiedAtMs <= this.#maxVerifyAgeMs) return undefined;
    const nothing = async () => undefined;
    const { subject } = candidate;
    const described = await this.#describe(subject);
    if ('outcome' in described) {
      if (isNotFound(described.outcome)) this.#skip(subject, 'not-found');
      else this.#fail(subject, described.outcome, 'DescribeContact');
      return nothing;
    }
    candidate.verifiedAtMs = this.#monotonicNow();
    const assessment = assessCallback(described.contact, {
      ...this.#settings,
      cutoffMs: candidate.cutoffMs,
    });
    switch (assessment.verdict) {
      case 'stuck':
        return undefined;
      case 'recent':
        // A duplicate is young by nature; a callback re-queued meanwhile waits for the next run.
        if (candidate.reason === 'duplicate') return undefined;
        this.#skip(subject, 'queued-recently');
        return nothing;
      case 'out-of-scope':
        this.#skip(subject, assessment.reason);
        return nothing;
      default:
        return this.#leftQueue(subject, assessment);
    }
  }

  /**
   * Keeps the oldest callback per queue and number: decided in registry order, the first one
   * seen per key is the keeper (registry order is enqueue order), and any later one a duplicate.
   */
  #isDuplicate(
    contact: Contact,
    assessment: { queueId?: string; enqueuedAtMs: number },
    keepers: Keepers | undefined,
  ): boolean {
    const hash = this.#deps.hashPhoneNumber;
    const address = contact.CustomerEndpoint?.Address;
    if (!keepers || !hash || !address || !assessment.queueId || !contact.Id) return false;
    const key = `${assessment.queueId}#${hash(address)}`;
    const keeper = keepers.get(key);
    if (!keeper || assessment.enqueuedAtMs < keeper.enqueuedAtMs) {
      // A registry time can lag Connect's: Connect's enqueue time decides who is older.
      keepers.set(key, { contactId: contact.Id, enqueuedAtMs: assessment.enqueuedAtMs });
      return false;
    }
    return keeper.contactId !== contact.Id;
  }

  /**
   * Takes one of the run's stops, in order. Report mode only notes what it would end, with no
   * cap: it stops nothing, and the cap would hide what the next runs have to do.
   */
  #reserveStop(
    subject: Subject,
    reason: EndReason,
    cutoffMs: number,
    verifiedAtMs: number,
  ): (() => Promise<void>) | undefined {
    if (this.#settings.mode === 'report') {
      this.#decide(subject, 'would-end', reason);
      return undefined;
    }
    if (this.#stopsStarted >= this.#settings.maxStops) {
      this.#stoppedEarly ??= 'max-stops';
      this.#skip(subject, 'max-stops');
      return undefined;
    }
    this.#stopsStarted++;
    return () => this.#end({ subject, reason, cutoffMs, verifiedAtMs });
  }

  /** Tags (when configured) and stops one callback, then records the result. */
  async #end(candidate: StopCandidate): Promise<void> {
    const { subject, reason } = candidate;
    const call = { abortSignal: this.#options.abortSignal };
    if (this.#settings.tagBeforeStop) {
      try {
        await this.#deps.connect.send(
          new TagContactCommand({
            InstanceId: subject.instanceId,
            ContactId: subject.contactId,
            Tags: { EndedBy: 'callback-sweeper', EndReason: reason },
          }),
          call,
        );
      } catch (error) {
        // Even "not found" from TagContact proves nothing was stopped: keep it for the next run.
        return this.#fail(subject, outcomeFromError(error, 'contact'), 'TagContact');
      }
    }
    // Covers the time spent tagging, and clients without the rate limiter's send check.
    const instead = await this.#recheck(candidate);
    if (instead) return instead();
    let cancelled: (() => Promise<void>) | undefined;
    const outcome = await withSendCheck(
      'StopContact',
      // The limiter waits inside the client, so the last check runs there, after each attempt's wait.
      async () => {
        cancelled = await this.#recheck(candidate);
        if (cancelled) throw new StopCancelledError();
      },
      () =>
        stopContact(
          this.#deps.connect,
          { instanceId: subject.instanceId, contactId: subject.contactId },
          call,
        ),
    );
    if (cancelled) return cancelled();
    return this.#afterStop(subject, outcome, reason);
  }

  async #afterStop(subject: Subject, outcome: Outcome, reason: EndReason): Promise<void> {
    switch (outcome.kind) {
      case 'stopped':
        this.#decide(subject, 'ended', reason);
        return this.#write(
          { kind: 'ended', ...this.#registrySubject(subject), eventAtMs: this.#now() },
          { endedBy: 'callback-sweeper', reason },
        );
      case 'contact-not-active':
      case 'invalid-contact-id':
        this.#decide(subject, 'already-gone', 'not-active');
        return this.#write(
          { kind: 'ended', ...this.#registrySubject(subject), eventAtMs: this.#now() },
          { endedBy: 'callback-sweeper', reason: 'not-active' },
        );
      default:
        return this.#fail(subject, outcome, 'StopContact');
    }
  }

  #registrySubject(subject: Subject) {
    return { contactId: subject.contactId, instanceId: subject.instanceId };
  }

  #fail(subject: Subject, outcome: FailureOutcome, operation: string): void {
    if (outcome.kind === 'throttled') {
      this.#decide(subject, 'throttled', `${operation}: ${outcome.code}`);
    } else {
      this.#decide(subject, 'failed', `${operation}: ${outcome.code}`);
    }
  }

  #skip(subject: Subject, reason: SkipReason): void {
    this.#decide(subject, 'skipped', reason);
  }

  #decide(subject: Subject, decision: DecisionKind, reason: string): void {
    const counts = this.#counts;
    switch (decision) {
      case 'ended':
        counts.ended++;
        break;
      case 'would-end':
        counts.wouldEnd++;
        break;
      case 'already-gone':
        counts.alreadyGone++;
        break;
      case 'skipped': {
        const key = reason as SkipReason;
        counts.skipped[key] = (counts.skipped[key] ?? 0) + 1;
        break;
      }
      case 'failed':
        counts.failed++;
        break;
      case 'throttled':
        counts.throttled++;
        break;
    }
    if (this.#decisions.length < this.#options.maxDecisionsInReport) {
      this.#decisions.push({ ...subject, decision, reason });
    } else {
      this.#decisionsOmitted++;
    }
  }

  #noteQueued(
    oldestByQueue: OldestByQueue,
    queueId: string | undefined,
    enqueuedAtMs: number,
  ): void {
    if (!queueId) return;
    const known = oldestByQueue.get(queueId);
    if (known === undefined || enqueuedAtMs < known) oldestByQueue.set(queueId, enqueuedAtMs);
  }

  /** Report mode writes nothing; in mode `end` a failed write is counted, never thrown. */
  async #write(event: CallbackEvent, ended?: EndedBy): Promise<void> {
    if (this.#settings.mode !== 'end') return;
    try {
      await this.#deps.registry.record(event, ended);
    } catch {
      this.#counts.registryErrors++;
    }
  }

  async #requeue(callback: QueuedCallback, enqueuedAtMs: number): Promise<void> {
    try {
      await this.#deps.registry.requeue(callback, enqueuedAtMs);
    } catch {
      this.#counts.registryErrors++;
    }
  }

  async #reconcile(
    instanceId: string,
    oldestByQueue: OldestByQueue,
  ): Promise<ReconciliationResult> {
    const queueIds = new Set([
      ...(this.#options.reconcileQueueIds ?? []),
      ...this.#settings.queueAllowList,
      ...oldestByQueue.keys(),
    ]);
    return reconcileQueues(this.#deps.connect, {
      instanceId,
      queueIds: [...queueIds],
      maxQueuedAgeMs: this.#settings.maxQueuedAgeMs,
      toleranceMs: this.#options.reconcileToleranceMs ?? 120_000,
      nowMs: this.#now(),
      oldestTrackedByQueue: oldestByQueue,
      abortSignal: this.#options.abortSignal,
    });
  }
}

/** DescribeContact's "not found": the contact, or the instance, the Region or the endpoint. */
function isNotFound(outcome: FailureOutcome): boolean {
  return outcome.kind === 'invalid-contact-id' || outcome.kind === 'contact-not-active';
}
