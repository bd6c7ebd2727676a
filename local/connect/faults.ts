import type { SeededRandom } from './random.js';
import { type FaultSetting, isOperationName, type OperationName } from './types.js';

/** What an injected fault decides for one request. */
export type FaultDecision = { latencyMs: number; failure?: 'error' | 'throttle' };

/** Per-operation fault injection, drawn from the seeded PRNG so a run replays for the same seed. */
export class FaultTable {
  private readonly faults = new Map<OperationName, Required<FaultSetting>>();

  constructor(private readonly random: SeededRandom) {}

  set(operation: OperationName, fault: FaultSetting): void {
    if (!isOperationName(operation))
      throw new RangeError(`no faults for unknown operation ${operation}`);
    for (const key of ['errorRate', 'throttleRate'] as const) {
      const rate = fault[key];
      if (rate !== undefined && !(rate >= 0 && rate <= 1)) {
        throw new RangeError(`${key} must be between 0 and 1, got ${rate}`);
      }
    }
    if (fault.latencyMs !== undefined && !(fault.latencyMs >= 0)) {
      throw new RangeError(`latencyMs must be >= 0, got ${fault.latencyMs}`);
    }
    this.faults.set(operation, {
      errorRate: fault.errorRate ?? 0,
      throttleRate: fault.throttleRate ?? 0,
      latencyMs: fault.latencyMs ?? 0,
    });
  }

  clear(): void {
    this.faults.clear();
  }

  decide(operation: OperationName): FaultDecision {
    const fault = this.faults.get(operation);
    if (!fault) return { latencyMs: 0 };
    if (this.random.chance(fault.errorRate))
      return { latencyMs: fault.latencyMs, failure: 'error' };
    if (this.random.chance(fault.throttleRate))
      return { latencyMs: fault.latencyMs, failure: 'throttle' };
    return { latencyMs: fault.latencyMs };
  }

  describe(): Record<string, Required<FaultSetting>> {
    return Object.fromEntries(this.faults);
  }
}
