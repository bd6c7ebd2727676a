import type { ConnectClientOptions } from '../connect/client.js';
import { type Env, readEnv } from './read.js';

// The environment source of the one settings reader (lambdas/core/settings/read.ts), under the
// name the Lambdas' wiring imports it by.
export { parseDurationMs } from '../duration.js';
export { type Env, readEnv, readEnvSettings, readRequiredEnv } from './read.js';

/** The Connect client's bounds, read in this one place for every function. */
export function readConnectClientOptions(env: Env = process.env): ConnectClientOptions {
  return {
    maxAttempts: readEnv('connectMaxAttempts', env),
    connectionTimeoutMs: readEnv('connectConnectionTimeoutMs', env),
    requestTimeoutMs: readEnv('connectRequestTimeoutMs', env),
  };
}
