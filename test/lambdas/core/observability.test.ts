import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger, logOutcome } from '../../../lambdas/core/observability.js';

const subject = { instanceId: 'i-1', contactId: 'c-1', securityUser: 'jane.doe@example.com' };

describe('logOutcome', () => {
  afterEach(() => vi.restoreAllMocks());

  it("logs a failure with Connect's code and message under keys the logger keeps", () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);

    logOutcome(
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

  it('never logs who the SecurityUser is', () => {
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);

    logOutcome({ kind: 'stopped' }, subject);

    expect(JSON.stringify(info.mock.calls)).not.toContain('jane.doe');
  });
});
