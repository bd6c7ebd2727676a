import type { SweeperResult } from '../lambdas/callback-sweeper/callback-sweeper.js';

/** What started a sweeper run on the local runner. */
export type SweepTrigger = 'first' | 'scheduled' | 'manual';

/** One line per run, with its counts, for the console at any log level. */
export function describeSweep(trigger: SweepTrigger, result: SweeperResult | Error): string {
  const run = `[callback sweeper] ${trigger} run`;
  if (result instanceof Error) return `${run} failed: ${result.message}`;
  if ('error' in result) return `${run} refused: ${result.message}`;
  const { counts } = result;
  const skipped = Object.values(counts.skipped).reduce((sum, n) => sum + (n ?? 0), 0);
  const acted =
    result.mode === 'report' ? `${counts.wouldEnd} would be ended` : `${counts.ended} ended`;
  const unexplained = result.unexplainedQueues.length;
  return [
    `${run} (${result.mode} mode): ${counts.candidates} callbacks queued over ${result.maxQueuedAgeSeconds / 3600}h`,
    `${counts.verified} verified`,
    acted,
    `${counts.alreadyGone} already gone`,
    `${skipped} skipped`,
    `${counts.failed} failed`,
    `${counts.throttled} throttled`,
    ...(unexplained > 0 ? [`${unexplained} queues with untracked old contacts`] : []),
  ].join(', ');
}
