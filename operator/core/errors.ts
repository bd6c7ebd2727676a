/** The operator asked for something that cannot be: a bad option, an unknown queue or contact. */
export class OperatorInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OperatorInputError';
  }
}

/** The target cannot be used: nothing answers, a stack lacks an output, a session expired. */
export class TargetError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TargetError';
  }
}

const expired = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'TokenRefreshRequired',
]);
const invalid = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
]);
const denied = new Set(['AccessDenied', 'AccessDeniedException']);

/**
 * One line for an error reaching AWS (credentials, sessions, access), or undefined when the error
 * is something else. The SDK's credential chain throws CredentialsProviderError when it finds no
 * usable credentials, and an expired SSO session or token surfaces as one of `expired`.
 */
export function describeAccessError(error: unknown): string | undefined {
  const { name = '', message = '' } = (error ?? {}) as { name?: string; message?: string };
  const firstLine = String(message).split('\n')[0];
  if (expired.has(name) || /sso session .*expired|token .*expired/i.test(message)) {
    return `the AWS session has expired (${name}): sign in again (for example aws sso login) and retry`;
  }
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    return `no usable AWS credentials: ${firstLine} (sign in, or pass --profile)`;
  }
  if (invalid.has(name)) {
    return `the AWS credentials are not valid (${name}): check --profile and sign in again`;
  }
  if (denied.has(name)) {
    return `access denied (${name}): ${firstLine}; docs/cli.md lists the IAM policy operators need`;
  }
  if (/Region is missing/i.test(message)) {
    return 'no AWS Region: pass --region, or set AWS_REGION or a Region in the profile';
  }
  return undefined;
}
