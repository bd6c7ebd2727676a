import type { SweepMode, SweepOptions } from './config.js';
import type { SweepReport } from './report.js';

type EarlyStop = NonNullable<SweepReport['stoppedEarly']>;

/**
 * What a run may still do: its stop cap, its time budget and the operator's stop. Past any of
 * them, candidates are only read; the first reason the run stopped early is the one reported.
 */
export class RunBudget {
  readonly #options: Pick<SweepOptions, 'timeLeftMs' | 'stopSignal'>;
  readonly #maxStops: number;
  readonly #mode: SweepMode;
  #stopsStarted = 0;
  #stoppedEarly: SweepReport['stoppedEarly'];
  /** The time budget ran out: no more index pages are read, so the index was not read whole. */
  #timeUp = false;

  constructor(
    options: Pick<SweepOptions, 'timeLeftMs' | 'stopSignal'>,
    maxStops: number,
    mode: SweepMode,
  ) {
    this.#options = options;
    this.#maxStops = maxStops;
    this.#mode = mode;
  }

  get stoppedEarly(): SweepReport['stoppedEarly'] {
    return this.#stoppedEarly;
  }

  get timeUp(): boolean {
    return this.#timeUp;
  }

  /** Whether the run reads no further: its time is up or the operator stopped it. */
  done(): boolean {
    if (!this.#timeUp && this.#options.timeLeftMs() <= 0) this.#outOfTime();
    return this.#timeUp || this.stopped();
  }

  /** Past the stop cap (mode end), the time budget or an operator's stop, candidates are only read. */
  earlyStop(): EarlyStop | undefined {
    if (this.stopped()) return 'stopped';
    if (this.#stoppedEarly === 'max-stops' && this.#mode === 'end') return 'max-stops';
    if (this.#timeUp || this.#options.timeLeftMs() <= 0) {
      this.#outOfTime();
      return 'time-budget';
    }
    return undefined;
  }

  /** The operator's stopSignal fired: no new candidate starts; calls in flight finish. */
  stopped(): boolean {
    if (!this.#options.stopSignal?.aborted) return false;
    this.#stoppedEarly ??= 'stopped';
    return true;
  }

  /** Takes one of the run's stops, or says why none is left. */
  takeStop(): 'max-stops' | 'stopped' | undefined {
    if (this.#stopsStarted >= this.#maxStops) {
      this.#stoppedEarly ??= 'max-stops';
      return 'max-stops';
    }
    if (this.stopped()) return 'stopped';
    this.#stopsStarted++;
    return undefined;
  }

  #outOfTime(): void {
    this.#timeUp = true;
    this.#stoppedEarly ??= 'time-budget';
  }
}
