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

/** One instance with a callback queue and two agents, seeded on an emptied emulator; returns its IDs. */
export function seedCallCenter(connect: LocalConnect, clockStart: Date) {
  connect.reset();
  connect.clock.set(clockStart.getTime());
  const instanceId = 'cb-instance';
  connect.seed.instance({ id: instanceId });
  connect.seed.queue(instanceId, { id: 'q', name: 'Callbacks' });
  connect.seed.queue(instanceId, { id: 'other', name: 'Other' });
  connect.seed.securityProfile(instanceId, { id: 'p', name: 'Agent', permissions: [] });
  connect.seed.user(instanceId, { id: 'ana', username: 'ana', securityProfileIds: ['p'] });
  connect.seed.user(instanceId, { id: 'ben', username: 'ben', securityProfileIds: ['p'] });
  return { instanceId, queueId: 'q', otherQueueId: 'other', agents: ['ana', 'ben'] as const };
}
