import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Outcome } from './connect/outcome.js';
import { metricsNamespace } from './settings/table.js';

/** What a door logs and counts with: its own logger and metrics unless the caller passes them. */
export interface DoorOptions {
  logger?: Logger;
  metrics?: Metrics;
}

/**
 * A door's own logger, created with its handler, so that handlers sharing a process (the local
 * runner) each log under their own function name and correlation ID. Never give it a customer
 * phone number, contact attributes or a SecurityUser's username.
 */
export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName });
}

/** Logs an outcome with IDs only: contact and instance IDs are not personal data. */
export function logOutcome(
  logger: Logger,
  outcome: Outcome,
  subject: { instanceId: string; contactId: string; securityUser?: string },
  extra: Record<string, string> = {},
): void {
  const fields = {
    ...extra,
    outcome: outcome.kind,
    instanceId: subject.instanceId,
    contactId: subject.contactId,
    securityUser: subject.securityUser ? 'given' : 'none',
  };
  if (outcome.kind === 'stopped') {
    logger.info('contact ended', fields);
    return;
  }
  // `message` is a reserved key of the Powertools Logger, so Connect's message goes under its own.
  const details = { ...fields, code: outcome.code, errorMessage: outcome.message };
  // A refusal the caller's input explains is an answer, not an incident: INFO, counted by the
  // outcome metric; throttling and failures are for whoever watches WARN.
  if (expectedRefusals.has(outcome.kind)) logger.info('contact not ended', details);
  else logger.warn('contact not ended', details);
}

const expectedRefusals = new Set<Outcome['kind']>([
  'invalid-contact-id',
  'contact-not-active',
  'not-stoppable',
  'unauthorized',
  'invalid-security-user',
]);

/** A door's own metrics, in the project's namespace, under the door's service name. */
export function createMetrics(serviceName: string): Metrics {
  return new Metrics({ namespace: metricsNamespace, serviceName });
}
