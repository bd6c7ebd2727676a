import { type Owner, toOwnInstanceId } from '../../lambdas/core/connect/identifiers.js';
import {
  type EndContactConfig,
  readEndContactConfig,
} from '../../lambdas/core/end-contact/config.js';
import { ConfigurationError } from '../../lambdas/core/errors.js';
import type { Env } from '../../lambdas/core/settings/environment.js';
import { type Setting, settings } from '../../lambdas/core/settings/table.js';
import { readSweeperConfig, type SweeperConfig } from '../../lambdas/core/sweeper/config.js';
import type { CallbackEndpoints } from '../../lambdas/core/sweeper/deps.js';
import type { OperatorTarget } from './api.js';
import { OperatorInputError, TargetError } from './errors.js';

/** Everything an operator's calls need: where they go, as whom, and the settings they keep to. */
export interface OperatorConnection {
  target: OperatorTarget;
  /** The deployed sweeper's settings: its policy, cap, queue lists and rates. */
  sweeper: SweeperConfig;
  endContact: EndContactConfig;
  endpoints: CallbackEndpoints;
  /** Epoch ms on the target's clock (the local Connect's can be moved). @default Date.now */
  now?: () => number;
  /** Recorded in the audit with every stop intent and end. */
  requestedBy: string;
}

/** What the local runner's `GET /_operator/target` answers. */
export interface LocalTargetDescription {
  region: string;
  /** The local Connect's account: an ARN of another one is refused. */
  accountId: string;
  connectEndpoint: string;
  dynamoDbEndpoint: string;
  instanceIds: string[];
  tableName: string;
  /** The local Connect's clock minus the wall clock, in ms. */
  clockOffsetMs: number;
  /** The settings' environment variables as the runner read them (operatorEnvironment). */
  environment: Record<string, string>;
}

/** The settings' own environment variables out of an environment, and nothing else (no secrets). */
export function operatorEnvironment(env: Env): Record<string, string> {
  const names = Object.values(settings as Record<string, Setting>).flatMap((s) =>
    s.env ? [s.env] : [],
  );
  return Object.fromEntries(
    names.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name] as string]])),
  );
}

/**
 * Settings read as the functions read them, SWEEP_MODE included: a rule that names no mode
 * inherits it, as at synth. A bad one is the target's fault, named.
 */
export function readConfigs(
  environment: Env,
  ids: { instanceIds: string[]; tableName: string; region?: string },
): { sweeper: SweeperConfig; endContact: EndContactConfig } {
  try {
    const sweeper = readSweeperConfig({
      ...environment,
      CONNECT_INSTANCE_IDS: ids.instanceIds.join(','),
      CALLBACK_TABLE_NAME: ids.tableName,
      ...(ids.region ? { AWS_REGION: ids.region } : {}),
    });
    return { sweeper, endContact: readEndContactConfig(environment) };
  } catch (error) {
    if (error instanceof ConfigurationError) {
      throw new TargetError(`the target's settings: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * The instances an operator named (`--instance`, IDs or ARNs of the target's own account and
 * Region) out of those the target sweeps; all of them when none is named.
 */
export function chosenInstances(
  given: readonly string[] | undefined,
  swept: readonly string[],
  where: { label: string } & Owner,
): string[] {
  if (!given?.length) return [...swept];
  const chosen = given.map((value) => {
    const ref = toOwnInstanceId(value, where);
    if (!ref.ok) throw new OperatorInputError(`--instance ${value} ${ref.message}`);
    if (!swept.includes(ref.instanceId)) {
      throw new OperatorInputError(
        `--instance ${value} is not an instance of ${where.label} (it has ${swept.join(', ')})`,
      );
    }
    return ref.instanceId;
  });
  return [...new Set(chosen)];
}

/** The system `npm start` runs, found through its runner's discovery route; `instanceIds` narrows it. */
export async function connectLocal(
  url: string,
  instanceIds?: string[],
): Promise<OperatorConnection> {
  const where = `${url.replace(/\/+$/, '')}/_operator/target`;
  let response: Response;
  try {
    response = await fetch(where, { signal: AbortSignal.timeout(5_000) });
  } catch (error) {
    throw new TargetError(
      `nothing answers at ${url}: start the system with npm start, or pass --local <url>`,
      { cause: error },
    );
  }
  if (!response.ok) {
    throw new TargetError(
      `${url} is not the system npm start runs (GET ${where}: ${response.status})`,
    );
  }
  const local = (await response.json()) as LocalTargetDescription;
  const label = `local (npm start at ${url})`;
  const chosen = chosenInstances(instanceIds, local.instanceIds, {
    label,
    region: local.region,
    accountId: local.accountId,
    whose: "the target's",
  });
  const configs = readConfigs(local.environment, { ...local, instanceIds: chosen });
  return {
    target: {
      kind: 'local',
      label,
      region: local.region,
      accountId: local.accountId,
      instanceIds: chosen,
      tableName: local.tableName,
    },
    ...configs,
    endpoints: {
      connectEndpoint: local.connectEndpoint,
      dynamoDbEndpoint: local.dynamoDbEndpoint,
      clientConfig: {
        region: local.region,
        credentials: localOperatorCredentials,
      },
    },
    now: () => Date.now() + local.clockOffsetMs,
    requestedBy: 'local operator',
  };
}

/**
 * What the operator signs with against `npm start`: the local system holds these to the
 * operator's policy (operator/operator-policy.ts), as AWS would hold an operator's own.
 */
export const localOperatorCredentials = {
  accessKeyId: 'LOCALOPERATOR',
  secretAccessKey: 'local',
} as const;
