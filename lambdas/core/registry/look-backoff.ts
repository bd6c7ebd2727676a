/**
 * How long the sweeper waits before it looks again at a callback it found with an agent (offered,
 * accepted and dialling, the customer connected, or connected): such a callback is left for a
 * person, often for days (a re-queued callback keeps its agent fields), and looking at it every
 * run would spend every run's time budget and DescribeContact rate on it. The back-off only
 * postpones looks: it never ends anything, and any event or look that finds it waiting resets it.
 */

/** The first wait, after one skip: two runs of the default 15-minute schedule. */
export const firstLookBackoffMs = 30 * 60_000;
/** The longest wait: a callback left for a person is still looked at six times a day. */
export const maxLookBackoffMs = 4 * 60 * 60_000;

/** A callback's back-off as the registry holds it. */
export interface LookBackoff {
  /** Consecutive looks that found an agent on it. */
  skips: number;
  /** Epoch ms before which no run looks at it. */
  nextLookAtMs: number;
}

/** The wait after `skips` consecutive skips: 30 min, doubling, at most 4 h. */
export function lookBackoffMs(skips: number): number {
  const doublings = Math.min(Math.max(skips - 1, 0), 16);
  return Math.min(firstLookBackoffMs * 2 ** doublings, maxLookBackoffMs);
}

/** The back-off after one more skip, seen at `nowMs`. */
export function nextLookBackoff(seen: LookBackoff | undefined, nowMs: number): LookBackoff {
  const skips = (seen?.skips ?? 0) + 1;
  return { skips, nextLookAtMs: nowMs + lookBackoffMs(skips) };
}

/**
 * Whether a run at `nowMs` leaves the callback unlooked at. A back-off further off than the
 * longest wait was written by a clock ahead of this one (an operator's machine): it counts as run
 * out, so a skewed clock can never hide a callback for longer than `maxLookBackoffMs`.
 */
export function backedOff(backoff: LookBackoff | undefined, nowMs: number): boolean {
  return (
    backoff !== undefined &&
    backoff.nextLookAtMs > nowMs &&
    backoff.nextLookAtMs <= nowMs + maxLookBackoffMs
  );
}
