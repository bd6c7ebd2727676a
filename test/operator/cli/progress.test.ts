import { describe, expect, it } from 'vitest';
import type { SweepDecision } from '../../../lambdas/core/sweeper/report.js';
import { createProgress } from '../../../operator/cli/progress.js';

const decision: SweepDecision = {
  contactId: 'c-1',
  instanceId: 'i-1',
  decision: 'ended',
  reason: 'queued-too-long',
};

function capture(isTTY: boolean) {
  const written: string[] = [];
  return { written, output: { isTTY, columns: 100, write: (text: string) => written.push(text) } };
}

describe('createProgress', () => {
  it('writes one plain line per decision when the output is not a terminal', () => {
    const { written, output } = capture(false);
    const progress = createProgress(output);

    progress.update(decision, 1, 2);
    progress.finish();

    expect(written).toEqual(['[1/2] ended c-1 (queued-too-long)\n']);
  });

  it('redraws one bar in place on a terminal, and ends its line when finished', () => {
    const { written, output } = capture(true);
    const progress = createProgress(output);

    progress.update(decision, 1, 2);
    progress.update(decision, 2, 2);
    progress.finish();

    const redraw = '\r\x1b[2K';
    expect(written[0]).toBe(
      `${redraw}[${'#'.repeat(12)}${'.'.repeat(12)}] 1/2 ended c-1 (queued-too-long)`,
    );
    expect(written[1]?.startsWith(`${redraw}[${'#'.repeat(24)}] 2/2 `)).toBe(true);
    expect(written.at(-1)).toBe('\n');
  });
});
