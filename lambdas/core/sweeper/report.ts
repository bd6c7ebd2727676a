import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { FailureOutcome } from '../connect/outcome.js';
import { rulesOf, type SweepSettings } from './config.js';
import { minAgeMs } from './decide.js';
import type { DiscoveryResult } from './discovery.js';
import type {
  DecisionKind,
  RuleCounts,
  SkipReason,
  Subject,
  SweepCounts,
  SweepDecision,
  SweepMode,
  SweepReport,
  TagResult,
} from './model.js';
import type { ReconciliationResult } from './reconcile.js';

/** The report's types (model.ts), as the doors that print it import them. */
export type { SweepDecision, SweepReport } from './model.js';

/**
 * A run's report: every decision counted (in all and per rule) and the first of them listed, as
 * the run makes them; then, when the run is over, the report the sweeper returns and logs, and its
 * counts as CloudWatch metrics.
 */

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

/** What a finished run hands to its report. */
export interface FinishedRun {
  runId: string;
  mode: SweepMode;
  settings: SweepSettings;
  /** The run follows configured sweep policies: the report has per-rule counts. */
  policies: boolean;
  startedAt: string;
  stoppedEarly: SweepReport['stoppedEarly'];
  /** Whether the last look could use GetContactMetrics (end.ts, PositionCheck), and why not. */
  position: { readonly available: boolean; readonly fallback: string | undefined };
  report: ReportBuilder;
  discovery: DiscoveryResult[];
  reconciliation: ReconciliationResult[];
}

/** The run's report, as the sweeper returns it and the doors print it. */
export function finishReport(run: FinishedRun): SweepReport {
  const { settings, position, report, reconciliation } = run;
  const rules = rulesOf(settings);
  return {
    runId: run.runId,
    mode: run.mode,
    instanceIds: [...settings.instanceIds],
    maxQueuedAgeSeconds: Math.round(minAgeMs(settings) / 1000),
    maxStops: settings.maxStops,
    startedAt: run.startedAt,
    finishedAt: new Date().toISOString(),
    complete: run.stoppedEarly === undefined,
    ...(run.stoppedEarly ? { stoppedEarly: run.stoppedEarly } : {}),
    lastLook: position.available ? 'position-and-describe' : 'describe-only',
    ...(position.fallback ? { lastLookFallback: position.fallback } : {}),
    counts: report.counts,
    ...(run.policies
      ? {
          rules: rules.map((rule) => ({
            name: rule.name,
            mode: rule.mode,
            maxQueuedAgeSeconds: Math.round(rule.maxQueuedAgeMs / 1000),
            counts: report.byRule.get(rule.name) as RuleCounts,
          })),
        }
      : {}),
    ...(settings.schedule ? { schedule: settings.schedule } : {}),
    decisions: report.decisions,
    decisionsOmitted: report.decisionsOmitted,
    discovery: run.discovery,
    reconciliation,
    unexplainedQueues: reconciliation.flatMap((r) => r.unexplained),
  };
}

/** Adds a run's counts and flushes them as EMF: only a run has metrics, so a refusal prints none. */
export function publishRunMetrics(metrics: Metrics, report: SweepReport): void {
  metrics.addDimension('mode', report.mode);
  const { counts } = report;
  metrics.addMetric('Candidates', MetricUnit.Count, counts.candidates);
  metrics.addMetric('Verified', MetricUnit.Count, counts.verified);
  metrics.addMetric('Ended', MetricUnit.Count, counts.ended);
  metrics.addMetric('EndedUntagged', MetricUnit.Count, counts.endedUntagged);
  metrics.addMetric('TagFailed', MetricUnit.Count, counts.tagFailed);
  metrics.addMetric('Discovered', MetricUnit.Count, counts.discovered);
  metrics.addMetric('WouldEnd', MetricUnit.Count, counts.wouldEnd);
  metrics.addMetric('AlreadyGone', MetricUnit.Count, counts.alreadyGone);
  metrics.addMetric('Failed', MetricUnit.Count, counts.failed + counts.registryErrors);
  metrics.addMetric('Throttled', MetricUnit.Count, counts.throttled);
  metrics.addMetric('UnexplainedQueues', MetricUnit.Count, report.unexplainedQueues.length);
  metrics.publishStoredMetrics();
  // Per rule of the sweep policies, one more record each: dimensions service, mode and rule, so
  // the run totals above (which the alarms and the dashboard read) keep their own dimensions.
  for (const rule of report.rules ?? []) {
    metrics.addDimensions({ mode: rule.mode, rule: rule.name });
    metrics.addMetric('Candidates', MetricUnit.Count, rule.counts.candidates);
    metrics.addMetric('Ended', MetricUnit.Count, rule.counts.ended);
    metrics.addMetric('WouldEnd', MetricUnit.Count, rule.counts.wouldEnd);
    metrics.addMetric('AlreadyGone', MetricUnit.Count, rule.counts.alreadyGone);
    metrics.addMetric('Failed', MetricUnit.Count, rule.counts.failed);
    metrics.addMetric('Throttled', MetricUnit.Count, rule.counts.throttled);
    metrics.publishStoredMetrics();
  }
}
