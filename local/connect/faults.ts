import type { SeededRandom } from './random.js';
import { type FaultSetting, isOperationName, type OperationName } from './types.js';

/**
 * What an injected fault decides for one request. `failure` happens before the operation is applied,
 * so it never has effect; `dropAfterApply` happens after, so the effect stays and no answer comes.
 */
export type FaultDecision = {
  latencyMs: number;
  failure?: 'error' | 'throttle';
  dropAfterApply?: true;
};

/** Per-operation fault injection, drawn from the seeded PRNG so a run replays for the same seed. */
export class FaultTable {
  private readonly faults = new Map<OperationName, Required<FaultSetting>>();

  constructor(private readonly random: SeededRandom) {}

  set(operation: OperationName, fault: FaultSetting): void {
    if (!isOperationName(operation))
      throw new RangeError(`no faults for unknown operation ${operation}`);
    for (const key of ['errorRate', 'throttleRate', 'dropAfterApplyRate'] as const) {
      const rate = fault[key];
      if (rate !== undefined && !(rate >= 0 && rate <= 1)) {
        throw new RangeError(`${key} must be between 0 and 1, got ${rate}`);
      }
    }
    for (const key of ['latencyMs', 'latencyJitterMs'] as const) {
      const ms = fault[key];
      if (ms !== undefined && !(ms >= 0)) throw new RangeError(`${key} must be >= 0, got ${ms}`);
    }
    this.faults.set(operation, {
      errorRate: fault.errorRate ?? 0,
      throttleRate: fault.throttleRate ?? 0,
      latencyMs: fault.latencyMs ?? 0,
      latencyJitterMs: fault.latencyJitterMs ?? 0,
      dropAfterApplyRate: fault.dropAfterApplyRate ?? 0,
    });
  }

  clear(): void {
    this.faults.clear();
  }

  decide(operation: OperationName): FaultDecision {
    const fault = this.faults.get(operation);
    if (!fault) return { latencyMs: 0 };
    // A jitter of 0 draws nothing, so settings without it replay the same sequence as before.
    const jitter = fault.latencyJitterMs > 0 ? this.random.next() * fault.latencyJitterMs : 0;
    const latencyMs = fault.latencyMs + jitter;
    if (this.random.chance(fault.errorRate)) return { latencyMs, failure: 'error' };
    if (this.random.chance(fault.throttleRate)) return { latencyMs, failure: 'throttle' };
    if (this.random.chance(fault.dropAfterApplyRate)) return { latencyMs, dropAfterApply: true };
    return { latencyMs };
  }

  describe(): Record<string, Required<FaultSetting>> {
    return Object.fromEntries(this.faults);
  }
}
