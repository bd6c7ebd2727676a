/** Time kept back from the Lambda's own timeout so the door can still answer. */
const answerMarginMs = 250;

/**
 * An abort signal for one invocation: the configured deadline, or the Lambda's remaining time
 * less a margin, whichever is sooner.
 */
export function invocationDeadline(
  deadlineMs: number,
  remainingTimeMs: number | undefined,
): AbortSignal {
  const budget =
    remainingTimeMs === undefined
      ? deadlineMs
      : Math.min(deadlineMs, remainingTimeMs - answerMarginMs);
  return AbortSignal.timeout(Math.max(1, budget));
}
