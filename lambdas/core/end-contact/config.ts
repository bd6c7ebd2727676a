import type { ConnectClient } from '@aws-sdk/client-connect';
import { readBoolean, readInteger, readString } from '../config.js';
import { type ConnectClientOptions, createConnectClient } from '../connect/client.js';
import type { EndContactDeps } from './end-contact.js';
import { SecurityUserAuthorizer, type SecurityUserCheckOptions } from './security-user.js';

export interface EndContactConfig {
  requireSecurityUser: boolean;
  securityUser: SecurityUserCheckOptions;
  connect: ConnectClientOptions;
  /** Total time one invocation may spend on Connect calls. */
  deadlineMs: number;
}

/**
 * Reads the End a Contact doors' settings once, at module load; a bad value fails the cold start.
 * `maxDeadlineMs` is the door's own ceiling: a flow must answer well inside Connect's 8 s.
 */
export function readEndContactConfig(
  env: NodeJS.ProcessEnv = process.env,
  limits: { maxDeadlineMs: number } = { maxDeadlineMs: 28_000 },
): EndContactConfig {
  return {
    requireSecurityUser: readBoolean('REQUIRE_SECURITY_USER', false, env),
    securityUser: {
      requiredPermission: readString('REQUIRED_PERMISSION', 'StopContact.Enabled', env),
      cacheTtlMs:
        readInteger('SECURITY_USER_CACHE_TTL_SECONDS', 60, { min: 1, max: 3_600 }, env) * 1_000,
    },
    connect: {
      maxAttempts: readInteger('CONNECT_MAX_ATTEMPTS', 3, { min: 1, max: 10 }, env),
      connectionTimeoutMs: readInteger(
        'CONNECT_CONNECTION_TIMEOUT_MS',
        500,
        { min: 50, max: 10_000 },
        env,
      ),
      requestTimeoutMs: readInteger(
        'CONNECT_REQUEST_TIMEOUT_MS',
        1_500,
        { min: 100, max: 30_000 },
        env,
      ),
    },
    deadlineMs: readInteger('DEADLINE_MS', 5_000, { min: 500, max: limits.maxDeadlineMs }, env),
  };
}

/** The doors' dependencies: one Connect client and one SecurityUser cache per container. */
export function createEndContactDeps(
  config: EndContactConfig,
  client: ConnectClient = createConnectClient(config.connect),
): EndContactDeps {
  return {
    client,
    securityUsers: new SecurityUserAuthorizer(client, config.securityUser),
    requireSecurityUser: config.requireSecurityUser,
  };
}
