/**
 * What operators can see and do, whichever face they use (the CLI, the loopback web console).
 * One core behind both: a face turns its input into these calls and their results into its
 * output, and holds no logic another face would need. Every end goes through the sweeper's
 * verified path (policy, last look, rate limits, caps and audit), never a bare StopContact.
 */

import type { Outcome } from '../../lambdas/core/connect/outcome.js';
import type { SweepOverrides } from '../../lambdas/core/sweeper/overrides.js';
import type { SweepDecision, SweepReport } from '../../lambdas/core/sweeper/report.js';
import type { InstanceNames } from './names.js';

export type { InstanceNames } from './names.js';

/** Where the operator's calls go: the system `npm start` runs, or a deployed stack. */
export interface OperatorTarget {
  kind: 'local' | 'aws';
  /** For people: "local (npm start)" or "stack EndContact in eu-west-2 (profile ops)". */
  label: string;
  region: string;
  /** The account the target's Connect instances are in, when known: ARNs of others are refused. */
  accountId?: string;
  /** Connect instance IDs the deployment sweeps. */
  instanceIds: string[];
  tableName: string;
}

/** A callback the registry tracks as queued. IDs and times only: never a phone number. */
export interface TrackedCallback {
  contactId: string;
  instanceId: string;
  queueId?: string;
  /** The queue's name in Connect, when Connect told it (ListQueues). */
  queueName?: string;
  /** When Connect enqueued it, ISO 8601. */
  queuedAt: string;
  ageMs: number;
}

export interface CallbackFilter {
  /** Only these queues (IDs or ARNs). */
  queueIds?: string[];
  /** Only callbacks queued at least this long. */
  olderThanMs?: number;
  /** At most this many, oldest first. @default 1000 */
  limit?: number;
}

/** One queue, as the registry and Connect's real-time metrics each see it. */
export interface QueueOverview {
  instanceId: string;
  /** The instance's alias in Connect, when Connect told it (DescribeInstance). */
  instanceAlias?: string;
  queueId: string;
  /** The queue's name in Connect, when Connect told it (ListQueues). */
  queueName?: string;
  trackedCallbacks: number;
  oldestTrackedAgeMs?: number;
  /** Connect's CONTACTS_IN_QUEUE (every channel and kind, not only callbacks). */
  contactsInQueue?: number;
  /** Connect's OLDEST_CONTACT_AGE. */
  oldestContactAgeMs?: number;
  /** Connect's oldest contact is older than any tracked callback explains (see reconcile.ts). */
  unexplained: boolean;
  /** Set when Connect's metrics could not be read for this queue; the registry's figures stand. */
  metricsError?: string;
}

/** One audit record: what was (or was about to be) ended, by whom, when and why. */
export interface AuditRecord {
  contactId: string;
  instanceId: string;
  queueId?: string;
  /** `callback-sweeper` claims a stop that succeeded; `stop-intent` is an intent with no end yet. */
  kind: 'ended' | 'stop-intent' | 'observed-gone';
  /** Who asked: the schedule, or an operator's identity (CLI/console caller). */
  requestedBy?: string;
  runId?: string;
  reason?: string;
  /** ISO 8601. */
  at: string;
}

/** How a bulk end reports and stops. */
export interface EndRunOptions {
  /** Each decision as it is made, with how many are done out of the run's candidates. */
  onDecision?: (decision: SweepDecision, done: number, total: number) => void;
  /** Stops starting new candidates; the call in flight finishes and the report so far returns. */
  stopSignal?: AbortSignal;
  /** Recorded in the audit: an operator's identity, e.g. an IAM ARN or "local operator". */
  requestedBy: string;
}

export interface EndContactInput {
  contactId: string;
  /** @default the target's only instance; required when it has several */
  instanceId?: string;
  securityUser?: string;
}

export interface OperatorApi {
  readonly target: OperatorTarget;
  queues(): Promise<QueueOverview[]>;
  /** An instance's alias and queue names, read once a run (or a minute); empty if Connect won't say. */
  names(instanceId: string): Promise<InstanceNames>;
  /** Oldest first. */
  callbacks(filter?: CallbackFilter): Promise<TrackedCallback[]>;
  /** Newest first. */
  audit(limit?: number): Promise<AuditRecord[]>;
  /**
   * What `sweep` would do with these overrides, writing nothing: it would end the `would-end`
   * ones, and skips a report-mode rule's callbacks (`report-rule`), as `sweep` does.
   */
  preview(overrides?: SweepOverrides): Promise<SweepReport>;
  /** The sweeper in mode `end` with these overrides, through its verified path and caps. */
  sweep(overrides: SweepOverrides, options: EndRunOptions): Promise<SweepReport>;
  /**
   * Ends the chosen callbacks through the sweeper's verified path, whatever their age: each is
   * still checked at its last look, and one answered meanwhile is skipped, not ended. `narrowing`
   * (queues, cap) keeps to what the operator was shown: one that left those queues is skipped.
   */
  endSelected(
    contactIds: string[],
    options: EndRunOptions,
    narrowing?: SweepOverrides,
  ): Promise<SweepReport>;
  /** CXone's End a Contact for any contact ID (not only callbacks), SecurityUser included. */
  endContact(input: EndContactInput): Promise<Outcome>;
  close(): Promise<void>;
}
