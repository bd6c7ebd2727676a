import { randomUUID } from 'node:crypto';
import { type Described, describeCallback, isNotFound } from './describe.js';
import { type DiscoveryResult, discoverUntrackedCallbacks } from './discovery.js';
import {
  applyLeftQueue,
  type EndContext,
  endCallback,
  type SweepRegistry,
} from './end-callback.js';
import { PositionCheck, type SweepConnect } from './last-look.js';
import { assessCallback, DuplicateKeepers, type EndReason, queueScope } from './policy.js';
import { type ReconciliationResult, reconcileQueues } from './reconcile.js';
import type { QueuedCallback } from './registry.js';
import { ReportBuilder, type RuleCounts, type Subject, type SweepReport } from './report.js';
import { InstanceRules, minAgeMs } from './run-rules.js';
import type { SweepRule } from './sweep-policies.js';
import {
  rulesOf,
  runModeOf,
  type SweepMode,
  type SweepOptions,
  type SweepSettings,
} from './sweeper-config.js';
import { inTurn } from './turns.js';

export interface SweepDeps extends SweepConnect {
  registry: SweepRegistry;
  /** Epoch ms used for ages and registry times; the local Connect's clock in tests. */
  now?: () => number;
  /** Required when the duplicates policy is on. */
  hashPhoneNumber?: (phoneNumber: string) => string;
  /** Names the run in its audit records; random unless a test fixes it. */
  runId?: string;
}

/** Per-queue oldest enqueue time of the callbacks a run saw queued. */
type OldestByQueue = Map<string, number>;

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
        | 'queued-recently';
      rule?: SweepRule;
    }
  | Described;

interface InstanceRun {
  /** The rules that apply in this instance, in order; the first match decides. */
  rules: InstanceRules;
  keepers: DuplicateKeepers | undefined;
  oldestByQueue: OldestByQueue;
}

/** One run of the sweep: its settings, its report, its stops and its time. */
export class SweepRun {
  readonly #deps: SweepDeps;
  readonly #settings: SweepSettings;
  readonly #options: SweepOptions;
  readonly #report: ReportBuilder;
  readonly #ctx: EndContext;
  /** `end` when any rule may end; otherwise the run is a report run and writes nothing. */
  readonly #mode: SweepMode;
  /** The run follows configured sweep policies: decisions name their rule, the report has per-rule counts. */
  readonly #policies: boolean;
  #stopsStarted = 0;
  #stoppedEarly: SweepReport['stoppedEarly'];
  /** The time budget ran out: no more index pages are read, so the index was not read whole. */
  #timeUp = false;

  constructor(deps: SweepDeps, settings: SweepSettings, options: SweepOptions) {
    this.#deps = deps;
    this.#settings = settings;
    this.#options = options;
    // An operator's preview is the end run it previews, writing nothing.
    this.#mode = options.operatorRun === 'preview' ? 'report' : runModeOf(settings);
    this.#policies = settings.policies !== undefined;
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
  }

  async execute(): Promise<SweepReport> {
    const startedAt = new Date().toISOString();
    const reconciliation: ReconciliationResult[] = [];
    const discovery: DiscoveryResult[] = [];
    for (const instanceId of this.#settings.instanceIds) {
      if (this.#timeUp || this.#stopped()) break;
      // A selection reads no index: no discovery, and no oldest-per-queue to reconcile with.
      const { selection } = this.#options;
      if (this.#settings.discoverCallbacks && !selection)
        discovery.push(await this.#discover(instanceId));
      const oldestByQueue: OldestByQueue = new Map();
      await this.#sweepInstance(instanceId, oldestByQueue);
      if (!this.#settings.reconcile || selection) continue;
      // The oldest tracked callback per queue is only known once the whole index was read.
      reconciliation.push(
        this.#timeUp || this.#options.stopSignal?.aborted
          ? {
              instanceId,
              queuesChecked: 0,
              unexplained: [],
              skipped: `the sweep stopped early (${this.#timeUp ? 'time-budget' : 'stopped'})`,
            }
          : await this.#reconcile(instanceId, oldestByQueue),
      );
    }
    const { position } = this.#ctx;
    const rules = rulesOf(this.#settings);
    return {
      runId: this.#ctx.runId,
      mode: this.#mode,
      instanceIds: [...this.#settings.instanceIds],
      maxQueuedAgeSeconds: Math.round(minAgeMs(this.#settings) / 1000),
      maxStops: this.#settings.maxStops,
      startedAt,
      finishedAt: new Date().toISOString(),
      complete: this.#stoppedEarly === undefined,
      ...(this.#stoppedEarly ? { stoppedEarly: this.#stoppedEarly } : {}),
      lastLook: position.available ? 'position-and-describe' : 'describe-only',
      ...(position.fallback ? { lastLookFallback: position.fallback } : {}),
      counts: this.#report.counts,
      ...(this.#policies
        ? {
            rules: rules.map((rule) => ({
              name: rule.name,
              mode: rule.mode,
              maxQueuedAgeSeconds: Math.round(rule.maxQueuedAgeMs / 1000),
              counts: this.#report.byRule.get(rule.name) as RuleCounts,
            })),
          }
        : {}),
      ...(this.#settings.schedule ? { schedule: this.#settings.schedule } : {}),
      decisions: this.#report.decisions,
      decisionsOmitted: this.#report.decisionsOmitted,
      discovery,
      reconciliation,
      unexplainedQueues: reconciliation.flatMap((r) => r.unexplained),
    };
  }

  async #sweepInstance(instanceId: string, oldestByQueue: OldestByQueue): Promise<void> {
    // An operator's selection replaces the age test: any age qualifies, the rest of the rule holds.
    const { selection } = this.#options;
    const rules = new InstanceRules(this.#settings, instanceId, this.#ctx.now(), !!selection);
    if (rules.idle) return;
    const hash = this.#deps.hashPhoneNumber;
    const duplicates = rules.duplicates && hash;
    const run: InstanceRun = {
      rules,
      keepers: duplicates ? new DuplicateKeepers(hash) : undefined,
      oldestByQueue,
    };
    // Duplicates can be young, so that policy reads every queued callback, oldest first; else the
    // rule with the youngest age sets how far the index is read, and each callback's rule decides.
    const readBeforeMs = duplicates ? Number.MAX_SAFE_INTEGER : rules.readBeforeMs;
    const pages = selection
      ? selectedIn(selection, instanceId)
      : this.#deps.registry.queuedBefore(instanceId, readBeforeMs, {
          pageSize: this.#options.pageSize,
        });
    const stop = () => {
      if (!this.#timeUp && this.#options.timeLeftMs() <= 0) this.#outOfTime();
      return this.#timeUp || this.#stopped();
    };
    await inTurn(
      pages,
      { concurrency: this.#options.concurrency, stop },
      {
        verify: (callback) => this.#verify(callback, run),
        decide: (callback, verified) => this.#decide(callback, verified, run),
      },
    );
  }

  /** Counts the candidate and asks Connect about it, unless the run is only reading by now. */
  async #verify(callback: QueuedCallback, run: InstanceRun): Promise<Verified> {
    this.#report.counts.candidates++;
    const scope = queueScope(callback.queueId, this.#settings);
    if (scope) return { early: scope };
    // The registry's queue picks the rule to read with; Connect's queue decides (#decide).
    const match = run.rules.match(callback.instanceId, callback.queueId);
    if (match.kind === 'none') return { early: 'no-rule' };
    const { rule } = match;
    if (match.kind === 'other') return { early: 'other-rule', rule };
    // Under its rule's age by the registry's enqueue time, which the index read is based on too.
    if (rule.duplicatesPolicy !== 'keep-oldest' && callback.queuedAtMs >= match.cutoffMs) {
      return { early: 'queued-recently', rule };
    }
    const early = this.#earlyStop();
    if (early) return { early, rule };
    return describeCallback(this.#deps.connect, callback, this.#options.abortSignal);
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
      const readMatch = run.rules.match(callback.instanceId, callback.queueId);
      const readRule = readMatch.kind === 'none' ? undefined : readMatch.rule;
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
    // The queue Connect shows picks the rule: first match wins, and no rule means left alone.
    const match = run.rules.match(callback.instanceId, contact.QueueInfo?.Id ?? callback.queueId);
    const rule = match.kind === 'none' ? undefined : match.rule;
    // Only an acting rule has an age: under any other, nothing is stuck.
    const cutoffMs = match.kind === 'acting' ? match.cutoffMs : Number.NEGATIVE_INFINITY;
    const assessment = assessCallback(contact, { ...this.#settings, cutoffMs });
    const queueId = 'queueId' in assessment ? assessment.queueId : callback.queueId;
    const checked = this.#withRule({ ...subject, ...(queueId ? { queueId } : {}) }, rule);
    const leftAlone = () => {
      report.skip(checked, match.kind === 'none' ? 'no-rule' : 'other-rule');
      return undefined;
    };
    switch (assessment.verdict) {
      case 'recent': {
        noteQueued(run.oldestByQueue, queueId, assessment.enqueuedAtMs);
        if (match.kind !== 'acting') return leftAlone();
        const { rule } = match;
        const keeperContactId =
          rule.duplicatesPolicy === 'keep-oldest'
            ? run.keepers?.keeperOf(contact, assessment)
            : undefined;
        if (keeperContactId) {
          return this.#reserveStop(callback, checked, 'duplicate', rule, cutoffMs, keeperContactId);
        }
        report.skip(checked, 'queued-recently');
        if (this.#mode === 'end' && assessment.enqueuedAtMs > callback.queuedAtMs) {
          return () => this.#requeue(callback, assessment.enqueuedAtMs);
        }
        return undefined;
      }
      case 'stuck': {
        noteQueued(run.oldestByQueue, queueId, assessment.enqueuedAtMs);
        // Never otherwise: without an acting rule the cutoff is -Infinity.
        if (match.kind !== 'acting') return leftAlone();
        const reason = this.#options.selection
          ? 'selected'
          : this.#settings.schedule
            ? 'scheduled-clear'
            : 'queued-too-long';
        return this.#reserveStop(callback, checked, reason, match.rule, cutoffMs);
      }
      case 'out-of-scope':
        noteQueued(run.oldestByQueue, queueId, callback.queuedAtMs);
        return () => applyLeftQueue(this.#ctx, checked, assessment);
      default:
        return () => applyLeftQueue(this.#ctx, checked, assessment);
    }
  }

  /** Past the stop cap (mode end), the time budget or an operator's stop, candidates are only read. */
  #earlyStop(): 'max-stops' | 'time-budget' | 'stopped' | undefined {
    if (this.#stopped()) return 'stopped';
    if (this.#stoppedEarly === 'max-stops' && this.#mode === 'end') return 'max-stops';
    if (this.#timeUp || this.#options.timeLeftMs() <= 0) {
      this.#outOfTime();
      return 'time-budget';
    }
    return undefined;
  }

  /** The operator's stopSignal fired: no new candidate starts; calls in flight finish. */
  #stopped(): boolean {
    if (!this.#options.stopSignal?.aborted) return false;
    this.#stoppedEarly ??= 'stopped';
    return true;
  }

  #outOfTime(): void {
    this.#timeUp = true;
    this.#stoppedEarly ??= 'time-budget';
  }

  /**
   * Takes one of the run's stops, in order. Report mode only notes what it would end, with no
   * cap: it stops nothing, and the cap would hide what the next runs have to do.
   */
  #reserveStop(
    callback: QueuedCallback,
    subject: Subject,
    reason: EndReason,
    rule: SweepRule,
    cutoffMs: number,
    keeperContactId?: string,
  ): (() => Promise<void>) | undefined {
    // A report-mode rule never stops, whatever the other rules do; an operator's end leaves it.
    if (rule.mode === 'report' && this.#options.operatorRun) {
      this.#report.skip(subject, 'report-rule');
      return undefined;
    }
    if (this.#mode === 'report' || rule.mode === 'report') {
      this.#report.wouldEnd(subject, reason);
      return undefined;
    }
    if (this.#stopsStarted >= this.#settings.maxStops) {
      this.#stoppedEarly ??= 'max-stops';
      this.#report.skip(subject, 'max-stops');
      return undefined;
    }
    if (this.#stopped()) {
      this.#report.skip(subject, 'stopped');
      return undefined;
    }
    this.#stopsStarted++;
    const target = {
      ...this.#settings,
      // With several rules, the last look must find it in the queue its rule was matched on: a
      // callback moved to another queue would be another rule's to decide.
      ...(this.#policies && subject.queueId ? { queueAllowList: [subject.queueId] } : {}),
      reason,
      cutoffMs,
      ...(keeperContactId ? { keeperContactId } : {}),
    };
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
      write: this.#mode === 'end',
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
      // The youngest rule age in this instance: a queue older than it may hold what a rule ends.
      maxQueuedAgeMs: minAgeMs(this.#settings, instanceId),
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

/** An operator's selection in one instance, as one page, oldest first like the index. */
async function* selectedIn(
  selection: readonly QueuedCallback[],
  instanceId: string,
): AsyncGenerator<QueuedCallback[]> {
  const mine = selection.filter((callback) => callback.instanceId === instanceId);
  if (mine.length > 0) yield mine.sort((a, b) => a.queuedAtMs - b.queuedAtMs);
}
