import type { ConnectClient } from '@aws-sdk/client-connect';
import { type ConnectClientOptions, createConnectClient } from '../connect/client.js';
import { type Env, readConnectClientOptions, readEnv } from '../settings/environment.js';
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
 * Reads the End a Contact doors' settings once, at cold start; a bad value fails it. `door`
 * selects a setting's stricter bounds for that function (the flow's deadline).
 */
export function readEndContactConfig(
  env: Env = process.env,
  door: 'end-contact' | 'stop-contact-api' = 'stop-contact-api',
): EndContactConfig {
  return {
    requireSecurityUser: readEnv('requireSecurityUser', env),
    securityUser: {
      requiredPermission: readEnv('requiredPermission', env),
      cacheTtlMs: readEnv('securityUserCacheTtlSeconds', env) * 1_000,
    },
    connect: readConnectClientOptions(env),
    deadlineMs: readEnv('deadlineMs', env, door),
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
