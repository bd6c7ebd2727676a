import { afterEach, expect, vi } from 'vitest';

/** One CloudWatch embedded-metric-format record, as Powertools Metrics prints it. */
export interface EmfRecord {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
  [key: string]: unknown;
}

/**
 * Turns Powertools Metrics on (vitest.config.ts turns it off) and records stdout: create the
 * handler after calling this, since Metrics reads the switch when it is constructed. Undo with
 * `vi.unstubAllEnvs()` and `vi.restoreAllMocks()`, as `undoEmfCaptureAfterEach` does.
 */
export function captureEmf(): () => EmfRecord[] {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  return () =>
    chunks
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"CloudWatchMetrics"'))
      .map((line) => JSON.parse(line) as EmfRecord);
}

/** Undoes `captureEmf` after each test of the enclosing `describe`. */
export function undoEmfCaptureAfterEach(): void {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });
}

/** Asserts the record an End a Contact door publishes: EndContactOutcome 1 under its branch. */
export function expectOutcomeRecord(
  record: EmfRecord | undefined,
  expected: { service: string; branch: string },
): void {
  expect(record?._aws.CloudWatchMetrics).toEqual([
    {
      Namespace: 'AmazonConnectEndContact',
      Dimensions: [['service', 'Branch']],
      Metrics: [{ Name: 'EndContactOutcome', Unit: 'Count' }],
    },
  ]);
  expect(record).toMatchObject({
    service: expected.service,
    Branch: expected.branch,
    EndContactOutcome: 1,
  });
}
