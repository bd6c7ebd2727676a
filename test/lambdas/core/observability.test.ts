import { ConnectClient, StopContactCommand } from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTrackerHandler } from '../../../lambdas/callback-tracker/callback-tracker.js';
import {
  createEndContactDeps,
  readEndContactConfig,
} from '../../../lambdas/core/end-contact/config.js';
import { createLogger, logOutcome } from '../../../lambdas/core/observability.js';
import type { CallbackRegistry } from '../../../lambdas/core/registry/registry.js';
import { createFlowHandler } from '../../../lambdas/end-contact/end-contact.js';
import { contactEvent } from '../../fixtures/contact-events/index.js';
import { flowEvent, lambdaContext, targetContactId } from '../../fixtures/index.js';

const subject = { instanceId: 'i-1', contactId: 'c-1', securityUser: 'jane.doe@example.com' };

describe('logOutcome', () => {
  afterEach(() => vi.restoreAllMocks());

  it("logs a failure with Connect's code and message under keys the logger keeps", () => {
    const logger = createLogger('end-contact');
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);

    logOutcome(
      logger,
      { kind: 'throttled', code: 'ThrottlingException', message: 'Rate exceeded' },
      subject,
    );

    expect(warn).toHaveBeenCalledWith('contact not ended', {
      outcome: 'throttled',
      instanceId: 'i-1',
      contactId: 'c-1',
      securityUser: 'given',
      code: 'ThrottlingException',
      errorMessage: 'Rate exceeded',
    });
  });

  it('logs a refusal the caller explains, such as an unknown contact, at INFO rather than WARN', () => {
    const logger = createLogger('end-contact');
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);

    logOutcome(
      logger,
      { kind: 'invalid-contact-id', code: 'ResourceNotFoundException', message: 'not found' },
      subject,
    );

    expect(warn).not.toHaveBeenCalled();
    expect(info).toHaveBeenCalledWith(
      'contact not ended',
      expect.objectContaining({ outcome: 'invalid-contact-id' }),
    );
  });

  it('never logs who the SecurityUser is', () => {
    const logger = createLogger('end-contact');
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);

    logOutcome(logger, { kind: 'stopped' }, subject);

    expect(JSON.stringify(info.mock.calls)).not.toContain('jane.doe');
  });
});

describe('door loggers', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('give each handler in one process its own service name and correlation ID', async () => {
    mockClient(ConnectClient).on(StopContactCommand).resolves({});
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    });
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    const flow = createFlowHandler({
      deps: createEndContactDeps(readEndContactConfig({})),
      deadlineMs: 5_000,
    });
    const registry = { record: async () => 'written' } as unknown as CallbackRegistry;
    const tracker = createTrackerHandler(registry);
    const callback = contactEvent('queued');

    // Both at once, as the local runner serves them.
    await Promise.all([
      flow(flowEvent({ ContactId: targetContactId }), lambdaContext()),
      tracker(callback as never, lambdaContext()),
    ]);

    const logged = lines.map((line) => JSON.parse(line));
    const byService = (service: string) => logged.filter((line) => line.service === service);
    expect(byService('end-contact').length).toBeGreaterThan(0);
    expect(byService('callback-tracker').length).toBeGreaterThan(0);
    for (const line of byService('callback-tracker')) {
      expect(line.correlation_id).toBe(callback.detail.contactId);
    }
    for (const line of byService('end-contact')) {
      expect(line.correlation_id).toBe(flowEvent({}).Details.ContactData.ContactId);
    }
  });
});
