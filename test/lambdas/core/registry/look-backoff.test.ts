import { describe, expect, it } from 'vitest';
import {
  backedOff,
  lookBackoffMs,
  maxLookBackoffMs,
  nextLookBackoff,
} from '../../../../lambdas/core/registry/look-backoff.js';

const now = Date.parse('2026-12-04T12:00:00.000Z');
const minute = 60_000;

describe('the look back-off', () => {
  it('waits 30 minutes after one skip, doubling each time, never more than 4 hours', () => {
    expect([1, 2, 3, 4, 5, 9].map((skips) => lookBackoffMs(skips) / minute)).toEqual([
      30, 60, 120, 240, 240, 240,
    ]);
  });

  it('counts skips on from the back-off it saw', () => {
    expect(nextLookBackoff({ skips: 2, nextLookAtMs: now }, now)).toEqual({
      skips: 3,
      nextLookAtMs: now + 120 * minute,
    });
  });

  it('leaves a callback alone until its next look, then looks again', () => {
    const backoff = { skips: 1, nextLookAtMs: now + 30 * minute };

    expect(backedOff(backoff, now)).toBe(true);
    expect(backedOff(backoff, now + 30 * minute)).toBe(false);
    expect(backedOff(undefined, now)).toBe(false);
  });

  it('never hides a callback longer than the longest wait, whatever clock wrote its back-off', () => {
    // Written by an operator's machine whose clock runs a day ahead.
    const skewed = { skips: 1, nextLookAtMs: now + 24 * 60 * minute };

    expect(backedOff(skewed, now)).toBe(false);
    expect(backedOff({ skips: 9, nextLookAtMs: now + maxLookBackoffMs }, now)).toBe(true);
  });
});
