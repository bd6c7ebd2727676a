import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { foreignRefLine, ownerOf } from '../core/connect/identifiers.js';
import { ConfigurationError } from '../core/errors.js';
import { inputOf, validateInput } from '../core/middleware/validate-input.js';
import { createLogger, type DoorOptions } from '../core/observability.js';
import { type FieldError, ownArnCheck } from '../core/schemas.js';
import { type SweeperConfig, sweepOptions } from '../core/sweeper/config.js';
import type { SweepDeps } from '../core/sweeper/model.js';
import {
  applyOverrides,
  isScheduledEvent,
  policyModeProblems,
  type SweepOverrides,
  sweepOverridesSchema,
  unconfiguredInstances,
} from '../core/sweeper/overrides.js';
import { publishRunMetrics, type SweepReport } from '../core/sweeper/report.js';
import { sweepStuckCallbacks } from '../core/sweeper/run.js';

/** A manual run with a bad override gets this back instead of a sweep. */
export interface InvalidSweepRequest {
  error: 'InvalidSweepRequest';
  message: string;
  errors: FieldError[];
}

export type SweeperResult = SweepReport | InvalidSweepRequest;

/** What the sweeper door runs on: handler.ts wires the deployed ones (lambdas/core/sweeper/deps.ts). */
export interface SweeperDoor {
  config: SweeperConfig;
  deps: SweepDeps;
  metrics: Metrics;
}

/**
 * The configured instance ARNs must be in the function's own account (its invoked ARN says which):
 * a foreign one fails the invocation, so the function's error alarm fires, and nothing is swept.
 */
function refuseForeignInstances(config: SweeperConfig, context: Context): void {
  const owner = ownerOf(context.invokedFunctionArn, process.env.AWS_REGION);
  const foreign = foreignRefLine(config.connectArns, owner);
  if (foreign) throw new ConfigurationError(foreign);
}

/** Kept back from the Lambda's own timeout so the report is still returned and flushed. */
const answerMarginMs = 1_000;

function invalid(errors: FieldError[]): InvalidSweepRequest {
  return {
    error: 'InvalidSweepRequest',
    message: errors.map((e) => `${e.field} ${e.message}`).join('; '),
    errors,
  };
}

/**
 * The sweeper door: the schedule's event runs the configuration; any other event is a manual
 * run whose overrides are validated first. The report is returned, logged and published as EMF.
 * Importing this module reads no environment and builds no client.
 */
export function createSweeperHandler(
  { config, deps, metrics }: SweeperDoor,
  options: DoorOptions = {},
) {
  const logger = options.logger ?? createLogger('callback-sweeper');
  // `message` is a reserved key of the Powertools Logger: log the fields, not the summary.
  const refuse = (result: InvalidSweepRequest) => {
    logger.warn('sweep request refused', { error: result.error, errors: result.errors });
    return result;
  };

  async function sweep(_event: unknown, context: Context): Promise<SweeperResult> {
    refuseForeignInstances(config, context);
    const overrides = inputOf<SweepOverrides>(context);
    const unknownInstances = unconfiguredInstances(config.settings, overrides);
    if (unknownInstances.length > 0) {
      return refuse(
        invalid(
          unknownInstances.map((id) => ({
            field: 'instanceIds',
            message: `names ${id}, which is not in CONNECT_INSTANCE_IDS`,
          })),
        ),
      );
    }
    const applied = applyOverrides(config.settings, overrides);
    if (!applied.ok) return refuse(invalid(applied.errors));
    const ignoredMode = policyModeProblems(config.settings, overrides);
    if (ignoredMode.length > 0) return refuse(invalid(ignoredMode));
    const remainingMs = () => context.getRemainingTimeInMillis();
    const report = await sweepStuckCallbacks(
      deps,
      applied.settings,
      sweepOptions(config, {
        timeLeftMs: () => remainingMs() - config.values.timeBudgetMargin,
        abortSignal: AbortSignal.timeout(Math.max(1, remainingMs() - answerMarginMs)),
      }),
    );
    publishRunMetrics(metrics, report);
    logger.info('sweep report', { report });
    return report;
  }

  return middy<unknown, SweeperResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(
      validateInput({
        // The schedule's event means "use the configuration"; anything else is a manual run.
        select: (event: unknown) => (isScheduledEvent(event) || event == null ? {} : event),
        schema: sweepOverridesSchema,
        onInvalid: (errors) => refuse(invalid(errors)),
        // One identifier rule at every door: an ARN of another account or Region is refused.
        check: ownArnCheck(['instanceIds', 'queueAllowList', 'queueDenyList']),
      }),
    )
    .handler(sweep);
}
