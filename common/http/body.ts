import type { IncomingMessage } from 'node:http';

/** Larger request bodies are refused; Connect's own request limits are far below this. */
export const MAX_BODY_BYTES = 1_048_576;

export class PayloadTooLargeError extends Error {
  constructor(options?: ErrorOptions) {
    super(`request body is larger than ${MAX_BODY_BYTES} bytes`, options);
    this.name = 'PayloadTooLargeError';
  }
}

/**
 * Reads a request body as UTF-8. A body over MAX_BODY_BYTES is read to its end and dropped before
 * the error, so the keep-alive connection stays usable for the next request.
 */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    request.once('end', () =>
      size > MAX_BODY_BYTES
        ? reject(new PayloadTooLargeError())
        : resolve(Buffer.concat(chunks).toString('utf8')),
    );
    request.once('error', reject);
  });
}
