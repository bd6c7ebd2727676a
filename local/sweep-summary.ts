import type { SweeperResult } from '../lambdas/callback-sweeper/callback-sweeper.js';

/** What started a sweeper run on the local runner. */
export type SweepTrigger = 'first' | 'scheduled' | 'manual' | 'schedule';

/** One line per run, with its counts, for the console at any log level. */
export function describeSweep(trigger: SweepTrigger, result: SweeperResult | Error): string {
  const named = trigger === 'schedule' ? 'scheduled clear' : `${trigger} run`;
  const run = `[callback sweeper] ${named}`;
  if (result instanceof Error) return `${run} failed: ${result.message}`;
  if ('error' in result) return `${run} refused: ${result.message}`;
  const { counts } = result;
  const skipped = Object.values(counts.skipped).reduce((sum, n) => sum + (n ?? 0), 0);
  const acted =
    result.mode === 'report' ? `${counts.wouldEnd} would be ended` : `${counts.ended} ended`;
  const unexplained = result.unexplainedQueues.length;
  return [
    `${run}${result.schedule ? ` ${result.schedule}` : ''} (${result.mode} mode): ${counts.candidates} callbacks queued over ${formatHours(result.maxQueuedAgeSeconds)}`,
    `${counts.verified} verified`,
    acted,
    `${counts.alreadyGone} already gone`,
    `${skipped} skipped`,
    `${counts.failed} failed`,
    `${counts.throttled} throttled`,
    ...(unexplained > 0 ? [`${unexplained} queues with untracked old contacts`] : []),
  ].join(', ');
}

/** Hours as the reader thinks of them: `4h`, `0.5h`, `0h` for a clear of everything queued. */
function formatHours(seconds: number): string {
  return `${Math.round((seconds / 3600) * 100) / 100}h`;
}
