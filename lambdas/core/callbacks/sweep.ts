import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { type Contact, DescribeContactCommand } from '@aws-sdk/client-connect';
import pLimit from 'p-limit';
import { outcomeFromError } from '../connect/errors.js';
import type { FailureOutcome } from '../connect/outcome.js';
import { withRunSignal } from '../connect/rate-limit.js';
import { type DiscoveryResult, discoverUntrackedCallbacks } from './discovery.js';
import {
  applyLeftQueue,
  type EndContext,
  endCallback,
  isNotFound,
  type SweepRegistry,
} from './end-callback.js';
import { PositionCheck, type SweepConnect } from './last-look.js';
import { assessCallback, DuplicateKeepers, type EndReason, queueScope } from './policy.js';
import { type ReconciliationResult, reconcileQueues } from './reconcile.js';
import type { QueuedCallback } from './registry.js';
import { ReportBuilder, type Subject, type SweepReport } from './report.js';
import type { SweepSettings } from './sweeper-config.js';

export type { SweepRegistry } from './end-callback.js';
export type { SweepConnect } from './last-look.js';

/*
 * How candidates take turns. The registry's index is read a page at a time, oldest first. Each
 * candidate is verified with DescribeContact concurrently (up to `concurrency`), but decided in
 * registry order: it waits for the one before it to be decided, so the stop cap and the
 * duplicates policy see candidates as if one at a time. Once decided it hands on its turn and
 * acts (intent, last look, stop, record, tag) while later ones are decided.
 *
 * What the rate limiter guarantees. Every Connect call waits for its API's slot in a client-side
 * sliding window (ConnectRateLimiter), so no second carries more than the configured rate; reads
 * and tags wait per SDK attempt, retries included. A StopContact takes its slot *before* its last
 * look, so no limiter wait sits between that look and the stop; it is sent once, never retried.
 */

export interface SweepDeps extends SweepConnect {
  registry: SweepRegistry;
  /** Epoch ms used for ages and registry times; the local Connect's clock in tests. */
  now?: () => number;
  /** Required when the duplicates policy is on. */
  hashPhoneNumber?: (phoneNumber: string) => string;
  /** Names the run in its audit records; random unless a test fixes it. */
  runId?: string;
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
  /** SearchContacts pages per instance for the discovery backstop. @default 1 */
  discoveryPages?: number;
}

/**
 * Finds callbacks queued too long (and, with the duplicates policy, later callbacks for a number
 * already queued in the same queue), verifies each and, in mode `end`, ends it through the last
 * look (see lastLookThenStop). Throttles, failures and time-outs leave an entry for the next run.
 * Never throws for a Connect error.
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
  // Every call in flight and every call waiting for its rate listens to the run's signal.
  const signal = AbortSignal.any([options.abortSignal]);
  setMaxListeners(Math.max(10, options.concurrency * 6), signal);
  const run = new SweepRun(deps, settings, { ...options, abortSignal: signal });
  return withRunSignal(signal, () => run.execute());
}

/** Per-queue oldest enqueue time of the callbacks a run saw queued. */
type OldestByQueue = Map<string, number>;

interface InstanceRun {
  cutoffMs: number;
  keepers: DuplicateKeepers | undefined;
  oldestByQueue: OldestByQueue;
}

class SweepRun {
  readonly #deps: SweepDeps;
  readonly #settings: SweepSettings;
  readonly #options: SweepOptions;
  readonly #report: ReportBuilder;
  readonly #ctx: EndContext;
  #stopsStarted = 0;
  #stoppedEarly: SweepReport['stoppedEarly'];
  /** The time budget ran out: no more index pages are read, so the index was not read whole. */
  #timeUp = false;

  constructor(deps: SweepDeps, settings: SweepSettings, options: SweepOptions) {
    this.#deps = deps;
    this.#settings = settings;
    this.#options = options;
    this.#report = new ReportBuilder(options.maxDecisionsInReport);
    this.#ctx = {
      clients: deps,
      registry: deps.registry,
      report: this.#report,
      position: new PositionCheck(),
      runId: deps.runId ?? randomUUID(),
      now: deps.now ?? Date.now,
      writes: settings.mode === 'end',
      tagEndedContacts: settings.tagEndedContacts,
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    };
  }

  async execute(): Promise<SweepReport> {
    const startedAt = new Date().toISOString();
    const reconciliation: ReconciliationResult[] = [];
    const discovery: DiscoveryResult[] = [];
    for (const instanceId of this.#settings.instanceIds) {
      if (this.#timeUp) break;
      if (this.#settings.discoverCallbacks) discovery.push(await this.#discover(instanceId));
      const oldestByQueue: OldestByQueue = new Map();
      await this.#sweepInstance(instanceId, oldestByQueue);
      if (!this.#settings.reconcile) continue;
      // The oldest tracked callback per queue is only known once the whole index was read.
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
    const { position } = this.#ctx;
    return {
      runId: this.#ctx.runId,
      mode: this.#settings.mode,
      instanceIds: [...this.#settings.instanceIds],
      maxQueuedAgeSeconds: Math.round(this.#settings.maxQueuedAgeMs / 1000),
      maxStops: this.#settings.maxStops,
      startedAt,
      finishedAt: new Date().toISOString(),
      complete: this.#stoppedEarly === undefined,
      ...(this.#stoppedEarly ? { stoppedEarly: this.#stoppedEarly } : {}),
      lastLook: position.available ? 'position-and-describe' : 'describe-only',
      ...(position.fallback ? { lastLookFallback: position.fallback } : {}),
      counts: this.#report.counts,
      decisions: this.#report.decisions,
      decisionsOmitted: this.#report.decisionsOmitted,
      discovery,
      reconciliation,
      unexplainedQueues: reconciliation.flatMap((r) => r.unexplained),
    };
  }

  async #sweepInstance(instanceId: string, oldestByQueue: OldestByQueue): Promise<void> {
    const cutoffMs = this.#ctx.now() - this.#settings.maxQueuedAgeMs;
    const hash = this.#deps.hashPhoneNumber;
    const duplicates = this.#settings.duplicatesPolicy === 'keep-oldest' && hash;
    const run: InstanceRun = {
      cutoffMs,
      keepers: duplicates ? new DuplicateKeepers(hash) : undefined,
      oldestByQueue,
    };
    // Duplicates can be young, so that policy reads every queued callback, oldest first.
    const readBeforeMs = duplicates ? Number.MAX_SAFE_INTEGER : cutoffMs;
    const limit = pLimit(this.#options.concurrency);
    const inFlight = new Set<Promise<void>>();
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
          const task = limit(() => this.#handle(callback, run, turn, decided));
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

  /** Verifies, waits for its turn, decides, hands the turn on, then acts. */
  async #handle(
    callback: QueuedCallback,
    run: InstanceRun,
    turn: Promise<void>,
    decided: () => void,
  ): Promise<void> {
    let passed = false;
    const passTurn = () => {
      if (passed) return;
      passed = true;
      void turn.then(decided);
    };
    try {
      const act = await this.#verifyAndDecide(callback, run, turn);
      passTurn();
      await act?.();
    } finally {
      passTurn();
    }
  }

  async #verifyAndDecide(
    callback: QueuedCallback,
    run: InstanceRun,
    turn: Promise<void>,
  ): Promise<(() => Promise<void>) | undefined> {
    const report = this.#report;
    report.counts.candidates++;
    const subject: Subject = {
      contactId: callback.contactId,
      instanceId: callback.instanceId,
      ...(callback.queueId ? { queueId: callback.queueId } : {}),
    };
    const preScope = queueScope(callback.queueId, this.#settings);
    const early = preScope ?? this.#earlyStop();
    if (early) {
      // Still read, with no Connect call, so reconciliation knows every queue's oldest entry.
      noteQueued(run.oldestByQueue, callback.queueId, callback.queuedAtMs);
      report.skip(subject, early);
      return undefined;
    }
    const described = await this.#describe(subject);
    if ('outcome' in described) {
      // Not found may mean a wrong instance or Region too: keep the entry rather than drop all.
      if (isNotFound(described.outcome)) report.skip(subject, 'not-found');
      else {
        noteQueued(run.oldestByQueue, callback.queueId, callback.queuedAtMs);
        report.fail(subject, described.outcome, 'DescribeContact');
      }
      return undefined;
    }
    report.counts.verified++;
    const { contact } = described;
    const assessment = assessCallback(contact, { ...this.#settings, cutoffMs: run.cutoffMs });
    const queueId = 'queueId' in assessment ? assessment.queueId : callback.queueId;
    const verified = { ...subject, ...(queueId ? { queueId } : {}) };
    await turn;
    switch (assessment.verdict) {
      case 'recent': {
        noteQueued(run.oldestByQueue, queueId, assessment.enqueuedAtMs);
        if (run.keepers?.isDuplicate(contact, assessment)) {
          return this.#reserveStop(callback, verified, 'duplicate', run);
        }
        report.skip(verified, 'queued-recently');
        if (this.#settings.mode === 'end' && assessment.enqueuedAtMs > callback.queuedAtMs) {
          return () => this.#requeue(callback, assessment.enqueuedAtMs);
        }
        return undefined;
      }
      case 'stuck':
        noteQueued(run.oldestByQueue, queueId, assessment.enqueuedAtMs);
        return this.#reserveStop(callback, verified, 'queued-too-long', run);
      case 'out-of-scope':
        noteQueued(run.oldestByQueue, queueId, callback.queuedAtMs);
        return () => applyLeftQueue(this.#ctx, verified, assessment);
      default:
        return () => applyLeftQueue(this.#ctx, verified, assessment);
    }
  }

  /** Past the stop cap (mode end) or the time budget, candidates are only read. */
  #earlyStop(): 'max-stops' | 'time-budget' | undefined {
    if (this.#stoppedEarly === 'max-stops' && this.#settings.mode === 'end') return 'max-stops';
    if (this.#timeUp || this.#options.timeLeftMs() <= 0) {
      this.#outOfTime();
      return 'time-budget';
    }
    return undefined;
  }

  #outOfTime(): void {
    this.#timeUp = true;
    this.#stoppedEarly ??= 'time-budget';
  }

  /** DescribeContact, as the contact or as the failure; never throws. */
  async #describe(subject: Subject): Promise<{ contact: Contact } | { outcome: FailureOutcome }> {
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

  /**
   * Takes one of the run's stops, in order. Report mode only notes what it would end, with no
   * cap: it stops nothing, and the cap would hide what the next runs have to do.
   */
  #reserveStop(
    callback: QueuedCallback,
    subject: Subject,
    reason: EndReason,
    run: InstanceRun,
  ): (() => Promise<void>) | undefined {
    if (this.#settings.mode === 'report') {
      this.#report.wouldEnd(subject, reason);
      return undefined;
    }
    if (this.#stopsStarted >= this.#settings.maxStops) {
      this.#stoppedEarly ??= 'max-stops';
      this.#report.skip(subject, 'max-stops');
      return undefined;
    }
    this.#stopsStarted++;
    const target = { ...this.#settings, reason, cutoffMs: run.cutoffMs };
    return () => endCallback(this.#ctx, callback, subject, target);
  }

  async #requeue(callback: QueuedCallback, enqueuedAtMs: number): Promise<void> {
    try {
      await this.#deps.registry.requeue(callback, enqueuedAtMs);
    } catch {
      this.#report.counts.registryErrors++;
    }
  }

  async #discover(instanceId: string): Promise<DiscoveryResult> {
    const result = await discoverUntrackedCallbacks(this.#deps.connect, this.#deps.registry, {
      instanceId,
      nowMs: this.#ctx.now(),
      write: this.#settings.mode === 'end',
      maxPages: this.#options.discoveryPages ?? 1,
      timeLeftMs: this.#options.timeLeftMs,
      ...(this.#options.abortSignal ? { abortSignal: this.#options.abortSignal } : {}),
    });
    this.#report.counts.discovered += result.discovered;
    return result;
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
      nowMs: this.#ctx.now(),
      oldestTrackedByQueue: oldestByQueue,
      abortSignal: this.#options.abortSignal,
    });
  }
}

function noteQueued(oldestByQueue: OldestByQueue, queueId: string | undefined, atMs: number): void {
  if (!queueId) return;
  const known = oldestByQueue.get(queueId);
  if (known === undefined || atMs < known) oldestByQueue.set(queueId, atMs);
}
