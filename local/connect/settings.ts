import type { LocalSettings } from './types.js';

export const DEFAULT_SETTINGS: Readonly<LocalSettings> = {
  searchShowsQueuedCallbacks: false,
  estimatedWaitSecondsPerPosition: 60,
};

/** The emulator's behaviour switches, changed at run time through the TypeScript or control API. */
export class SettingsStore {
  private current: LocalSettings;

  constructor(private readonly initial: Partial<LocalSettings> = {}) {
    this.current = { ...DEFAULT_SETTINGS };
    this.set(initial);
  }

  get(): LocalSettings {
    return { ...this.current };
  }

  set(change: Partial<LocalSettings>): LocalSettings {
    const { searchShowsQueuedCallbacks, estimatedWaitSecondsPerPosition } = change;
    if (
      searchShowsQueuedCallbacks !== undefined &&
      typeof searchShowsQueuedCallbacks !== 'boolean'
    ) {
      throw new TypeError(
        `searchShowsQueuedCallbacks must be true or false, got ${JSON.stringify(searchShowsQueuedCallbacks)}`,
      );
    }
    if (
      estimatedWaitSecondsPerPosition !== undefined &&
      !(Number.isFinite(estimatedWaitSecondsPerPosition) && estimatedWaitSecondsPerPosition >= 0)
    ) {
      throw new RangeError(
        `estimatedWaitSecondsPerPosition must be a number >= 0, got ${estimatedWaitSecondsPerPosition}`,
      );
    }
    this.current = {
      ...this.current,
      ...(searchShowsQueuedCallbacks === undefined ? {} : { searchShowsQueuedCallbacks }),
      ...(estimatedWaitSecondsPerPosition === undefined ? {} : { estimatedWaitSecondsPerPosition }),
    };
    return this.get();
  }

  /** Back to the settings the emulator started with. */
  restore(): void {
    this.current = { ...DEFAULT_SETTINGS };
    this.set(this.initial);
  }
}
