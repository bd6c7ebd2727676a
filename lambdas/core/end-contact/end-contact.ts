import type { ConnectClient } from '@aws-sdk/client-connect';
import type { CallOptions } from '../connect/client.js';
import type { Outcome } from '../connect/outcome.js';
import { stopContact } from '../connect/stop-contact.js';
import { invocationDeadline } from '../deadline.js';
import type { EndContactRequest } from '../schemas.js';
import type { SecurityUserAuthorizer } from './security-user.js';

export interface EndContactDeps {
  client: ConnectClient;
  securityUsers: SecurityUserAuthorizer;
  /** When true, a request without a SecurityUser is refused as OnInvalidSecurityUser. */
  requireSecurityUser: boolean;
}

/** CXone's End a Contact: check the SecurityUser (when given or required), then StopContact. */
export async function endContact(
  deps: EndContactDeps,
  request: EndContactRequest,
  options: CallOptions = {},
): Promise<Outcome> {
  if (request.securityUser) {
    const check = await deps.securityUsers.check(request.instanceId, request.securityUser, options);
    if (check.kind !== 'authorized') return check;
  } else if (deps.requireSecurityUser) {
    return {
      kind: 'invalid-security-user',
      code: 'InvalidSecurityUser',
      message: 'SecurityUser is required (REQUIRE_SECURITY_USER=true)',
    };
  }
  return stopContact(deps.client, request, options);
}

/** What a door needs to end contacts: its dependencies and its time budget. */
export interface EndContactDoor {
  deps: EndContactDeps;
  /** Total time an invocation may spend on Connect calls. */
  deadlineMs: number;
}

/** One door's call, within the deadline and the Lambda's remaining time; the door logs it. */
export function endContactWithin(
  door: EndContactDoor,
  request: EndContactRequest,
  remainingTimeMs: number | undefined,
): Promise<Outcome> {
  const abortSignal = invocationDeadline(door.deadlineMs, remainingTimeMs);
  return endContact(door.deps, request, { abortSignal });
}
