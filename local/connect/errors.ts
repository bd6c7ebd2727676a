/** Errors of the local Amazon Connect: those it answers on the wire, and those its own API throws. */

/** Error types Connect answers with, and the HTTP status each carries in the service model. */
export const CONNECT_ERROR_STATUS = {
  InvalidRequestException: 400,
  InvalidParameterException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ContactNotFoundException: 410,
  ThrottlingException: 429,
  InternalServiceException: 500,
  UnknownOperationException: 404,
} as const;

export type ConnectErrorType = keyof typeof CONNECT_ERROR_STATUS;

/** A Connect error answered as `x-amzn-ErrorType: <errorType>` and `{"Message": …}`. */
export class ConnectApiError extends Error {
  readonly errorType: ConnectErrorType;
  readonly statusCode: number;

  constructor(errorType: ConnectErrorType, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConnectApiError';
    this.errorType = errorType;
    this.statusCode = CONNECT_ERROR_STATUS[errorType];
  }
}

export const invalidParameter = (message: string) =>
  new ConnectApiError('InvalidParameterException', message);
export const invalidRequest = (message: string) =>
  new ConnectApiError('InvalidRequestException', message);
export const resourceNotFound = (message: string) =>
  new ConnectApiError('ResourceNotFoundException', message);
export const contactNotFound = (message: string) =>
  new ConnectApiError('ContactNotFoundException', message);
export const throttling = (message = 'Rate exceeded') =>
  new ConnectApiError('ThrottlingException', message);
export const internalService = (message: string) =>
  new ConnectApiError('InternalServiceException', message);

/**
 * A request AWS rejects before it reaches Connect (no or malformed SigV4). AWS answers these with a
 * lowercase `{"message": …}` body.
 */
export class AuthenticationError extends Error {
  readonly errorType:
    | 'MissingAuthenticationTokenException'
    | 'IncompleteSignatureException'
    | 'InvalidSignatureException';
  readonly statusCode = 403;

  constructor(errorType: AuthenticationError['errorType'], message: string) {
    super(message);
    this.name = 'AuthenticationError';
    this.errorType = errorType;
  }
}

/** The TypeScript or control API was given something it cannot seed or do (HTTP 400 on the control API). */
export class InvalidLocalInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidLocalInputError';
  }
}

/** The TypeScript or control API named an instance, queue, user or contact that does not exist (HTTP 404). */
export class LocalEntityNotFoundError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalEntityNotFoundError';
  }
}

/** A scenario file or object does not match the scenario format; the message names the bad field. */
export class ScenarioValidationError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ScenarioValidationError';
  }
}

/** A control action that the contact's current state does not allow (HTTP 409); the message names the state. */
export class LocalStateConflictError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalStateConflictError';
  }
}
