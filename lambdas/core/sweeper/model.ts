import type { ConnectClient } from '@aws-sdk/client-connect';
import type { CallbackRegistry } from '../registry/registry.js';
import type { settings } from '../settings/table.js';
import type { DiscoveryResult } from './discovery.js';
import type { ReconciliationResult, UnexplainedQueue } from './reconcile.js';
import type { StopTurns } from './stop-pacer.js';

/**
 * The sweeper's shared vocabulary: rules, modes, decisions and their reasons, the report, and the
 * ports a run is given. Types only: the logic is in rules.ts, decide.ts, run.ts, end.ts and
 * report.ts.
 */

// ---- Rules and modes ----

/** `report` makes no mutating call to Connect and writes nothing; `end` ends what qualifies. */
export type SweepMode = (typeof settings.sweepMode.choices)[number];

export type DuplicatesPolicy = (typeof settings.duplicatesPolicy.choices)[number];

/** A scheduled clear: at each cron time, end every callback of the rule queued at least `minAgeMs`. */
export interface ScheduledClear {
  /** Unique across all rules; the schedule's input and the local runner name it. */
  readonly name: string;
  /** EventBridge Scheduler's six cron fields, e.g. `0 18 ? * MON-FRI *`. */
  readonly cron: string;
  /** IANA time zone the cron is read in, e.g. `America/New_York`. */
  readonly timeZone: string;
  readonly minAgeMs: number;
  readonly mode: SweepMode;
}

/** One rule, every field resolved (defaults from the global settings). */
export interface SweepRule {
  readonly name: string;
  /** The instance the rule is limited to; every swept instance when absent. */
  readonly instanceId?: string;
  /** Queue IDs, or every queue. */
  readonly queues: '*' | readonly string[];
  readonly maxQueuedAgeMs: number;
  readonly mode: SweepMode;
  readonly duplicatesPolicy: DuplicatesPolicy;
  readonly schedules: readonly ScheduledClear[];
}

export interface QueueLists {
  queueAllowList: readonly string[];
  queueDenyList: readonly string[];
}

// ---- Decisions and their reasons ----

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
  /** An earlier look found an agent on it and its back-off has not run out (registry/look-backoff.ts). */
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

// ---- The report ----

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

// ---- The ports a run is given ----

/** The registry calls a sweep makes; tests may pass a fake. */
export type SweepRegistry = Pick<
  CallbackRegistry,
  | 'record'
  | 'requeue'
  | 'queuedBefore'
  | 'recordStopIntent'
  | 'recordStopAttempt'
  | 'clearStopIntent'
  | 'recordSweeperEnd'
  | 'tracksQueued'
  | 'lookBackoff'
  | 'recordLookSkip'
  | 'clearLookBackoff'
>;

/** The Connect side of a sweep. */
export interface SweepConnect {
  /** Reads and tags: the SDK retries them, and each attempt waits for its API's rate. */
  connect: ConnectClient;
  /** The last look's reads, one attempt each; `connect` when not given. */
  lookClient?: ConnectClient;
  /**
   * StopContact: one attempt, no retry. A retry would go out after a back-off, on a look that is
   * no longer the last one; a stop that fails is left for the next run, which looks again.
   */
  stopClient: ConnectClient;
  /** Waits until `operation` may be called under its rate (the limiter the clients share). */
  acquire?: (operation: string) => Promise<void>;
  /**
   * StopContact's rate, counted when each stop is sent: one look-and-stop at a time (StopPacer).
   * Without it, the stop's slot is taken from `acquire` before the look.
   */
  stopPacer?: StopTurns;
}

/** What a sweep runs on: Connect, the registry, and what a test may fix. */
export interface SweepDeps extends SweepConnect {
  registry: SweepRegistry;
  /** Epoch ms used for ages and registry times; the local Connect's clock in tests. */
  now?: () => number;
  /** Required when the duplicates policy is on. */
  hashPhoneNumber?: (phoneNumber: string) => string;
  /** Names the run in its audit records; random unless a test fixes it. */
  runId?: string;
}
