import type { ConnectClientOptions } from '../connect/client.js';
import { ConfigurationError } from '../errors.js';
import { type Setting, type SettingName, settings } from './table.js';
import { expectedOf, readSettingValue, type SettingValue } from './values.js';

export { parseDurationMs } from '../duration.js';

export type Env = Readonly<Record<string, string | undefined>>;

function variableOf(name: SettingName): string {
  const variable = (settings[name] as Setting).env;
  if (!variable) throw new Error(`setting ${name} has no environment variable`);
  return variable;
}

/**
 * Reads one setting from its environment variable (lambdas/core/settings/table.ts): blank means its
 * default; a bad value throws a one-line error naming the variable and what it must be.
 * `where` selects a setting's stricter bounds for that place, e.g. the flow's deadline.
 */
export function readEnv<N extends SettingName>(
  name: N,
  env: Env = process.env,
  where?: string,
): SettingValue<N> {
  const variable = variableOf(name);
  const result = readSettingValue(name, env[variable], where ? { where } : {});
  if (!result.ok) {
    throw new ConfigurationError(
      `environment variable ${variable} must be ${result.expected}, got ${result.got}`,
    );
  }
  return result.value;
}

/** Reads a setting that has no default: blank is an error naming the variable. */
export function readRequiredEnv<N extends SettingName>(
  name: N,
  env: Env = process.env,
): NonNullable<SettingValue<N>> {
  const value = readEnv(name, env);
  if (value === undefined || (Array.isArray(value) && value.length === 0)) {
    throw new ConfigurationError(
      `environment variable ${variableOf(name)} is required: ${expectedOf(settings[name])}`,
    );
  }
  return value as NonNullable<SettingValue<N>>;
}

/** The Connect client's bounds, read in this one place for every function. */
export function readConnectClientOptions(env: Env = process.env): ConnectClientOptions {
  return {
    maxAttempts: readEnv('connectMaxAttempts', env),
    connectionTimeoutMs: readEnv('connectConnectionTimeoutMs', env),
    requestTimeoutMs: readEnv('connectRequestTimeoutMs', env),
  };
}
