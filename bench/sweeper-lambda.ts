import { createSweeperHandler } from '../lambdas/callback-sweeper/callback-sweeper.js';
import { createMetrics } from '../lambdas/core/observability.js';
import type { SweeperConfig } from '../lambdas/core/sweeper/config.js';
import { type CallbackEndpoints, createSweepDeps } from '../lambdas/core/sweeper/deps.js';
import type { SweepReport } from '../lambdas/core/sweeper/report.js';
import { lambdaContext } from '../local/lambda-runtime.js';

/**
 * The sweeper Lambda as deployed: its handler factory over the deps its handler.ts builds, on
 * these endpoints, invoked as the schedule invokes it with a 10-minute budget.
 */
export function sweeperLambda(
  config: SweeperConfig,
  endpoints: CallbackEndpoints,
  now: () => number,
) {
  const deps = createSweepDeps(config, endpoints, now);
  const handler = createSweeperHandler({
    config,
    deps,
    metrics: createMetrics('callback-sweeper'),
  });
  return {
    destroy: () => {
      deps.connect.destroy();
      deps.stopClient.destroy();
    },
    async sweep(): Promise<SweepReport> {
      const result = await handler(
        { 'detail-type': 'Scheduled Event', source: 'aws.events' },
        lambdaContext('callback-sweeper', 600_000),
      );
      if ('error' in result) throw new Error(`sweep refused: ${result.message}`);
      return result;
    },
  };
}
