import type { SweepDecision } from '../../lambdas/core/sweeper/report.js';
import { decisionLine } from './format.js';

/** Where the CLI writes: a stream, and whether it is a terminal. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  update(decision: SweepDecision, done: number, total: number): void;
  /** Ends the bar's line, so what follows starts on its own. */
  finish(): void;
}

const barWidth = 24;

/**
 * A bar redrawn in place on a terminal; one plain line per decision otherwise (logs, pipes, CI),
 * so nothing is lost where carriage returns would be.
 */
export function createProgress(output: Output): Progress {
  let drawn = false;
  if (!output.isTTY) {
    return {
      update: (decision, done, total) =>
        output.write(`[${done}/${total}] ${decisionLine(decision)}\n`),
      finish: () => undefined,
    };
  }
  return {
    update(decision, done, total) {
      const filled = Math.round((done / Math.max(total, 1)) * barWidth);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}`;
      const line = `[${bar}] ${done}/${total} ${decisionLine(decision)}`;
      const width = Math.max(20, (output.columns ?? 80) - 1);
      output.write(`\r\x1b[2K${line.slice(0, width)}`);
      drawn = true;
    },
    finish() {
      if (drawn) output.write('\n');
      drawn = false;
    },
  };
}
