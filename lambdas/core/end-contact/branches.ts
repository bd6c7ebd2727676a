import type { Outcome } from '../connect/outcome.js';
import type { FieldError } from '../schemas.js';

/** CXone's branches; the flow reads the one taken as `$.External.Branch`. */
export const branches = [
  'OnSuccess',
  'OnInvalidContactID',
  'OnUnauthorized',
  'OnInvalidSecurityUser',
  'Default',
] as const;
export type Branch = (typeof branches)[number];

const branchByOutcome: Record<Outcome['kind'], Branch> = {
  stopped: 'OnSuccess',
  'invalid-contact-id': 'OnInvalidContactID',
  'contact-not-active': 'OnInvalidContactID',
  'not-stoppable': 'Default',
  unauthorized: 'OnUnauthorized',
  'invalid-security-user': 'OnInvalidSecurityUser',
  throttled: 'Default',
  failed: 'Default',
};

/**
 * The one mapping from an outcome to CXone's branch: the flow answers with it, and every End a
 * Contact door counts its outcomes under it (the `EndContactOutcome` metric).
 */
export function branchOf(outcome: Outcome): Branch {
  return branchByOutcome[outcome.kind];
}

/** A bad ContactId or SecurityUser takes its own branch; any other bad field takes Default. */
export function validationOutcome(errors: readonly FieldError[]): Outcome {
  const message = errors.map((e) => `${e.field} ${e.message}`).join('; ');
  const fields = new Set(errors.map((e) => e.field));
  if (fields.has('ContactId'))
    return { kind: 'invalid-contact-id', code: 'ValidationException', message };
  if (fields.has('SecurityUser')) {
    return { kind: 'invalid-security-user', code: 'ValidationException', message };
  }
  return { kind: 'failed', code: 'ValidationException', message };
}

/**
 * The CloudWatch metric each End a Contact door publishes once per invocation (count 1), in the
 * project's namespace, with the dimensions `service` (the function's Powertools service name) and
 * `Branch`. The dashboard graphs the same names.
 */
export const outcomeMetric = { name: 'EndContactOutcome', branchDimension: 'Branch' } as const;

/**
 * Each End a Contact door's Powertools service name, which is also its folder under `lambdas/`:
 * the `service` dimension of its `EndContactOutcome` metric, which the dashboard graphs.
 */
export const doorServiceNames = { flow: 'end-contact', api: 'stop-contact-api' } as const;
