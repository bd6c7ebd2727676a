import type { ServerResponse } from 'node:http';

/** What a local route answers: a status and a JSON body. */
export interface JsonReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The one error body of every local door and the control API. */
export interface ErrorBody {
  code: string;
  message: string;
}

export class InvalidJsonError extends Error {
  constructor(options?: ErrorOptions) {
    super('request body is not valid JSON', options);
    this.name = 'InvalidJsonError';
  }
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export function errorReply(status: number, code: string, message: string): JsonReply {
  return { status, body: { code, message } satisfies ErrorBody };
}

/** A JSON request body: blank is `undefined`, anything unparsable throws InvalidJsonError. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidJsonError({ cause: error });
  }
}
