import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { ConnectClient } from '@aws-sdk/client-connect';
import pLimit from 'p-limit';
import { withRunSignal } from '../connect/rate-limit.js';
import { backedOff, type LookBackoff, nextLookBackoff } from '../registry/look-backoff.js';
import { inQueueSet, type QueuedCallback, type QueueSet } from '../registry/registry.js';
import { keepOldestAsked } from '../settings/read.js';
import {
  rulesOf,
  runModeOf,
  type SweepMode,
  type SweepOptions,
  type SweepSettings,
} from './config.js';
import {
  beforeLook,
  type Decision,
  DuplicateKeepers,
  decide,
  InstanceRules,
  lookShowed,
  minAgeMs,
  type RuleMatch,
  type RunTerms,
} from './decide.js';
import { type DiscoveryResult, discoverUntrackedCallbacks } from './discovery.js';
import {
  applyLeftQueue,
  type Described,
  describeCallback,
  type EndContext,
  endCallback,
  isNotFound,
  PositionCheck,
  settleEarlierIntent,
} from './end.js';
import type { Subject, SweepDeps, SweepRegistry, SweepReport, SweepRule } from './model.js';
import { type ReconciliationResult, reconcileQueues } from './reconcile.js';
import { finishReport, ReportBuilder } from './report.js';

/**
 * One run of the sweeper, in the order docs/sweeper.md ("A sweeper run") tells it:
 * 1. discovery: SearchContacts for queued callbacks the registry lacks (SweepRun.#discover);
 * 2. the candidates, oldest first from the registry's index: the instances take turns, and within
 *    one the shares of its rules (#instanceRun, candidatePages, takingTurns), page by page (inTurn);
 *    what the registry alone decides (its queue, its rule, its age), the stop cap and the time
 *    budget (RunBudget), and the back-off come before any look (#verify);
 * 3. DescribeContact (#verify), then the verdict in registry order (#decide, by decide.ts);
 * 4. in mode `end`, within the stop cap: intent, StopContact's turn, last look, stop (#act, end.ts);
 * 5. the tag (end.ts);
 * 6. after a run that read the whole registry, reconciliation (reconcileIn);
 * and last, the report (report.ts).
 *
 * What the rate limiter guarantees. Every Connect call waits for its API's slot in a client-side
 * sliding window (ConnectRateLimiter), so no second starts more calls than the configured rate;
 * reads and tags wait per SDK attempt, retries included. A StopContact takes its turn (StopPacer)
 * *before* its last look, so no limiter wait sits between that look and the stop; one look-and-stop
 * runs at a time and the window counts each stop when it is sent, so looks that finish together
 * never bunch their stops. It is sent once, never retried; a throttled stop is left for the next run.
 */

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
  if (keepOldestAsked(settings.duplicatesPolicy, rulesOf(settings)).any && !deps.hashPhoneNumber) {
    throw new Error('the duplicates policy keep-oldest needs a phone number hasher');
  }
  if (!options.abortSignal) return new SweepRun(deps, settings, options).execute();
  // Every call in flight and every call waiting for its rate listens to the run's signal.
  const signal = AbortSignal.any([options.abortSignal]);
  setMaxListeners(Math.max(10, options.concurrency * 6), signal);
  const run = new SweepRun(deps, settings, { ...options, abortSignal: signal });
  return withRunSignal(signal, () => run.execute());
}

/** What verifying a candidate gave: a reason it was only read, or DescribeContact's answer. */
type Verified =
  | {
      early:
        | 'queue-denied'
        | 'queue-not-allowed'
        | 'max-stops'
        | 'time-budget'
        | 'stopped'
        | 'no-rule'
        | 'other-rule'
        | 'queued-recently'
        | 'backed-off';
      rule?: SweepRule;
    }
  /** DescribeContact's answer, with the rule the registry's queue matched and the back-off read. */
  | (Described & { match: RuleMatch; backoff?: LookBackoff });

interface InstanceRun {
  /** The rules that apply in this instance, in order; the first match decides. */
  rules: InstanceRules;
  keepers: DuplicateKeepers | undefined;
  oldestByQueue: OldestByQueue;
}

/** One run of the sweep: its settings, its report, its stops and its time. */
class SweepRun {
  readonly #deps: SweepDeps;
  readonly #settings: SweepSettings;
  readonly #options: SweepOptions;
  readonly #report: ReportBuilder;
  readonly #ctx: EndContext;
  /** `end` when any rule may end; otherwise the run is a report run and writes nothing. */
  readonly #mode: SweepMode;
  /** The run follows configured sweep policies: decisions name their rule, the report has per-rule counts. */
  readonly #policies: boolean;
  readonly #budget: RunBudget;
  /** What the decision is told about the run (decide.ts). */
  readonly #terms: RunTerms;

  constructor(deps: SweepDeps, settings: SweepSettings, options: SweepOptions) {
    this.#deps = deps;
    this.#settings = settings;
    this.#options = options;
    // An operator's preview is the end run it previews, writing nothing.
    this.#mode = options.operatorRun === 'preview' ? 'report' : runModeOf(settings);
    this.#policies = settings.policies;
    this.#budget = new RunBudget(options, settings.maxStops, this.#mode);
    this.#report = new ReportBuilder(
      options.maxDecisionsInReport,
      options.onDecision,
      this.#policies ? rulesOf(settings).map((rule) => rule.name) : [],
    );
    this.#ctx = {
      clients: deps,
      registry: deps.registry,
      report: this.#report,
      position: new PositionCheck(),
      runId: deps.runId ?? randomUUID(),
      now: deps.now ?? Date.now,
      writes: this.#mode === 'end',
      tagEndedContacts: settings.tagEndedContacts,
      ...(options.requestedBy ? { requestedBy: options.requestedBy } : {}),
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    };
    this.#terms = {
      mode: this.#mode,
      queueAllowList: settings.queueAllowList,
      queueDenyList: settings.queueDenyList,
      policies: this.#policies,
      selection: !!options.selection,
      schedule: !!settings.schedule,
      operatorRun: !!options.operatorRun,
    };
  }

  async execute(): Promise<SweepReport> {
    const startedAt = new Date().toISOString();
    const reconciliation: ReconciliationResult[] = [];
    const discovery: DiscoveryResult[] = [];
    const { selection } = this.#options;
    // 1. Discovery. A selection reads no index: no discovery, and no oldest-per-queue to reconcile with.
    if (this.#settings.discoverCallbacks && !selection) {
      for (const instanceId of this.#settings.instanceIds) {
        if (this.#budget.timeUp || this.#budget.stopped()) break;
        discovery.push(await this.#discover(instanceId));
      }
    }
    // 2. The candidates, the instances taking turns.
    const runs = new Map<string, InstanceRun>();
    const streams: AsyncGenerator<QueuedCallback[]>[] = [];
    for (const instanceId of this.#settings.instanceIds) {
      const run = this.#instanceRun(instanceId);
      if (!run) continue;
      runs.set(instanceId, run.run);
      streams.push(run.pages);
    }
    // 2 to 5. Each candidate read, looked at, decided in registry order, and ended.
    if (!(this.#budget.timeUp || this.#budget.stopped())) {
      await inTurn(
        takingTurns(streams),
        { concurrency: this.#options.concurrency, stop: () => this.#budget.done() },
        {
          verify: (callback) =>
            this.#verify(callback, runs.get(callback.instanceId) as InstanceRun),
          decide: (callback, verified) =>
            this.#decide(callback, verified, runs.get(callback.instanceId) as InstanceRun),
        },
      );
    }
    // 6. Reconciliation.
    for (const [instanceId, run] of runs) {
      if (!this.#settings.reconcile || selection) continue;
      // The oldest tracked callback per queue is only known once the whole index was read.
      reconciliation.push(
        this.#budget.timeUp || this.#options.stopSignal?.aborted
          ? {
              instanceId,
              queuesChecked: 0,
              unexplained: [],
              skipped: `the sweep stopped early (${this.#budget.timeUp ? 'time-budget' : 'stopped'})`,
            }
          : await reconcileIn(this.#deps.connect, instanceId, run.oldestByQueue, {
              nowMs: this.#ctx.now(),
              settings: this.#settings,
              options: this.#options,
            }),
      );
    }
    // The report.
    return finishReport({
      runId: this.#ctx.runId,
      mode: this.#mode,
      settings: this.#settings,
      policies: this.#policies,
      startedAt,
      stoppedEarly: this.#budget.stoppedEarly,
      position: this.#ctx.position,
      report: this.#report,
      discovery,
      reconciliation,
    });
  }

  async #discover(instanceId: string): Promise<DiscoveryResult> {
    const result = await discoverIn(this.#deps.connect, this.#deps.registry, instanceId, {
      nowMs: this.#ctx.now(),
      write: this.#mode === 'end',
      options: this.#options,
    });
    this.#report.counts.discovered += result.discovered;
    return result;
  }

  /** One instance's rules and its candidates, its rules' in turn; none when no rule applies there. */
  #instanceRun(
    instanceId: string,
  ): { run: InstanceRun; pages: AsyncGenerator<QueuedCallback[]> } | undefined {
    // An operator's selection replaces the age test: any age qualifies, the rest of the rule holds.
    const { selection } = this.#options;
    const rules = new InstanceRules(this.#settings, instanceId, this.#ctx.now(), !!selection);
    if (rules.idle) return undefined;
    const hash = this.#deps.hashPhoneNumber;
    const duplicates = rules.duplicates && hash;
    const run: InstanceRun = {
      rules,
      keepers: duplicates ? new DuplicateKeepers(hash) : undefined,
      oldestByQueue: new Map(),
    };
    // The instance's rules take turns as the instances do: one stream per rule's share.
    const shares = rules.shares.map((queues) =>
      candidatePages(this.#deps.registry, instanceId, {
        selection,
        readBeforeMs: rules.readBeforeMs,
        pageSize: this.#options.pageSize,
        queues,
      }),
    );
    const pages =
      shares.length === 1 ? (shares[0] as AsyncGenerator<QueuedCallback[]>) : takingTurns(shares);
    return { run, pages };
  }

  /** Counts the candidate and asks Connect about it, unless the run is only reading by now. */
  async #verify(callback: QueuedCallback, run: InstanceRun): Promise<Verified> {
    this.#report.counts.candidates++;
    // The registry's queue picks the rule to read with; Connect's queue decides (decide.ts).
    const match = run.rules.match(callback.instanceId, callback.queueId);
    const before = beforeLook(callback, match, this.#settings);
    if (before) return { early: before.reason, rule: before.rule };
    const rule = match.kind === 'none' ? undefined : match.rule;
    const early = this.#budget.earlyStop();
    if (early) return { early, rule };
    // An operator's selection is looked at whatever its back-off: a person asked.
    const backoff = this.#options.selection ? undefined : await this.#backoffOf(callback);
    if (backedOff(backoff, this.#ctx.now())) return { early: 'backed-off', rule };
    const described = await describeCallback(
      this.#deps.connect,
      callback,
      this.#options.abortSignal,
    );
    return backoff ? { ...described, match, backoff } : { ...described, match };
  }

  /** The entry's back-off; none when it cannot be read, so a failed read costs a look, never a skip. */
  async #backoffOf(callback: QueuedCallback): Promise<LookBackoff | undefined> {
    try {
      return await this.#deps.registry.lookBackoff(callback.contactId);
    } catch {
      return undefined;
    }
  }

  /** The subject with its rule, when the run follows sweep policies. */
  #withRule(subject: Subject, rule: SweepRule | undefined): Subject {
    return this.#policies && rule ? { ...subject, rule: rule.name } : subject;
  }

  /** Decides in registry order; returns what is left to do after the turn is handed on. */
  #decide(
    callback: QueuedCallback,
    verified: Verified,
    run: InstanceRun,
  ): (() => Promise<void>) | undefined {
    const report = this.#report;
    const subject: Subject = {
      contactId: callback.contactId,
      instanceId: callback.instanceId,
      ...(callback.queueId ? { queueId: callback.queueId } : {}),
    };
    if ('early' in verified) {
      // Still read, with no Connect call, so reconciliation knows every queue's oldest entry.
      noteQueued(run.oldestByQueue, callback.queueId, callback.queuedAtMs);
      report.skip(this.#withRule(subject, verified.rule), verified.early);
      return undefined;
    }
    if ('outcome' in verified) {
      const readRule = verified.match.kind === 'none' ? undefined : verified.match.rule;
      // Not found may mean a wrong instance or Region too: keep the entry rather than drop all.
      const failed = this.#withRule(subject, readRule);
      if (isNotFound(verified.outcome)) report.skip(failed, 'not-found');
      else {
        noteQueued(run.oldestByQueue, callback.queueId, callback.queuedAtMs);
        report.fail(failed, verified.outcome, 'DescribeContact');
      }
      return undefined;
    }
    report.counts.verified++;
    const { contact } = verified;
    // An earlier run's intent still here is settled first (docs/sweeper.md, lost writes).
    const earlier = settleEarlierIntent(this.#ctx, callback, subject, contact);
    if (earlier?.kind === 'settled') return earlier.act;
    const decision = decide({
      callback,
      contact,
      readMatch: verified.match,
      rules: run.rules,
      terms: this.#terms,
      ...(run.keepers ? { keepers: run.keepers } : {}),
    });
    const act = this.#withBackoff(
      callback,
      verified.backoff,
      decision,
      this.#act(callback, subject, run, decision),
    );
    if (!earlier) return act;
    return async () => {
      await earlier.act();
      await act?.();
    };
  }

  /** Carries out a decision: its report entry now, in registry order; the rest once the turn is handed on. */
  #act(
    callback: QueuedCallback,
    subject: Subject,
    run: InstanceRun,
    decision: Decision,
  ): (() => Promise<void>) | undefined {
    const { verdict, seenQueued, queueId } = decision;
    if (seenQueued) noteQueued(run.oldestByQueue, seenQueued.queueId, seenQueued.atMs);
    const checked = this.#withRule({ ...subject, ...(queueId ? { queueId } : {}) }, decision.rule);
    switch (verdict.kind) {
      case 'skip': {
        this.#report.skip(checked, verdict.reason);
        const { requeueAtMs } = decision;
        return requeueAtMs === undefined ? undefined : () => this.#requeue(callback, requeueAtMs);
      }
      case 'would-end':
        this.#report.wouldEnd(checked, verdict.reason);
        return undefined;
      case 'end': {
        // Takes one of the run's stops, in order.
        const noStop = this.#budget.takeStop();
        if (noStop) {
          this.#report.skip(checked, noStop);
          return undefined;
        }
        return () => endCallback(this.#ctx, callback, checked, verdict.target);
      }
      case 'left':
        return () => applyLeftQueue(this.#ctx, checked, verdict.assessment);
    }
  }

  /**
   * The back-off follows what the look showed (mode `end` only): an agent on it, looked at again
   * only after its back-off (registry/look-backoff.ts); found waiting, the next skip starts over.
   */
  #withBackoff(
    callback: QueuedCallback,
    backoff: LookBackoff | undefined,
    decision: Decision,
    act: (() => Promise<void>) | undefined,
  ): (() => Promise<void>) | undefined {
    if (!this.#ctx.writes) return act;
    const showed = lookShowed(decision.assessment);
    if (showed === 'with-agent') {
      // Left for a person: look again only after its back-off.
      return async () => {
        await act?.();
        await this.#guardWrite(() =>
          this.#deps.registry.recordLookSkip(
            callback,
            backoff,
            nextLookBackoff(backoff, this.#ctx.now()),
          ),
        );
      };
    }
    if (backoff && showed === 'waiting') {
      // Before the intent and the last look, never between them.
      return async () => {
        await this.#guardWrite(() => this.#deps.registry.clearLookBackoff(callback));
        await act?.();
      };
    }
    return act;
  }

  /** A failed registry write is counted, never thrown. */
  async #guardWrite(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch {
      this.#report.counts.registryErrors++;
    }
  }

  async #requeue(callback: QueuedCallback, enqueuedAtMs: number): Promise<void> {
    try {
      await this.#deps.registry.requeue(callback, enqueuedAtMs);
    } catch {
      this.#report.counts.registryErrors++;
    }
  }
}

// ---- The candidates, taking turns ----

/** Per-queue oldest enqueue time of the callbacks a run saw queued. */
type OldestByQueue = Map<string, number>;

/** Notes a callback seen queued, so reconciliation knows each queue's oldest entry. */
function noteQueued(oldestByQueue: OldestByQueue, queueId: string | undefined, atMs: number): void {
  if (!queueId) return;
  const known = oldestByQueue.get(queueId);
  if (known === undefined || atMs < known) oldestByQueue.set(queueId, atMs);
}

/**
 * The candidates of one instance in some of its queues (one rule's share), page by page: an
 * operator's selection, or the registry's index of callbacks queued before `readBeforeMs`, oldest
 * first.
 */
function candidatePages(
  registry: SweepRegistry,
  instanceId: string,
  read: {
    selection: readonly QueuedCallback[] | undefined;
    readBeforeMs: number;
    pageSize: number;
    queues: QueueSet;
  },
): AsyncGenerator<QueuedCallback[]> {
  return read.selection
    ? selectedIn(read.selection, instanceId, read.queues)
    : registry.queuedBefore(instanceId, read.readBeforeMs, {
        pageSize: read.pageSize,
        ...('only' in read.queues || read.queues.except.length > 0 ? { queues: read.queues } : {}),
      });
}

/** An operator's selection in one instance and some queues, as one page, oldest first like the index. */
async function* selectedIn(
  selection: readonly QueuedCallback[],
  instanceId: string,
  queues: QueueSet,
): AsyncGenerator<QueuedCallback[]> {
  const mine = selection.filter(
    (callback) => callback.instanceId === instanceId && inQueueSet(queues, callback.queueId),
  );
  if (mine.length > 0) yield mine.sort((a, b) => a.queuedAtMs - b.queuedAtMs);
}

/**
 * Fair sharing: the candidates of several streams (one per instance, or one per rule of an
 * instance; each oldest first) taken in turn, one from each while it has any, so no instance or
 * rule waits for another's whole index and the run's stop cap, time and rates are shared among
 * them. Each stream keeps its own order, so a
 * rule that keeps the oldest of a queue still sees its candidates oldest first. One page of each
 * stream is read at a time.
 */
async function* takingTurns<T>(streams: readonly AsyncIterator<T[]>[]): AsyncGenerator<T[]> {
  let live = [...streams];
  while (live.length > 0) {
    const pages = await Promise.all(live.map((stream) => stream.next()));
    const round: T[][] = [];
    const next: AsyncIterator<T[]>[] = [];
    pages.forEach((page, i) => {
      if (page.done) return;
      round.push(page.value);
      next.push(live[i] as AsyncIterator<T[]>);
    });
    live = next;
    const merged: T[] = [];
    for (let i = 0; round.some((page) => i < page.length); i++) {
      for (const page of round) if (i < page.length) merged.push(page[i] as T);
    }
    if (merged.length > 0) yield merged;
  }
}

/**
 * How candidates take turns. Pages are read one at a time, oldest first. Each item is verified
 * concurrently (up to `concurrency` at once), but decided in page order: `decide` runs only once
 * the item before it was decided, so a cap or a keep-the-oldest rule sees the items as if one at a
 * time. Once decided, an item hands on its turn and then acts (the returned `act`), while later
 * items are decided. The next page is read only once this one is under way, so memory holds about
 * one page; `stop()` ends the reading between pages.
 */
async function inTurn<T, V>(
  pages: AsyncIterable<T[]>,
  options: { concurrency: number; stop: () => boolean },
  steps: {
    verify: (item: T) => Promise<V>;
    decide: (item: T, verified: V) => (() => Promise<void>) | undefined;
  },
): Promise<void> {
  const limit = pLimit(options.concurrency);
  const inFlight = new Set<Promise<void>>();
  let previousDecided: Promise<void> = Promise.resolve();
  const take = async (item: T, turn: Promise<void>, decided: () => void) => {
    let passed = false;
    const passTurn = () => {
      if (passed) return;
      passed = true;
      void turn.then(decided);
    };
    try {
      const verified = await steps.verify(item);
      await turn;
      const act = steps.decide(item, verified);
      passTurn();
      await act?.();
    } finally {
      passTurn();
    }
  };
  // Items queued for a slot, and who waits for the last of them to start. A counter rather than
  // Promise.race(inFlight) per settled item: that raced every queued item again each time, one
  // reaction (and promise) per item per race, so O(page size²) short-lived objects per page.
  let queued = 0;
  let allStarted: (() => void) | undefined;
  let failure: { error: unknown } | undefined;
  const started = () => {
    queued--;
    if (queued === 0) allStarted?.();
  };
  try {
    for await (const page of pages) {
      for (const item of page) {
        if (options.stop()) break;
        const turn = previousDecided;
        let decided!: () => void;
        previousDecided = new Promise<void>((resolve) => {
          decided = resolve;
        });
        queued++;
        const task = limit(() => {
          started();
          return take(item, turn, decided);
        });
        inFlight.add(task);
        task.then(
          () => inFlight.delete(task),
          (error: unknown) => {
            inFlight.delete(task);
            // As before: an item that fails while the page waits for its slots ends the reading.
            if (allStarted) failure ??= { error };
            allStarted?.();
          },
        );
      }
      // The next page is read once this one's last item has a slot.
      if (queued > 0) {
        await new Promise<void>((resolve) => {
          allStarted = resolve;
        });
        allStarted = undefined;
        if (failure) throw failure.error;
      }
      if (options.stop()) break;
    }
  } finally {
    // A page read error is thrown (the run cannot go on), after what started has settled.
    await Promise.allSettled(inFlight);
  }
}

// ---- What a run may still do ----

type EarlyStop = NonNullable<SweepReport['stoppedEarly']>;

/**
 * What a run may still do: its stop cap, its time budget and the operator's stop. Past any of
 * them, candidates are only read; the first reason the run stopped early is the one reported.
 */
class RunBudget {
  readonly #options: Pick<SweepOptions, 'timeLeftMs' | 'stopSignal'>;
  readonly #maxStops: number;
  readonly #mode: SweepMode;
  #stopsStarted = 0;
  #stoppedEarly: SweepReport['stoppedEarly'];
  /** The time budget ran out: no more index pages are read, so the index was not read whole. */
  #timeUp = false;

  constructor(
    options: Pick<SweepOptions, 'timeLeftMs' | 'stopSignal'>,
    maxStops: number,
    mode: SweepMode,
  ) {
    this.#options = options;
    this.#maxStops = maxStops;
    this.#mode = mode;
  }

  get stoppedEarly(): SweepReport['stoppedEarly'] {
    return this.#stoppedEarly;
  }

  get timeUp(): boolean {
    return this.#timeUp;
  }

  /** Whether the run reads no further: its time is up or the operator stopped it. */
  done(): boolean {
    if (!this.#timeUp && this.#options.timeLeftMs() <= 0) this.#outOfTime();
    return this.#timeUp || this.stopped();
  }

  /** Past the stop cap (mode end), the time budget or an operator's stop, candidates are only read. */
  earlyStop(): EarlyStop | undefined {
    if (this.stopped()) return 'stopped';
    if (this.#stoppedEarly === 'max-stops' && this.#mode === 'end') return 'max-stops';
    if (this.#timeUp || this.#options.timeLeftMs() <= 0) {
      this.#outOfTime();
      return 'time-budget';
    }
    return undefined;
  }

  /** The operator's stopSignal fired: no new candidate starts; calls in flight finish. */
  stopped(): boolean {
    if (!this.#options.stopSignal?.aborted) return false;
    this.#stoppedEarly ??= 'stopped';
    return true;
  }

  /** Takes one of the run's stops, or says why none is left. */
  takeStop(): 'max-stops' | 'stopped' | undefined {
    if (this.#stopsStarted >= this.#maxStops) {
      this.#stoppedEarly ??= 'max-stops';
      return 'max-stops';
    }
    if (this.stopped()) return 'stopped';
    this.#stopsStarted++;
    return undefined;
  }

  #outOfTime(): void {
    this.#timeUp = true;
    this.#stoppedEarly ??= 'time-budget';
  }
}

// ---- Around the sweep of one instance: discovery before it, reconciliation after ----

/** Searches Connect for queued callbacks the registry does not track; writes them in mode end. */
function discoverIn(
  connect: ConnectClient,
  registry: SweepRegistry,
  instanceId: string,
  run: { nowMs: number; write: boolean; options: SweepOptions },
): Promise<DiscoveryResult> {
  const { options } = run;
  return discoverUntrackedCallbacks(connect, registry, {
    instanceId,
    nowMs: run.nowMs,
    write: run.write,
    maxPages: options.discoveryPages ?? 1,
    timeLeftMs: options.timeLeftMs,
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
  });
}

/** Compares Connect's oldest queued contact per queue with the oldest the run saw tracked. */
function reconcileIn(
  connect: ConnectClient,
  instanceId: string,
  oldestByQueue: OldestByQueue,
  run: { nowMs: number; settings: SweepSettings; options: SweepOptions },
): Promise<ReconciliationResult> {
  const { settings, options } = run;
  const queueIds = new Set([
    ...(options.reconcileQueueIds ?? []),
    ...settings.queueAllowList,
    ...oldestByQueue.keys(),
  ]);
  return reconcileQueues(connect, {
    instanceId,
    queueIds: [...queueIds],
    // The youngest rule age in this instance: a queue older than it may hold what a rule ends.
    maxQueuedAgeMs: minAgeMs(settings, instanceId),
    toleranceMs: options.reconcileToleranceMs ?? 120_000,
    nowMs: run.nowMs,
    oldestTrackedByQueue: oldestByQueue,
    abortSignal: options.abortSignal,
  });
}
