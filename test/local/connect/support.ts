import { ConnectClient } from '@aws-sdk/client-connect';
import { expect } from 'vitest';
import type { LocalConnect } from '../../../local/connect/index.js';

/** The real SDK client pointed at the emulator; one attempt so throttles and faults surface as-is. */
export function connectClient(connect: LocalConnect, maxAttempts = 1): ConnectClient {
  return new ConnectClient({
    endpoint: connect.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts,
  });
}

/** What a rejected SDK call must look like: exception name, HTTP status and a message fragment. */
export function connectError(name: string, httpStatusCode: number, message?: RegExp) {
  return {
    name,
    $metadata: expect.objectContaining({ httpStatusCode }),
    ...(message ? { message: expect.stringMatching(message) } : {}),
  };
}
