import { rulesOf, type SweepMode, type SweepSettings } from './config.js';
import type { DiscoveryResult } from './discovery.js';
import type { PositionCheck } from './last-look.js';
import type { ReconciliationResult } from './reconcile.js';
import type { ReportBuilder, RuleCounts, SweepReport } from './report.js';
import { minAgeMs } from './run-rules.js';

/** What a finished run hands to its report. */
export interface FinishedRun {
  runId: string;
  mode: SweepMode;
  settings: SweepSettings;
  /** The run follows configured sweep policies: the report has per-rule counts. */
  policies: boolean;
  startedAt: string;
  stoppedEarly: SweepReport['stoppedEarly'];
  position: PositionCheck;
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
