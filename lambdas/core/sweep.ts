import { setMaxListeners } from 'node:events';
import {
  type ConnectClient,
  type Contact,
  DescribeContactCommand,
  TagContactCommand,
} from '@aws-sdk/client-connect';
import pLimit from 'p-limit';
import type { CallbackEvent } from './callback-events.js';
import type { CallbackRegistry, EndedBy, QueuedCallback } from './callback-registry.js';
import { outcomeFromError } from './connect-errors.js';
import type { FailureOutcome, Outcome } from './outcome.js';
import type { PhoneHasher } from './phone-hash.js';
import { withRunSignal } from './rate-limit.js';
import { type ReconciliationResult, reconcileQueues, type UnexplainedQueue } from './reconcile.js';
import { stopContact } from './stop-contact.js';
import type { SweepSettings } from './sweeper-config.js';

/** Why a candidate was left alone; it stays in the registry unless Connect says it left the queue. */
export type SkipReason =
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
  /** Not found, disconnected, or no longer active when stopped: done. */
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
}

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
 * The eligibility policy, on Connect's own data: a callback is stuck only while it is a CALLBACK,
 * enqueued, not connected to an agent, not disconnected, and was enqueued before the cutoff.
 */
export function assessCallback(
  contact: Contact,
  policy: { cutoffMs: number; queueAllowList: readonly string[]; queueDenyList: readonly string[] },
): Assessment {
  if (contact.DisconnectTimestamp) {
    return { verdict: 'disconnected', atMs: contact.DisconnectTimestamp.getTime() };
  }
  if (contact.InitiationMethod !== 'CALLBACK') return { verdict: 'not-callback' };
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
  // Every in-flight call and every call waiting for its rate listens to the run's signal.
  const signal = AbortSignal.any([options.abortSignal]);
  setMaxListeners(0, signal);
  const run = new SweepRun(deps, settings, { ...options, abortSignal: signal });
  return withRunSignal(signal, () => run.execute());
}

/** Per-queue oldest enqueue time of the callbacks a run saw queued. */
type OldestByQueue = Map<string, number>;

type Subject = Omit<SweepDecision, 'decision' | 'reason'>;

type Keepers = Map<string, { contactId: string; enqueuedAtMs: number }>;

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

  constructor(deps: SweepDeps, settings: SweepSettings, options: SweepOptions) {
    this.#deps = deps;
    this.#settings = settings;
    this.#options = options;
    this.#now = deps.now ?? Date.now;
  }

  async execute(): Promise<SweepReport> {
    const startedAt = new Date().toISOString();
    const reconciliation: ReconciliationResult[] = [];
    for (const instanceId of this.#settings.instanceIds) {
      if (this.#stoppedEarly) break;
      const oldestByQueue: OldestByQueue = new Map();
      await this.#sweepInstance(instanceId, oldestByQueue);
      if (!this.#settings.reconcile) continue;
      // The oldest tracked callback per queue is only known once the whole index was read.
      reconciliation.push(
        this.#stoppedEarly
          ? {
              instanceId,
              queuesChecked: 0,
              unexplained: [],
              skipped: `the sweep stopped early (${this.#stoppedEarly})`,
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
          if (this.#stoppedEarly) break;
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
        if (!this.#stoppedEarly && this.#options.timeLeftMs() <= 0)
          this.#stoppedEarly = 'time-budget';
        if (this.#stoppedEarly) break;
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
    if (this.#stoppedEarly === 'max-stops') {
      this.#skip(subject, 'max-stops');
      return undefined;
    }
    if (this.#stoppedEarly === 'time-budget' || this.#options.timeLeftMs() <= 0) {
      this.#stoppedEarly ??= 'time-budget';
      this.#noteQueued(oldestByQueue, callback.queueId, callback.queuedAtMs);
      this.#skip(subject, 'time-budget');
      return undefined;
    }

    let contact: Contact;
    try {
      const answer = await this.#deps.connect.send(
        new DescribeContactCommand({
          InstanceId: callback.instanceId,
          ContactId: callback.contactId,
        }),
        { abortSignal: this.#options.abortSignal },
      );
      if (!answer.Contact)
        throw Object.assign(new Error('DescribeContact returned no contact'), {
          name: 'ResourceNotFoundException',
        });
      contact = answer.Contact;
    } catch (error) {
      const outcome = outcomeFromError(error, 'contact');
      if (outcome.kind === 'invalid-contact-id' || outcome.kind === 'contact-not-active') {
        this.#decide(subject, 'already-gone', 'not-found');
        return () =>
          this.#write(
            { kind: 'ended', ...subject, eventAtMs: this.#now() },
            { endedBy: 'callback-sweeper', reason: 'not-found' },
          );
      }
      this.#noteQueued(oldestByQueue, callback.queueId, callback.queuedAtMs);
      this.#fail(subject, outcome, 'DescribeContact');
      return undefined;
    }

    this.#counts.verified++;
    const assessment = assessCallback(contact, { ...this.#settings, cutoffMs: context.cutoffMs });
    const queueId = 'queueId' in assessment ? assessment.queueId : callback.queueId;
    const verified = { ...subject, ...(queueId ? { queueId } : {}) };
    await context.turn;
    switch (assessment.verdict) {
      case 'disconnected':
        this.#decide(verified, 'already-gone', 'disconnected');
        return () =>
          this.#write(
            { kind: 'ended', ...subject, eventAtMs: assessment.atMs },
            { endedBy: 'callback-sweeper', reason: 'disconnected' },
          );
      case 'not-callback':
        this.#skip(verified, 'not-callback');
        return () =>
          this.#write(
            { kind: 'ended', ...subject, eventAtMs: this.#now() },
            { endedBy: 'callback-sweeper', reason: 'not-callback' },
          );
      case 'dequeued':
        this.#skip(verified, assessment.reason);
        return () =>
          this.#write({ kind: 'connected', ...subject, eventAtMs: assessment.atMs ?? this.#now() });
      case 'out-of-scope':
        this.#noteQueued(oldestByQueue, queueId, callback.queuedAtMs);
        this.#skip(verified, assessment.reason);
        return undefined;
      case 'recent': {
        this.#noteQueued(oldestByQueue, queueId, assessment.enqueuedAtMs);
        if (this.#isDuplicate(contact, assessment, context.keepers)) {
          return this.#reserveStop(verified, 'duplicate');
        }
        this.#skip(verified, 'queued-recently');
        if (this.#settings.mode === 'end' && assessment.enqueuedAtMs > callback.queuedAtMs) {
          return () => this.#requeue(callback, assessment.enqueuedAtMs);
        }
        return undefined;
      }
      case 'stuck':
        this.#noteQueued(oldestByQueue, queueId, assessment.enqueuedAtMs);
        return this.#reserveStop(verified, 'queued-too-long');
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

  /** Takes one of the run's stops, in order; report mode only notes what it would end. */
  #reserveStop(subject: Subject, reason: EndReason): (() => Promise<void>) | undefined {
    if (this.#stopsStarted >= this.#settings.maxStops) {
      this.#stoppedEarly ??= 'max-stops';
      this.#skip(subject, 'max-stops');
      return undefined;
    }
    this.#stopsStarted++;
    if (this.#settings.mode === 'report') {
      this.#decide(subject, 'would-end', reason);
      return undefined;
    }
    return () => this.#end(subject, reason);
  }

  /** Tags (when configured) and stops one callback, then records the result. */
  async #end(subject: Subject, reason: EndReason): Promise<void> {
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
        return this.#afterStop(subject, outcomeFromError(error, 'contact'), reason, 'TagContact');
      }
    }
    const outcome = await stopContact(
      this.#deps.connect,
      { instanceId: subject.instanceId, contactId: subject.contactId },
      call,
    );
    return this.#afterStop(subject, outcome, reason, 'StopContact');
  }

  async #afterStop(
    subject: Subject,
    outcome: Outcome,
    reason: EndReason,
    operation: string,
  ): Promise<void> {
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
        return this.#fail(subject, outcome, operation);
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
