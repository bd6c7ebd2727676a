import { describe, expect, it } from 'vitest';
import {
  parseDurationMs,
  readConnectClientOptions,
  readEnv,
  readRequiredEnv,
} from '../../../../lambdas/core/settings/environment.js';

describe('readEnv', () => {
  it('reads booleans as true, false, 1 or 0 in any case', () => {
    expect(readEnv('reconcile', { RECONCILE: 'FALSE' })).toBe(false);
    expect(readEnv('reconcile', { RECONCILE: '1' })).toBe(true);
  });

  it('refuses a fractional integer, naming the variable', () => {
    expect(() => readEnv('sweepConcurrency', { SWEEP_CONCURRENCY: '2.5' })).toThrow(
      'environment variable SWEEP_CONCURRENCY must be an integer from 1 to 100, got "2.5"',
    );
  });

  it('reads a blank value as the default', () => {
    expect(readEnv('maxQueuedAge', { MAX_QUEUED_AGE: '  ' })).toBe(86_400_000);
  });

  it('names a required variable that is missing, and what it holds', () => {
    expect(() => readRequiredEnv('callbackTableName', {})).toThrow(
      'environment variable CALLBACK_TABLE_NAME is required: a DynamoDB table name',
    );
  });

  it('reads the Connect client options once for every function, with one default each', () => {
    expect(readConnectClientOptions({})).toEqual({
      maxAttempts: 3,
      connectionTimeoutMs: 500,
      requestTimeoutMs: 1_500,
    });
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['1.5h', 5_400_000],
  ])('parses the duration %s', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it('rejects a duration without a unit, and the reader names the variable', () => {
    expect(parseDurationMs('24')).toBeUndefined();
    expect(() => readEnv('maxQueuedAge', { MAX_QUEUED_AGE: '24' })).toThrow(
      'environment variable MAX_QUEUED_AGE must be a duration from 5m to 14d',
    );
  });
});
