import { performance } from 'node:perf_hooks';

/** The one increasing counter that orders request-log entries and contact-history entries together. */
export class Sequence {
  private last = 0;

  next(): number {
    this.last += 1;
    return this.last;
  }
}

/** Real wall-clock epoch ms with sub-millisecond precision, comparable across the request log and histories. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
