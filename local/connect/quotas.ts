import { performance } from 'node:perf_hooks';
import type { OperationName, QuotaSetting } from './types.js';

/**
 * Connect's default API quotas (per account and Region), as shared/reference/connect-facts.md tabulates
 * them from adminguide/amazon-connect-service-limits. GetContactMetrics is not in that table (nor in
 * the Service Quotas listings found), so it gets the documented default for "all other operations",
 * 2 per second with a burst of 5, as does ListLambdaFunctions.
 */
export const DEFAULT_QUOTAS: Readonly<Record<OperationName, QuotaSetting>> = {
  StopContact: { ratePerSecond: 10, burst: 15 },
  DescribeContact: { ratePerSecond: 10, burst: 15 },
  SearchContacts: { ratePerSecond: 0.5, burst: 1 },
  GetCurrentMetricData: { ratePerSecond: 5, burst: 8 },
  GetContactMetrics: { ratePerSecond: 2, burst: 5 },
  DescribeUser: { ratePerSecond: 2, burst: 5 },
  ListSecurityProfilePermissions: { ratePerSecond: 2, burst: 5 },
  SearchUsers: { ratePerSecond: 2, burst: 5 },
  TagContact: { ratePerSecond: 20, burst: 25 },
  UpdateContactAttributes: { ratePerSecond: 10, burst: 15 },
  // Not in the table: the default for every other operation.
  DescribeInstance: { ratePerSecond: 2, burst: 5 },
  DescribeQueue: { ratePerSecond: 2, burst: 5 },
  ListQueues: { ratePerSecond: 2, burst: 5 },
  ListLambdaFunctions: { ratePerSecond: 2, burst: 5 },
};

/** A token bucket on real (monotonic) time: throttling is about request rate, not the contact clock. */
export class TokenBucket {
  private tokens: number;
  private lastRefillMs: number;

  constructor(
    readonly setting: QuotaSetting,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    assertQuota(setting);
    this.tokens = setting.burst;
    this.lastRefillMs = this.nowMs();
  }

  tryTake(): boolean {
    const now = this.nowMs();
    const refill = ((now - this.lastRefillMs) / 1000) * this.setting.ratePerSecond;
    this.tokens = Math.min(this.setting.burst, this.tokens + refill);
    this.lastRefillMs = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export type QuotaOptions =
  | boolean
  | Partial<Record<OperationName, QuotaSetting | false>>
  | undefined;

/** Per-operation token buckets that can be tuned, switched off per operation, or off altogether. */
export class QuotaTable {
  private enabled: boolean;
  private readonly buckets = new Map<OperationName, TokenBucket | false>();

  constructor(
    options: QuotaOptions = true,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.enabled = options !== false;
    for (const [operation, setting] of Object.entries(DEFAULT_QUOTAS) as [
      OperationName,
      QuotaSetting,
    ][]) {
      this.buckets.set(operation, new TokenBucket(setting, nowMs));
    }
    if (typeof options === 'object') {
      for (const [operation, setting] of Object.entries(options) as [
        OperationName,
        QuotaSetting | false,
      ][]) {
        this.set(operation, setting);
      }
    }
  }

  /** Takes a token for `operation`; false means answer ThrottlingException. */
  tryAcquire(operation: OperationName): boolean {
    if (!this.enabled) return true;
    const bucket = this.buckets.get(operation);
    return bucket ? bucket.tryTake() : true;
  }

  /** Replaces an operation's quota (with a full bucket), or switches it off with `false`. */
  set(operation: OperationName, setting: QuotaSetting | false): void {
    if (!(operation in DEFAULT_QUOTAS))
      throw new RangeError(`no quota for unknown operation ${operation}`);
    this.buckets.set(operation, setting === false ? false : new TokenBucket(setting, this.nowMs));
  }

  enable(enabled: boolean): void {
    this.enabled = enabled;
  }

  describe(): { enabled: boolean; operations: Record<string, QuotaSetting | false> } {
    const operations: Record<string, QuotaSetting | false> = {};
    for (const [operation, bucket] of this.buckets)
      operations[operation] = bucket ? bucket.setting : false;
    return { enabled: this.enabled, operations };
  }
}

function assertQuota(setting: QuotaSetting): void {
  if (!(setting.ratePerSecond > 0) || !(setting.burst >= 1)) {
    throw new RangeError(
      `a quota needs ratePerSecond > 0 and burst >= 1, got ${JSON.stringify(setting)}; use false to switch it off`,
    );
  }
}
