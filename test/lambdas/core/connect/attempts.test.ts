import { describe, expect, it } from 'vitest';
import { attemptMayHaveReached } from '../../../../lambdas/core/connect/attempts.js';

const withStatus = (name: string, httpStatusCode: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });

describe('attemptMayHaveReached', () => {
  it('says a 5xx answer may have been acted on', () => {
    expect(attemptMayHaveReached(withStatus('InternalServiceException', 500))).toBe(true);
    expect(attemptMayHaveReached(withStatus('ServiceUnavailable', 503))).toBe(true);
  });

  it('says a throttle or any other 4xx never reached the contact', () => {
    expect(attemptMayHaveReached(withStatus('ThrottlingException', 429))).toBe(false);
    expect(attemptMayHaveReached(withStatus('AccessDeniedException', 403))).toBe(false);
    expect(attemptMayHaveReached(withStatus('ContactNotFoundException', 410))).toBe(false);
  });

  it('says a response time-out may have reached Connect, and a connect time-out did not', () => {
    const responseTimeout = Object.assign(new Error('Connection timed out after 1500 ms'), {
      name: 'TimeoutError',
    });
    const connectTimeout = Object.assign(
      new Error('Socket timed out without establishing a connection within 500 ms'),
      { name: 'TimeoutError' },
    );

    expect(attemptMayHaveReached(responseTimeout)).toBe(true);
    expect(attemptMayHaveReached(connectTimeout)).toBe(false);
  });

  it('says a connection dropped after sending may have reached Connect, and a refused one did not', () => {
    expect(attemptMayHaveReached(Object.assign(new Error('read'), { code: 'ECONNRESET' }))).toBe(
      true,
    );
    expect(attemptMayHaveReached(new Error('socket hang up'))).toBe(true);
    expect(
      attemptMayHaveReached(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })),
    ).toBe(false);
    expect(attemptMayHaveReached('not an error')).toBe(false);
  });
});
