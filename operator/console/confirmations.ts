import { randomUUID } from 'node:crypto';
import type { SweepOverrides } from '../../lambdas/core/sweeper/overrides.js';

/** What a confirm page showed: the contacts it listed, and the narrowing it was listed under. */
export interface Confirmation {
  readonly title: string;
  readonly contactIds: readonly string[];
  /** Queues (and cap) the listed ones must still be in; never an age: the list replaces it. */
  readonly narrowing: SweepOverrides;
}

/** Confirmations kept at once; the oldest goes first. */
const kept = 100;

/**
 * The confirm pages' lists, kept server-side under a random key the page's form carries, so an
 * End acts on exactly what its page showed (never on criteria run again later), once.
 */
export class Confirmations {
  readonly #items = new Map<string, Confirmation>();

  add(confirmation: Confirmation): string {
    const key = randomUUID();
    this.#items.set(key, confirmation);
    for (const old of this.#items.keys()) {
      if (this.#items.size <= kept) break;
      this.#items.delete(old);
    }
    return key;
  }

  /** The confirmation under `key`, which is used up; undefined if it was used or never made. */
  take(key: string): Confirmation | undefined {
    const found = this.#items.get(key);
    this.#items.delete(key);
    return found;
  }
}
