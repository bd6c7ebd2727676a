/** The controllable clock: contact timestamps come from it, and tests age contacts instantly with it. */
export interface Clock {
  /** Epoch ms. */
  now(): number;
  /** Moves the clock forward (or back, with a negative value) by `ms`. */
  advance(ms: number): void;
  /** Moves the clock to `epochMs`. */
  set(epochMs: number): void;
}

export interface ClockOptions {
  /** Where the clock starts. @default now */
  start?: Date;
  /** Stop the clock between `advance`/`set` calls, so timestamps are exact in tests. @default false */
  frozen?: boolean;
}

/** The clock stays where an ISO-8601 timestamp has four digits: 1970 to 9999. */
export const CLOCK_RANGE_MS = { min: 0, max: Date.parse('9999-12-31T23:59:59.999Z') } as const;

/** Real time plus an offset (ticking), or a fixed instant that moves only when told (frozen). */
export class ControllableClock implements Clock {
  private readonly frozen: boolean;
  private offsetMs: number;
  private frozenAtMs: number;

  constructor(options: ClockOptions = {}) {
    const startMs = options.start?.getTime() ?? Date.now();
    if (!Number.isFinite(startMs)) throw new RangeError('clock start is not a valid date');
    this.frozen = options.frozen ?? false;
    this.offsetMs = startMs - Date.now();
    this.frozenAtMs = startMs;
  }

  now(): number {
    return this.frozen ? this.frozenAtMs : Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms))
      throw new RangeError(`clock advance needs a finite number of ms, got ${ms}`);
    checkInRange(this.now() + ms);
    this.offsetMs += ms;
    this.frozenAtMs += ms;
  }

  set(epochMs: number): void {
    if (!Number.isFinite(epochMs)) throw new RangeError(`clock set needs epoch ms, got ${epochMs}`);
    checkInRange(epochMs);
    this.offsetMs = epochMs - Date.now();
    this.frozenAtMs = epochMs;
  }
}

/** Refuses a move before anything changes: past the range, dates stop printing and Connect wedges. */
function checkInRange(targetMs: number): void {
  if (targetMs < CLOCK_RANGE_MS.min || targetMs > CLOCK_RANGE_MS.max) {
    throw new RangeError(
      `would move the clock to ${targetMs} epoch ms; it must stay from 1970-01-01 to 9999-12-31 (0 to ${CLOCK_RANGE_MS.max} epoch ms)`,
    );
  }
}
