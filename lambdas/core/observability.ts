import { Logger } from '@aws-lambda-powertools/logger';
import type { Outcome } from './connect/outcome.js';

/**
 * The one logger of a function. Its service name comes from POWERTOOLS_SERVICE_NAME. Never give
 * it a customer phone number, contact attributes or a SecurityUser's username.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'end-contact',
});

/** Logs an outcome with IDs only: contact and instance IDs are not personal data. */
export function logOutcome(
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
  if (outcome.kind === 'stopped') logger.info('contact ended', fields);
  // `message` is a reserved key of the Powertools Logger, so Connect's message goes under its own.
  else
    logger.warn('contact not ended', {
      ...fields,
      code: outcome.code,
      errorMessage: outcome.message,
    });
}
