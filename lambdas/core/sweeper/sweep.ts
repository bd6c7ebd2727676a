import { setMaxListeners } from 'node:events';
import { withRunSignal } from '../connect/rate-limit.js';
import { keepOldestAsked } from '../settings/read.js';
import { rulesOf, type SweepOptions, type SweepSettings } from './config.js';
import type { SweepReport } from './report.js';
import { type SweepDeps, SweepRun } from './sweep-run.js';

export type { SweepOptions } from './config.js';
export type { SweepRegistry } from './end-callback.js';
export type { SweepConnect } from './last-look.js';
export type { SweepDeps } from './sweep-run.js';

/*
 * How candidates take turns: see inTurn (registry order for decisions, concurrent verification).
 *
 * What the rate limiter guarantees. Every Connect call waits for its API's slot in a client-side
 * sliding window (ConnectRateLimiter), so no second starts more calls than the configured rate;
 * reads and tags wait per SDK attempt, retries included. A StopContact takes its turn (StopPacer)
 * *before* its last look, so no limiter wait sits between that look and the stop; one look-and-stop
 * runs at a time and the window counts each stop when it is sent, so looks that finish together
 * never bunch their stops. It is sent once, never retried; a throttled stop is left for the next run.
 */

/**
 * Finds callbacks queued too long (and, with the duplicates policy, later callbacks for a number
 * already queued in the same queue), verifies each and, in mode `end`, ends it through the last
 * look (see lastLookThenStop). Throttles, failures and time-outs leave an entry for the next run.
 * Never throws for a Connect error.
 */
export async function sweepStuckCallbacks(
  deps: SweepDeps,
  settings: SweepSettings,
  options: SweepOptions,
): Promise<SweepReport> {
  if (keepOldestAsked(settings.duplicatesPolicy, rulesOf(settings)).any && !deps.hashPhoneNumber) {
    throw new Error('the duplicates policy keep-oldest needs a phone number hasher');
  }
  if (!options.abortSignal) return new SweepRun(deps, settings, options).execute();
  // Every call in flight and every call waiting for its rate listens to the run's signal.
  const signal = AbortSignal.any([options.abortSignal]);
  setMaxListeners(Math.max(10, options.concurrency * 6), signal);
  const run = new SweepRun(deps, settings, { ...options, abortSignal: signal });
  return withRunSignal(signal, () => run.execute());
}
