import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { createPhoneHasher } from '../core/callbacks/phone-hash.js';
import type { SweepReport } from '../core/callbacks/report.js';
import { createRegistry, createSweeperConnect } from '../core/callbacks/services.js';
import { type SweepDeps, sweepStuckCallbacks } from '../core/callbacks/sweep.js';
import {
  applyOverrides,
  isScheduledEvent,
  type SweepOverrides,
  sweepOverridesSchema,
  unconfiguredInstances,
} from '../core/callbacks/sweep-request.js';
import {
  readSweeperConfig,
  type SweeperConfig,
  sweepOptions,
} from '../core/callbacks/sweeper-config.js';
import { inputOf, validateInput } from '../core/middleware/validate-input.js';
import { logger } from '../core/observability.js';
import type { FieldError } from '../core/schemas.js';

/** A manual run with a bad override gets this back instead of a sweep. */
export interface InvalidSweepRequest {
  error: 'InvalidSweepRequest';
  message: string;
  errors: FieldError[];
}

export type SweeperResult = SweepReport | InvalidSweepRequest;

/** What the sweeper door runs on: the deployed handler's, or the local runner's. */
export interface SweeperDoor {
  config: SweeperConfig;
  deps: SweepDeps;
  metrics: Metrics;
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

function publishMetrics(metrics: Metrics, report: SweepReport): void {
  metrics.addDimension('mode', report.mode);
  const { counts } = report;
  metrics.addMetric('Candidates', MetricUnit.Count, counts.candidates);
  metrics.addMetric('Verified', MetricUnit.Count, counts.verified);
  metrics.addMetric('Ended', MetricUnit.Count, counts.ended);
  metrics.addMetric('EndedUntagged', MetricUnit.Count, counts.endedUntagged);
  metrics.addMetric('TagFailed', MetricUnit.Count, counts.tagFailed);
  metrics.addMetric('Discovered', MetricUnit.Count, counts.discovered);
  metrics.addMetric('WouldEnd', MetricUnit.Count, counts.wouldEnd);
  metrics.addMetric('AlreadyGone', MetricUnit.Count, counts.alreadyGone);
  metrics.addMetric('Failed', MetricUnit.Count, counts.failed + counts.registryErrors);
  metrics.addMetric('Throttled', MetricUnit.Count, counts.throttled);
  metrics.addMetric('UnexplainedQueues', MetricUnit.Count, report.unexplainedQueues.length);
}

/**
 * The sweeper door: the schedule's event runs the configuration; any other event is a manual
 * run whose overrides are validated first. The report is returned, logged and published as EMF.
 */
export function createSweeperHandler({ config, deps, metrics }: SweeperDoor) {
  async function sweep(_event: unknown, context: Context): Promise<SweeperResult> {
    const overrides = inputOf<SweepOverrides>(context);
    const unknownInstances = unconfiguredInstances(config.settings, overrides);
    if (unknownInstances.length > 0) {
      const result = invalid(
        unknownInstances.map((id) => ({
          field: 'instanceIds',
          message: `names ${id}, which is not in CONNECT_INSTANCE_IDS`,
        })),
      );
      logger.warn('sweep request refused', { ...result });
      return result;
    }
    const remainingMs = () => context.getRemainingTimeInMillis();
    const report = await sweepStuckCallbacks(
      deps,
      applyOverrides(config.settings, overrides),
      sweepOptions(config, {
        timeLeftMs: () => remainingMs() - config.timeBudgetMarginMs,
        abortSignal: AbortSignal.timeout(Math.max(1, remainingMs() - answerMarginMs)),
      }),
    );
    publishMetrics(metrics, report);
    logger.info('sweep report', { report });
    return report;
  }

  return middy<unknown, SweeperResult, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(
      validateInput({
        // The schedule's event means "use the configuration"; anything else is a manual run.
        select: (event: unknown) => (isScheduledEvent(event) || event == null ? {} : event),
        schema: sweepOverridesSchema,
        onInvalid: (errors) => {
          const result = invalid(errors);
          logger.warn('sweep request refused', { ...result });
          return result;
        },
      }),
    )
    .handler(sweep);
}

const config = readSweeperConfig();

export const handler = createSweeperHandler({
  config,
  deps: {
    ...createSweeperConnect(config),
    registry: createRegistry(config.tableName),
    ...(config.phoneHashSalt ? { hashPhoneNumber: createPhoneHasher(config.phoneHashSalt) } : {}),
  },
  metrics: new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'AmazonConnectEndContact',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'callback-sweeper',
  }),
});
