import { randomUUID } from 'node:crypto';
import type { Contact } from '@aws-sdk/client-connect';
import { backedOff, type LookBackoff, nextLookBackoff } from '../registry/look-backoff.js';
import type { QueuedCallback } from '../registry/registry.js';
import {
  rulesOf,
  runModeOf,
  type SweepMode,
  type SweepOptions,
  type SweepSettings,
} from './config.js';
import { type Described, describeCallback, isNotFound } from './describe.js';
import type { DiscoveryResult } from './discovery.js';
import {
  applyLeftQueue,
  type EndContext,
  endCallback,
  type SweepRegistry,
  settleEarlierIntent,
} from './end-callback.js';
import { discoverIn, reconcileIn } from './instance-checks.js';
import { PositionCheck, type SweepConnect } from './last-look.js';
import { assessCallback, DuplicateKeepers, type EndReason, queueScope } from './policy.js';
import type { ReconciliationResult } from './reconcile.js';
import { ReportBuilder, type Subject, type SweepReport } from './report.js';
import { RunBudget } from './run-budget.js';
import { candidatePages, noteQueued, type OldestByQueue, takingTurns } from './run-candidates.js';
import { finishReport } from './run-report.js';
import { InstanceRules } from './run-rules.js';
import type { SweepRule } from './sweep-policies.js';
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
  | (Described & { backoff?: LookBackoff });

/** What a look showed whatever the run's queues and ages: waiting (`recent`), with an agent, or gone. */
const whateverQueueAndAge = {
  queueAllowList: [],
  queueDenyList: [],
  cutoffMs: Number.NEGATIVE_INFINITY,
};

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
  readonly #budget: RunBudget;

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
  }

  async execute(): Promise<SweepReport> {
    const startedAt = new Date().toISOString();
    const reconciliation: ReconciliationResult[] = [];
    const discovery: DiscoveryResult[] = [];
    const { selection } = this.#options;
    // A selection reads no index: no discovery, and no oldest-per-queue to reconcile with.
    if (this.#settings.discoverCallbacks && !selection) {
      for (const instanceId of this.#settings.instanceIds) {
        if (this.#budget.timeUp || this.#budget.stopped()) break;
        discovery.push(await this.#discover(instanceId));
      }
    }
    const runs = new Map<string, InstanceRun>();
    const streams: AsyncGenerator<QueuedCallback[]>[] = [];
    for (const instanceId of this.#settings.instanceIds) {
      const run = this.#instanceRun(instanceId);
      if (!run) continue;
      runs.set(instanceId, run.run);
      streams.push(run.pages);
    }
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
    return backoff ? { ...described, backoff } : described;
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
    // An earlier run's intent still here is settled first (docs/sweeper.md, lost writes).
    const earlier = settleEarlierIntent(this.#ctx, callback, subject, contact);
    if (earlier?.kind === 'settled') return earlier.act;
    const act = this.#decideVerified(callback, contact, subject, run, verified.backoff);
    if (!earlier) return act;
    return async () => {
      await earlier.act();
      await act?.();
    };
  }

  /** Decides a candidate DescribeContact answered for. */
  #decideVerified(
    callback: QueuedCallback,
    contact: Contact,
    subject: Subject,
    run: InstanceRun,
    backoff: LookBackoff | undefined,
  ): (() => Promise<void>) | undefined {
    const act = this.#decideLooked(callback, contact, subject, run);
    const { verdict } = assessCallback(contact, whateverQueueAndAge);
    if (!this.#ctx.writes) return act;
    if (verdict === 'with-agent') {
      // Left for a person: look again only after its back-off (look-backoff.ts).
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
    if (backoff && verdict === 'recent') {
      // Found waiting: the next skip starts over. Before the intent and the last look, never between them.
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

  /** Decides what the look showed. */
  #decideLooked(
    callback: QueuedCallback,
    contact: Contact,
    subject: Subject,
    run: InstanceRun,
  ): (() => Promise<void>) | undefined {
    const report = this.#report;
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
    const noStop = this.#budget.takeStop();
    if (noStop) {
      this.#report.skip(subject, noStop);
      return undefined;
    }
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
    const result = await discoverIn(this.#deps.connect, this.#deps.registry, instanceId, {
      nowMs: this.#ctx.now(),
      write: this.#mode === 'end',
      options: this.#options,
    });
    this.#report.counts.discovered += result.discovered;
    return result;
  }
}
