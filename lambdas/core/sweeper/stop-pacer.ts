import { slidingWindowOf } from '../connect/rate-limit.js';

/** Turns for one look-and-stop each; StopPacer is the one the sweeper uses. */
export interface StopTurns {
  turn<T>(turn: (sent: () => void) => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/**
 * StopContact's rate, counted at the moment each stop is sent. A slot taken before a look that
 * takes a while says nothing about when the stop goes out: looks that finish together would send
 * their stops together. So one look-and-stop runs at a time; its turn starts once a stop sent at
 * that moment would keep the sliding window, and the window counts the times the stops were sent
 * (`sent()`, called right before the stop, with nothing awaited in between). The look-to-stop gap
 * stays what the look takes; the stops never come closer than the rate.
 */
export class StopPacer implements StopTurns {
  readonly #limit: number;
  readonly #intervalMs: number;
  readonly #now: () => number;
  /** Send times of the last `limit` stops, oldest first. */
  readonly #sentAt: number[] = [];
  #tail: Promise<void> = Promise.resolve();

  constructor(ratePerSecond: number, now: () => number = () => performance.now()) {
    const { limit, interval } = slidingWindowOf(ratePerSecond);
    this.#limit = limit;
    this.#intervalMs = interval;
    this.#now = now;
  }

  /**
   * Runs `turn` alone, once its stop may be sent. `turn` calls `sent()` synchronously right before
   * it sends StopContact, or not at all when it sends none. Rejects with the signal's reason when
   * aborted while waiting; a turn once begun is never cut short here.
   */
  async turn<T>(turn: (sent: () => void) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The next turn waits for this one and for every one before it, even if this one gives up.
    this.#tail = Promise.all([previous, mine]).then(() => undefined);
    try {
      await abortable(previous, signal);
      await abortable(this.#windowOpen(), signal);
      signal?.throwIfAborted();
      return await turn(() => this.#record());
    } finally {
      release();
    }
  }

  #record(): void {
    this.#sentAt.push(this.#now());
    if (this.#sentAt.length > this.#limit) this.#sentAt.shift();
  }

  /** Resolves once a stop sent now leaves no window of `intervalMs` with more than `limit` stops. */
  async #windowOpen(): Promise<void> {
    while (this.#sentAt.length >= this.#limit) {
      const waitMs = (this.#sentAt[0] as number) + this.#intervalMs - this.#now();
      if (waitMs <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(waitMs)));
    }
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
