import { describe, expect, it } from 'vitest';
import { formatAge } from '../../../lambdas/core/duration.js';

describe('formatAge', () => {
  it.each([
    [0, '0s'],
    [40_000, '40s'],
    [25 * 60_000, '25m'],
    [(4 * 60 + 10) * 60_000, '4h 10m'],
    [(3 * 24 + 4) * 3_600_000 + 59_000, '3d 4h'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });

  it('never writes a negative age, as a clock a little behind would', () => {
    expect(formatAge(-5_000)).toBe('0s');
  });
});
