import { describe, expect, it } from 'vitest';
import { createSweepConnect } from '../../../../lambdas/core/sweeper/deps.js';

const config = {
  connect: { maxAttempts: 3, connectionTimeoutMs: 500, requestTimeoutMs: 1_500 },
  ratesPerSecond: { StopContact: 2, DescribeContact: 5 },
};

describe('createSweepConnect', () => {
  it('gives the stop the connections and credentials its last look used, so nothing is set up between them', async () => {
    const clients = createSweepConnect(config, { region: 'us-east-1' });

    expect(clients.stopClient.config.requestHandler).toBe(clients.connect.config.requestHandler);
    expect(clients.lookClient?.config.requestHandler).toBe(clients.connect.config.requestHandler);
    expect(await clients.stopClient.config.credentials()).toBe(
      await clients.lookClient?.config.credentials(),
    );
  });

  it('makes one attempt for the last look and the stop, and lets reads and tags retry', async () => {
    const clients = createSweepConnect(config, { region: 'us-east-1' });

    expect(await clients.stopClient.config.maxAttempts()).toBe(1);
    expect(await clients.lookClient?.config.maxAttempts()).toBe(1);
    expect(await clients.connect.config.maxAttempts()).toBe(3);
  });
});
