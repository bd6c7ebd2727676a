/** One benchmark figure, always measured against a baseline taken in the same run. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: number | null;
  /** value / baseline (or the figure's own ratio definition), the number the target is judged on. */
  ratio: number | null;
  /** Human-readable target, e.g. "ratio <= 0.6". */
  target: string;
  /** Whether the target was met in this run. */
  met: boolean;
}

/** A benchmark module: measures and returns its figures. */
export type Bench = () => Promise<BenchResult[]>;

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of an empty sample');
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}
