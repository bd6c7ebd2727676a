import type { FailureOutcome } from './outcome.js';

/** What the failed call was about: decides whether "not found" means the contact or the user. */
export type Subject = 'contact' | 'security-user';

interface SdkError {
  name?: unknown;
  message?: unknown;
  Reason?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * The one mapping from Connect (SDK) errors to outcomes. Every error in StopContact's model,
 * plus ThrottlingException, AccessDeniedException, timeouts and aborts, lands here.
 */
export function outcomeFromError(error: unknown, subject: Subject): FailureOutcome {
  const sdkError = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
  const code = typeof sdkError.name === 'string' ? sdkError.name : 'UnknownError';
  const message =
    typeof sdkError.message === 'string' && sdkError.message ? sdkError.message : String(error);
  const status = sdkError.$metadata?.httpStatusCode;

  switch (code) {
    case 'ResourceNotFoundException':
      return subject === 'contact'
        ? { kind: 'invalid-contact-id', code, message }
        : { kind: 'invalid-security-user', code, message };
    // It may be about InstanceId or DisconnectReason as well, so it does not say the ID is bad.
    case 'InvalidParameterException':
      return { kind: 'failed', code, message };
    case 'ContactNotFoundException':
      return { kind: 'contact-not-active', code, message };
    case 'InvalidRequestException':
      return subject === 'contact'
        ? { kind: 'not-stoppable', code, message, ...reasonOf(sdkError.Reason) }
        : { kind: 'failed', code, message };
    case 'AccessDeniedException':
      return { kind: 'unauthorized', code, message };
    case 'ThrottlingException':
    case 'TooManyRequestsException':
      return { kind: 'throttled', code, message };
    case 'TimeoutError':
    case 'AbortError':
      return {
        kind: 'failed',
        code: 'TimeoutError',
        message: `Connect did not answer in time: ${message}`,
      };
    default:
      if (status === 429) return { kind: 'throttled', code, message };
      return { kind: 'failed', code, message };
  }
}

/** InvalidRequestException.Reason is a tagged union in Connect's model; keep its value as text. */
function reasonOf(reason: unknown): { reason?: string } {
  if (typeof reason === 'string') return { reason };
  if (typeof reason === 'object' && reason !== null) {
    const [first] = Object.values(reason);
    if (first !== undefined)
      return { reason: typeof first === 'string' ? first : JSON.stringify(first) };
  }
  return {};
}
