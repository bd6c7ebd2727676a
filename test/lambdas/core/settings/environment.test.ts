import { describe, expect, it } from 'vitest';
import { readEndContactConfig } from '../../../../lambdas/core/end-contact/config.js';
import { ConfigurationError } from '../../../../lambdas/core/errors.js';
import {
  parseDurationMs,
  readConnectClientOptions,
  readEnv,
  readRequiredEnv,
} from '../../../../lambdas/core/settings/environment.js';

describe('readEndContactConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(readEndContactConfig({})).toEqual({
      requireSecurityUser: false,
      securityUser: { requiredPermission: 'StopContact.Enabled', cacheTtlMs: 60_000 },
      connect: { maxAttempts: 3, connectionTimeoutMs: 500, requestTimeoutMs: 1_500 },
      deadlineMs: 5_000,
    });
  });

  it('reads every variable it documents', () => {
    const config = readEndContactConfig({
      REQUIRE_SECURITY_USER: 'true',
      REQUIRED_PERMISSION: 'Contacts.Stop',
      SECURITY_USER_CACHE_TTL_SECONDS: '5',
      CONNECT_MAX_ATTEMPTS: '2',
      CONNECT_CONNECTION_TIMEOUT_MS: '200',
      CONNECT_REQUEST_TIMEOUT_MS: '900',
      DEADLINE_MS: '3000',
    });

    expect(config).toEqual({
      requireSecurityUser: true,
      securityUser: { requiredPermission: 'Contacts.Stop', cacheTtlMs: 5_000 },
      connect: { maxAttempts: 2, connectionTimeoutMs: 200, requestTimeoutMs: 900 },
      deadlineMs: 3_000,
    });
  });

  it("holds the flow's deadline to its stricter ceiling, and the HTTP API's to the table's", () => {
    expect(() => readEndContactConfig({ DEADLINE_MS: '7700' }, 'end-contact')).toThrow(
      'environment variable DEADLINE_MS must be an integer from 500 to 6000, got "7700"',
    );
    expect(readEndContactConfig({ DEADLINE_MS: '7700' }, 'stop-contact-api').deadlineMs).toBe(
      7_700,
    );
  });

  it('fails fast with the variable named when a value is malformed', () => {
    expect(() => readEndContactConfig({ REQUIRE_SECURITY_USER: 'yes' })).toThrow(
      new ConfigurationError(
        'environment variable REQUIRE_SECURITY_USER must be true or false, got "yes"',
      ),
    );
    expect(() => readEndContactConfig({ CONNECT_MAX_ATTEMPTS: '0' })).toThrow(
      /CONNECT_MAX_ATTEMPTS must be an integer from 1 to 10/,
    );
  });
});

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
