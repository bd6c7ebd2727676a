import {
  AccessDeniedException,
  ContactNotFoundException,
  InternalServiceException,
  InvalidActiveRegionException,
  InvalidParameterException,
  InvalidRequestException,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { describe, expect, it } from 'vitest';
import { outcomeFromError } from '../../../../lambdas/core/connect/errors.js';

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

describe('outcomeFromError', () => {
  it.each([
    [
      new ResourceNotFoundException({ message: 'no such contact', ...meta(404) }),
      'invalid-contact-id',
    ],
    [new InvalidParameterException({ message: 'bad DisconnectReason', ...meta(400) }), 'failed'],
    [new ContactNotFoundException({ message: 'not active', ...meta(410) }), 'contact-not-active'],
    [new InvalidRequestException({ message: 'cannot stop', ...meta(400) }), 'not-stoppable'],
    [new AccessDeniedException({ message: 'denied', ...meta(403) }), 'unauthorized'],
    [new ThrottlingException({ message: 'Rate exceeded', ...meta(429) }), 'throttled'],
    [new InternalServiceException({ message: 'boom', ...meta(500) }), 'failed'],
    [new InvalidActiveRegionException({ message: 'wrong region', ...meta(400) }), 'failed'],
  ])('maps StopContact error %s to %s and keeps its name and message', (error, kind) => {
    const outcome = outcomeFromError(error, 'contact');

    expect(outcome.kind).toBe(kind);
    expect(outcome.code).toBe(error.name);
    expect(outcome.message).toBe(error.message);
  });

  it("keeps InvalidRequestException's Reason as text", () => {
    const error = new InvalidRequestException({
      message: 'The contact cannot be stopped',
      Reason: { AttachedFileInvalidRequestExceptionReason: 'INVALID_FILE_NAME' },
      ...meta(400),
    });

    expect(outcomeFromError(error, 'contact')).toEqual({
      kind: 'not-stoppable',
      code: 'InvalidRequestException',
      message: 'The contact cannot be stopped',
      reason: 'INVALID_FILE_NAME',
    });
  });

  it('reads a missing user as an invalid SecurityUser, not an invalid contact', () => {
    const error = new ResourceNotFoundException({ message: 'no such user', ...meta(404) });

    expect(outcomeFromError(error, 'security-user').kind).toBe('invalid-security-user');
  });

  it('treats an unmodelled 429 as throttled', () => {
    const error = Object.assign(new Error('slow down'), {
      name: 'TooManyRequests',
      ...meta(429),
    });

    expect(outcomeFromError(error, 'contact').kind).toBe('throttled');
  });

  it.each(['TimeoutError', 'AbortError'])('reports %s as a failed call that timed out', (name) => {
    const error = Object.assign(new Error('socket hang'), { name });

    expect(outcomeFromError(error, 'contact')).toMatchObject({
      kind: 'failed',
      code: 'TimeoutError',
    });
  });

  it('reports anything unknown, even a non-Error, as failed', () => {
    expect(outcomeFromError('weird', 'contact')).toEqual({
      kind: 'failed',
      code: 'UnknownError',
      message: 'weird',
    });
  });
});
