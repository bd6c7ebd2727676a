import { performance } from 'node:perf_hooks';
import type { SweepReport } from '../lambdas/core/sweeper/report.js';
import type { LocalConnect, LocalConnectOptions } from '../local/connect/index.js';

/**
 * What the sweep benches share: their environment, Connect's quotas held in the emulator and the
 * sweeper alike, and one timed sweep measured against the API those quotas limit most. Only types
 * come from the emulator, so bench/sweep.ts's child process never loads it.
 */

export const hour = 3_600_000;

/**
 * The APIs a sweep in mode end calls per candidate, held in the emulator (and the sweeper) to
 * twice Connect's default quotas: DescribeContact and StopContact 10 rps, GetContactMetrics the
 * 2 rps of an operation the quota table does not list.
 */
export const QUOTAS = { StopContact: 20, DescribeContact: 20, GetContactMetrics: 4 } as const;
export const limitedApis = Object.keys(QUOTAS) as (keyof typeof QUOTAS)[];
/** `StopContact 20, DescribeContact 20, GetContactMetrics 4`, for a bench's name. */
export const quotasLabel = limitedApis.map((api) => `${api} ${QUOTAS[api]}`).join(', ');

export const benchEnv = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'WARN',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

/** Sets the bench environment, keeping whatever the caller's environment already sets. */
export function useBenchEnv(): void {
  Object.assign(process.env, { ...benchEnv, ...process.env });
}

/** The emulator on a frozen clock, with QUOTAS held (or, with `false`, no quotas at all). */
export function emulatorOptions(quotas: boolean): LocalConnectOptions {
  return {
    quotas: quotas
      ? Object.fromEntries(
          limitedApis.map((api) => [api, { ratePerSecond: QUOTAS[api], burst: QUOTAS[api] }]),
        )
      : false,
    clockStart: new Date('2026-11-22T12:00:00.000Z'),
    freezeClock: true,
  };
}

/** The sweeper's own rates, set to QUOTAS. */
export const quotaRateSettings = {
  DESCRIBE_CONTACT_RPS: String(QUOTAS.DescribeContact),
  STOP_CONTACT_RPS: String(QUOTAS.StopContact),
  GET_CONTACT_METRICS_RPS: String(QUOTAS.GetContactMetrics),
};

export interface QuotaSweep {
  report: SweepReport;
  seconds: number;
  /** 429s the emulator answered, which the SDK retried. */
  throttled429: number;
  /** The API whose calls take longest at its quota: it sets the pace. */
  limitingApi: keyof typeof QUOTAS;
  /** Callbacks ended per second. */
  value: number;
  /** The quota-limited ideal: ended callbacks over the limiting API's time at its quota. */
  baseline: number;
  ratio: number;
}

/** Runs one sweep on a cleared request log, timed, and measures it against the quotas. */
export async function sweepAtQuotas(
  services: { sweep(): Promise<SweepReport>; destroy(): void },
  connect: LocalConnect,
): Promise<QuotaSweep> {
  connect.clearRequestLog();

  const started = performance.now();
  const report = await services.sweep();
  const seconds = (performance.now() - started) / 1000;

  services.destroy();
  const log = connect.requestLog();
  const throttled429 = log.filter((e) => e.status === 429).length;
  const value = report.counts.ended / seconds;
  // The API whose calls take longest at its quota sets the pace: that time is the ideal.
  const secondsAtQuota = limitedApis.map((api) => ({
    api,
    seconds: log.filter((e) => e.operation === api).length / QUOTAS[api],
  }));
  const limiting = secondsAtQuota.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const baseline = report.counts.ended / limiting.seconds;
  return {
    report,
    seconds,
    throttled429,
    limitingApi: limiting.api,
    value,
    baseline,
    ratio: value / baseline,
  };
}
