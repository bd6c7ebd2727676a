import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Outcome } from '../connect/outcome.js';
import { createLogger, createMetrics, type DoorOptions, logOutcome } from '../observability.js';
import type { EndContactRequest } from '../schemas.js';
import { type Branch, branchOf, outcomeMetric } from './branches.js';
import { type EndContactDoor, endContactWithin } from './end-contact.js';

/** What both End a Contact doors share: their telemetry, and the end they log and count. */

export interface DoorTelemetry {
  logger: Logger;
  metrics: Metrics;
}

/** The door's logger and metrics: the ones it was given, or its own under its service name. */
export function doorTelemetry(serviceName: string, options: DoorOptions): DoorTelemetry {
  const logger = options.logger ?? createLogger(serviceName);
  const metrics = options.metrics ?? createMetrics(serviceName);
  return { logger, metrics };
}

/** Ends the contact within the invocation's time, then logs and counts the outcome. */
export async function endAndRecord(
  door: EndContactDoor,
  request: EndContactRequest,
  remainingTimeMs: number | undefined,
  { logger, metrics }: DoorTelemetry,
  logFields?: Record<string, string>,
): Promise<Outcome> {
  const outcome = await endContactWithin(door, request, remainingTimeMs);
  logOutcome(logger, outcome, request, logFields);
  publishOutcome(metrics, branchOf(outcome));
  return outcome;
}

/**
 * Publishes one invocation's outcome as EMF at once: `EndContactOutcome` = 1 under its branch.
 * Flushed here, not by a middleware, because a refused input answers before middlewares' after
 * hooks would run.
 */
export function publishOutcome(metrics: Metrics, branch: Branch): void {
  metrics.addDimension(outcomeMetric.branchDimension, branch);
  metrics.addMetric(outcomeMetric.name, MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
}
