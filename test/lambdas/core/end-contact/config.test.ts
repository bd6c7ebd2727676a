import { describe, expect, it } from 'vitest';
import { readEndContactConfig } from '../../../../lambdas/core/end-contact/config.js';
import { ConfigurationError } from '../../../../lambdas/core/errors.js';

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
