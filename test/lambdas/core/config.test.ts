import { describe, expect, it } from 'vitest';
import {
  parseDurationMs,
  readBoolean,
  readDurationMs,
  readInteger,
} from '../../../lambdas/core/config.js';
import { readEndContactConfig } from '../../../lambdas/core/end-contact/config.js';
import { ConfigurationError } from '../../../lambdas/core/errors.js';

describe('readEndContactConfig', () => {
  it('applies documented defaults to an empty environment', () => {
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

  it("holds the flow's deadline to its own ceiling", () => {
    expect(() => readEndContactConfig({ DEADLINE_MS: '7700' }, { maxDeadlineMs: 6_000 })).toThrow(
      /DEADLINE_MS must be an integer from 500 to 6000/,
    );
  });

  it('fails fast with the variable named when a value is malformed', () => {
    expect(() => readEndContactConfig({ REQUIRE_SECURITY_USER: 'yes' })).toThrow(
      new ConfigurationError(
        'environment variable REQUIRE_SECURITY_USER must be true or false, got "yes"',
      ),
    );
    expect(() => readEndContactConfig({ CONNECT_MAX_ATTEMPTS: '0' })).toThrow(
      /CONNECT_MAX_ATTEMPTS.*1 to 10/,
    );
  });
});

describe('config readers', () => {
  it('reads booleans and integers with bounds', () => {
    expect(readBoolean('X', false, { X: '1' })).toBe(true);
    expect(readInteger('N', 7, { min: 1, max: 9 }, {})).toBe(7);
    expect(() => readInteger('N', 7, { min: 1, max: 9 }, { N: '2.5' })).toThrow(
      /N must be an integer/,
    );
  });

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

  it('rejects a duration without a unit, naming the variable', () => {
    expect(parseDurationMs('24')).toBeUndefined();
    expect(() => readDurationMs('MAX_QUEUED_AGE', '24h', { MAX_QUEUED_AGE: '24' })).toThrow(
      /MAX_QUEUED_AGE must be a positive duration/,
    );
  });
});
