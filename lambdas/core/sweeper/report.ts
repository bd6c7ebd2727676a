import type { FailureOutcome } from '../connect/outcome.js';
import type { SweepMode } from './config.js';
import type { DiscoveryResult } from './discovery.js';
import type { SkipReason } from './policy.js';
import type { ReconciliationResult, UnexplainedQueue } from './reconcile.js';

export type DecisionKind =
  | 'ended'
  | 'would-end'
  | 'already-gone'
  | 'skipped'
  | 'failed'
  | 'throttled';

/** What became of the audit tag on a callback the sweeper ended. */
export type TagResult =
  | 'tagged'
  /** Tagging is off. */
  | 'off'
  /** The contact already carries too many user tags for two more (6 at most). */
  | 'untagged-limit'
  | 'tag-failed';

/** One decision of a run. IDs only: never a phone number or a contact attribute. */
export interface SweepDecision {
  contactId: string;
  instanceId: string;
  queueId?: string;
  decision: DecisionKind;
  reason: string;
  tag?: TagResult;
  /** The sweep rule that decided it; set only when the run follows sweep policies. */
  rule?: string;
}

export type Subject = Omit<SweepDecision, 'decision' | 'reason' | 'tag'>;

export interface SweepCounts {
  /** Registry entries the run examined. */
  candidates: number;
  /** Candidates DescribeContact found. */
  verified: number;
  /** Callbacks StopContact ended, tagged or not. */
  ended: number;
  /** Of `ended`: left untagged because the contact had no room for two more user tags. */
  endedUntagged: number;
  /** Of `ended`: TagContact failed after the stop (the end stands; only the tag is missing). */
  tagFailed: number;
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
  /** Queued callbacks SearchContacts found that the registry lacked: contact events were lost. */
  discovered: number;
}

/** One rule's share of a run's decisions (sweep policies). */
export interface RuleCounts {
  /** Decisions this rule made: every candidate it matched. */
  candidates: number;
  ended: number;
  wouldEnd: number;
  alreadyGone: number;
  skipped: number;
  failed: number;
  throttled: number;
}

/** A rule of the run, as it applied, with its counts. */
export interface RuleReport {
  name: string;
  mode: SweepMode;
  maxQueuedAgeSeconds: number;
  counts: RuleCounts;
}

/** How the run proved, right before each stop, that a callback was still in its queue. */
export type LastLookMode =
  /** GetContactMetrics' POSITION_IN_QUEUE, then DescribeContact. */
  | 'position-and-describe'
  /** GetContactMetrics was refused (IAM, or not offered in the Region): DescribeContact alone. */
  | 'describe-only';

export interface SweepReport {
  runId: string;
  mode: SweepMode;
  instanceIds: string[];
  maxQueuedAgeSeconds: number;
  maxStops: number;
  startedAt: string;
  finishedAt: string;
  /** False when the run stopped early; the next run picks up the rest. */
  complete: boolean;
  stoppedEarly?: 'time-budget' | 'max-stops' | 'stopped';
  lastLook: LastLookMode;
  /** Why the last look fell back to DescribeContact alone. */
  lastLookFallback?: string;
  counts: SweepCounts;
  /** Per rule, in order, when the run follows sweep policies (the counts above cover them all). */
  rules?: RuleReport[];
  /** The scheduled clear this run is, when a schedule (or a person) asked for one. */
  schedule?: string;
  decisions: SweepDecision[];
  /** Decisions not listed because the report is capped; the counts include them. */
  decisionsOmitted: number;
  discovery: DiscoveryResult[];
  reconciliation: ReconciliationResult[];
  unexplainedQueues: UnexplainedQueue[];
}

const ruleCounter: Record<DecisionKind, Exclude<keyof RuleCounts, 'candidates'>> = {
  ended: 'ended',
  'would-end': 'wouldEnd',
  'already-gone': 'alreadyGone',
  skipped: 'skipped',
  failed: 'failed',
  throttled: 'throttled',
};

/** Counts every decision and lists the first `maxDecisions` of them. */
export class ReportBuilder {
  readonly counts: SweepCounts = {
    candidates: 0,
    verified: 0,
    ended: 0,
    endedUntagged: 0,
    tagFailed: 0,
    wouldEnd: 0,
    alreadyGone: 0,
    skipped: {},
    failed: 0,
    throttled: 0,
    registryErrors: 0,
    discovered: 0,
  };
  readonly decisions: SweepDecision[] = [];
  decisionsOmitted = 0;
  readonly #maxDecisions: number;
  readonly #onDecision: ((decision: SweepDecision) => void) | undefined;
  /** Per rule name, when the run follows sweep policies. */
  readonly byRule = new Map<string, RuleCounts>();

  constructor(
    maxDecisions: number,
    onDecision?: (decision: SweepDecision) => void,
    ruleNames: readonly string[] = [],
  ) {
    this.#maxDecisions = maxDecisions;
    this.#onDecision = onDecision;
    for (const name of ruleNames) {
      this.byRule.set(name, {
        candidates: 0,
        ended: 0,
        wouldEnd: 0,
        alreadyGone: 0,
        skipped: 0,
        failed: 0,
        throttled: 0,
      });
    }
  }

  skip(subject: Subject, reason: SkipReason): void {
    this.counts.skipped[reason] = (this.counts.skipped[reason] ?? 0) + 1;
    this.#list(subject, 'skipped', reason);
  }

  /** A failed Connect call: the callback stays for the next run. */
  fail(subject: Subject, outcome: FailureOutcome, operation: string): void {
    const decision = outcome.kind === 'throttled' ? 'throttled' : 'failed';
    this.counts[decision]++;
    this.#list(subject, decision, `${operation}: ${outcome.code}`);
  }

  wouldEnd(subject: Subject, reason: string): void {
    this.counts.wouldEnd++;
    this.#list(subject, 'would-end', reason);
  }

  alreadyGone(subject: Subject, reason: string): void {
    this.counts.alreadyGone++;
    this.#list(subject, 'already-gone', reason);
  }

  ended(subject: Subject, reason: string, tag: TagResult): void {
    this.counts.ended++;
    if (tag === 'untagged-limit') this.counts.endedUntagged++;
    if (tag === 'tag-failed') this.counts.tagFailed++;
    this.#list(subject, 'ended', reason, tag);
  }

  /**
   * Builds the listed entry only under the cap. Built for every decision, the first ones (kept in
   * the list) made V8 allocate all later ones, dropped at once, straight into old space: a
   * registry of 100,000 items then grew the heap by tens of MiB before a full collection.
   */
  #list(subject: Subject, decision: DecisionKind, reason: string, tag?: TagResult): void {
    const rule = subject.rule === undefined ? undefined : this.byRule.get(subject.rule);
    if (rule) {
      rule.candidates++;
      rule[ruleCounter[decision]]++;
    }
    const listed = this.decisions.length < this.#maxDecisions;
    if (!listed) this.decisionsOmitted++;
    if (!listed && !this.#onDecision) return;
    const entry = { ...subject, decision, reason, ...(tag === undefined ? {} : { tag }) };
    if (listed) this.decisions.push(entry);
    this.#onDecision?.(entry);
  }
}
