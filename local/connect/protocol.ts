import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../../common/http/json.js';
import { AuthenticationError, type ConnectApiError, invalidRequest } from './errors.js';

/** A rest-json request body: an empty body is `{}`, anything but a JSON object is refused. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidRequest('The request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidRequest('The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/** A Connect API answer: the shared JSON reply plus the request ID header AWS sends. */
export function sendConnectJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, body, { 'x-amzn-requestid': randomUUID(), ...headers });
}

/** Connect's error wire format: the type in `x-amzn-ErrorType`, `{"Message": …}` in the body. */
export function sendConnectError(response: ServerResponse, error: ConnectApiError): void {
  sendConnectJson(
    response,
    error.statusCode,
    { Message: error.message },
    { 'x-amzn-errortype': error.errorType },
  );
}

/** AWS's front door answers signature problems with a lowercase `message`. */
export function sendAuthenticationError(
  response: ServerResponse,
  error: AuthenticationError,
): void {
  sendConnectJson(
    response,
    error.statusCode,
    { message: error.message },
    { 'x-amzn-errortype': error.errorType },
  );
}

const SIGV4_PARTS = (['Credential', 'Signature', 'SignedHeaders'] as const).map(
  (part) => [part, new RegExp(`[ ,]${part}=`)] as const,
);
const CREDENTIAL_SERVICE = /Credential=[^/]*\/[^/]*\/[^/]*\/([^/]*)\/aws4_request/;

/** The access key ID a SigV4 request is signed with (its `Credential=` scope), if any. */
export function accessKeyIdOf(request: IncomingMessage): string | undefined {
  return /Credential=([^/,\s]+)\//.exec(request.headers.authorization ?? '')?.[1];
}

/**
 * Checks that a request carries a SigV4 `Authorization` header (or presigned query) for the
 * `connect` service. The signature itself is not verified.
 */
export function checkSignature(
  request: IncomingMessage,
  query: URLSearchParams,
): AuthenticationError | undefined {
  const header = request.headers.authorization;
  if (header === undefined) {
    if (query.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256' && query.has('X-Amz-Signature'))
      return undefined;
    return new AuthenticationError(
      'MissingAuthenticationTokenException',
      'Missing Authentication Token',
    );
  }
  const problems: string[] = [];
  if (!header.startsWith('AWS4-HMAC-SHA256 ')) {
    problems.push("Authorization header requires the 'AWS4-HMAC-SHA256' algorithm.");
  }
  for (const [part, pattern] of SIGV4_PARTS) {
    if (!pattern.test(header)) problems.push(`Authorization header requires '${part}' parameter.`);
  }
  if (request.headers['x-amz-date'] === undefined && request.headers.date === undefined) {
    problems.push(
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  if (problems.length > 0)
    return new AuthenticationError('IncompleteSignatureException', problems.join(' '));
  const service = CREDENTIAL_SERVICE.exec(header)?.[1];
  if (service !== undefined && service !== 'connect') {
    return new AuthenticationError(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: 'connect', not '${service}'.`,
    );
  }
  return undefined;
}

/** rest-json timestamps are epoch seconds, fractional allowed. */
export function epochSeconds(epochMs: number): number {
  return epochMs / 1000;
}
