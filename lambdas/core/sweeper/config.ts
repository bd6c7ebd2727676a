import type { ConnectClientOptions } from '../connect/client.js';
import {
  type ConnectArnRef,
  foreignRefLine,
  toInstanceId,
  toQueueId,
} from '../connect/identifiers.js';
import { ConfigurationError } from '../errors.js';
import type { QueuedCallback } from '../registry/registry-item.js';
import { readConnectClientOptions } from '../settings/environment.js';
import {
  type Env,
  keepOldestAsked,
  overridable,
  readEnv,
  readEnvSettings,
  readRequiredEnv,
  type SettingOverrides,
  type SettingValues,
  type SweeperSettingName,
  settingNamesOf,
} from '../settings/read.js';
import { settings } from '../settings/table.js';
import type { SweepDecision } from './model.js';
import { defaultRule, parseSweepPolicies, type SweepRule } from './rules.js';

export { toQueueId };

export const sweepModes = settings.sweepMode.choices;
/** `report` makes no mutating call to Connect and writes nothing; `end` ends what qualifies. */
export type SweepMode = (typeof sweepModes)[number];

export const duplicatesPolicies = settings.duplicatesPolicy.choices;
export type DuplicatesPolicy = (typeof duplicatesPolicies)[number];

/**
 * What one run does; the schedule uses the configured values, a manual run may override some.
 * Every overridable setting of the table (lambdas/core/settings/table.ts) is here under its
 * override key (`maxQueuedAgeMs` for the field `maxQueuedAge`).
 */
export type SweepSettings = Required<SettingOverrides> & {
  duplicatesPolicy: DuplicatesPolicy;
  /**
   * The rules, the first match wins (docs/sweep-policies.md); a callback no rule matches is left
   * alone. Always set: without sweep policies, the global settings become one rule for every
   * queue at configuration time (`mode`, `maxQueuedAgeMs`, `duplicatesPolicy`: `withDefaultRule`).
   */
  rules: SweepRule[];
  /**
   * The rules are sweep policies rather than the one-rule default: each rule's mode binds (a
   * manual `mode: "end"` is refused), and decisions and reports name the rules.
   */
  policies: boolean;
  /** The scheduled clear this run is (its rule is `onlyRule`, with the clear's age and mode). */
  schedule?: string;
  /**
   * A run of one rule or clear: only this rule acts. Every rule still matches in order, so a
   * callback another rule matches first is left alone (`other-rule`).
   */
  onlyRule?: string;
};

/** Settings without sweep policies, with their one rule built from `mode`, `maxQueuedAgeMs` and `duplicatesPolicy`. */
export function withDefaultRule(
  settings: Omit<SweepSettings, 'rules' | 'policies'>,
): SweepSettings {
  return { ...settings, rules: [defaultRule(settings)], policies: false };
}

/** The rules a run follows: its policies, or the one-rule default of its global settings. */
export function rulesOf(settings: SweepSettings): SweepRule[] {
  return settings.rules;
}

/** The rules that may act in a run: `onlyRule` alone when it names one, else every rule. */
export function actingRulesOf(settings: SweepSettings): SweepRule[] {
  const { onlyRule } = settings;
  return rulesOf(settings).filter((rule) => onlyRule === undefined || rule.name === onlyRule);
}

/** A run ends something only if one of its acting rules may: otherwise it is a report run, writing nothing. */
export function runModeOf(settings: SweepSettings): SweepMode {
  return actingRulesOf(settings).some((rule) => rule.mode === 'end') ? 'end' : 'report';
}

/** Reads SWEEP_POLICIES by the same parser synth uses; blank means the one-rule default. */
function readPolicies(
  env: Env,
  defaults: Parameters<typeof defaultRule>[0],
  instanceIds: string[],
): { rules: SweepRule[]; arns: ConnectArnRef[] } | undefined {
  const variable = settings.sweepPolicies.env;
  const text = env[variable];
  if (text === undefined || !text.trim()) return undefined;
  const parsed = parseSweepPolicies(text, {
    defaults,
    instanceIds,
    source: `environment variable ${variable}`,
  });
  if (!parsed.ok) throw new ConfigurationError(parsed.problems.join('; '));
  return { rules: parsed.rules, arns: parsed.arns };
}

/** The ARNs among the settings' instance and queue lists, named by their variable. */
function listedArns(env: Env): ConnectArnRef[] {
  const lists = [settings.instanceIds, settings.queueAllowList, settings.queueDenyList];
  return lists.flatMap(({ env: variable }) =>
    (env[variable] ?? '')
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value.startsWith('arn:'))
      .map((value) => ({ where: `environment variable ${variable}`, value })),
  );
}

/** The sweeper's settings as its environment gives them, but the salt and the policies (read apart). */
export type SweeperValues = SettingValues<
  Exclude<SweeperSettingName, 'phoneHashSalt' | 'sweepPolicies'>
>;

const valueNames = settingNamesOf('callback-sweeper').filter(
  (name): name is Exclude<SweeperSettingName, 'phoneHashSalt' | 'sweepPolicies'> =>
    name !== 'phoneHashSalt' && name !== 'sweepPolicies',
);

/** The sweeper's settings that pace a Connect API, and the APIs they pace. */
type RateSettingName = {
  [N in SweeperSettingName]: (typeof settings)[N] extends { api: string } ? N : never;
}[SweeperSettingName];
export type RatedApi = (typeof settings)[RateSettingName]['api'];

const rateNames = valueNames.filter((name): name is RateSettingName => 'api' in settings[name]);

export interface SweeperConfig {
  /**
   * Every instance or queue ARN the settings give (instance and queue lists, the rules' instance
   * and queues), checked against the Region here and against the function's account by the door.
   */
  connectArns: ConnectArnRef[];
  settings: SweepSettings;
  /**
   * Every setting of the sweeper by its name in the table, as read (a list as IDs, each once): a
   * new setting needs no field here.
   */
  values: SweeperValues & { callbackTableName: string };
  /** Salt for hashing customer numbers; set only when the duplicates policy needs it. */
  phoneHashSalt?: string;
  /** The rate limiter's rates, by the Connect API each rate setting of the table names. */
  ratesPerSecond: Record<RatedApi, number>;
  connect: ConnectClientOptions;
}

/** How one sweep runs, beyond what it does (its settings). */
export interface SweepOptions {
  concurrency: number;
  pageSize: number;
  /** Real time left before no new candidate may start; the rest waits for the next run. */
  timeLeftMs: () => number;
  /** Aborts calls still in flight when the invocation must answer. */
  abortSignal?: AbortSignal;
  maxDecisionsInReport: number;
  reconcileQueueIds?: string[];
  reconcileToleranceMs?: number;
  /** SearchContacts pages per instance for the discovery backstop. @default 1 */
  discoveryPages?: number;
  /**
   * An operator's choice (operator/core), as the registry holds it. It replaces the index
   * read and the age test; the rule, keepers, last look, cap, rates and audit apply unchanged.
   */
  selection?: readonly QueuedCallback[];
  /** Called with each decision as it is made, e.g. for a progress bar. */
  onDecision?: (decision: SweepDecision) => void;
  /** Once aborted, no new candidate starts; calls in flight finish (abortSignal aborts those). */
  stopSignal?: AbortSignal;
  /** Who asked for the run, recorded with its stop intents and ends; unset for the schedule. */
  requestedBy?: string;
  /**
   * An operator's run (operator/core): a callback whose rule is in report mode is skipped
   * `report-rule` rather than listed as one it would end, since no operator's end ends it; so a
   * `preview`, which writes nothing, counts exactly what the `end` run it previews would end.
   */
  operatorRun?: 'preview' | 'end';
}

/** What one run needs beyond its settings: the door supplies its clock and its deadline. */
export interface SweepRunLimits {
  /** Real time left before no new candidate may start. */
  timeLeftMs: () => number;
  /** Aborts calls still in flight when the door must answer. */
  abortSignal?: AbortSignal;
}

/** The options of one sweep, the same for every door (the Lambda handler, the local runner). */
export function sweepOptions(config: SweeperConfig, limits: SweepRunLimits): SweepOptions {
  return {
    concurrency: config.values.sweepConcurrency,
    pageSize: config.values.registryPageSize,
    timeLeftMs: limits.timeLeftMs,
    ...(limits.abortSignal ? { abortSignal: limits.abortSignal } : {}),
    maxDecisionsInReport: config.values.maxDecisionsInReport,
    reconcileQueueIds: config.values.reconcileQueueIds,
    reconcileToleranceMs: config.values.reconcileTolerance,
  };
}

const unique = (values: string[], toId: (value: string) => string) => [
  ...new Set(values.map(toId)),
];

/** The queue IDs of a list the settings table validated (IDs or ARNs), each once. */
export const queueIds = (values: string[]) => unique(values, (value) => toQueueId(value) ?? value);

/** The instance IDs of a list the settings table validated (IDs or ARNs), each once. */
export const instanceIds = (values: string[]) =>
  unique(values, (value) => {
    const ref = toInstanceId(value);
    return ref.ok ? ref.instanceId : value;
  });

/** A list setting's IDs, each once: instance IDs of an instance list, queue IDs of a queue list. */
export function idsOf(kind: string, value: unknown): unknown {
  if (kind === 'instance-ids') return instanceIds(value as string[]);
  if (kind === 'queue-ids') return queueIds(value as string[]);
  return value;
}

/** The values read, with each list of IDs or ARNs as its IDs, each once. */
function idsOfLists(values: SweeperValues): SweeperValues {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      idsOf(settings[name as SweeperSettingName].kind, value),
    ]),
  ) as SweeperValues;
}

/** The overridable settings of a run, from the values read, under their override keys. */
function overridableOf(values: SweeperValues): Required<SettingOverrides> {
  return Object.fromEntries(
    overridable.map(({ name, key }) => [key, values[name]]),
  ) as Required<SettingOverrides>;
}

/** Reads the sweeper's settings once, at cold start; a bad value fails it. */
export function readSweeperConfig(env: Env = process.env): SweeperConfig {
  const values = idsOfLists(readEnvSettings(valueNames, env));
  const phoneHashSalt = readEnv('phoneHashSalt', env);
  const instances = readRequiredEnv('instanceIds', env);
  const { duplicatesPolicy, sweepMode: mode, maxQueuedAge: maxQueuedAgeMs } = values;
  const policies = readPolicies(
    env,
    { mode, maxQueuedAgeMs, duplicatesPolicy },
    instanceIds(instances),
  );
  // The function's grants and client cover its own Region only (its account: see the door).
  const connectArns = [...listedArns(env), ...(policies?.arns ?? [])];
  const foreign = foreignRefLine(connectArns, { region: env.AWS_REGION });
  if (foreign) throw new ConfigurationError(foreign);
  const keepOldest = keepOldestAsked(duplicatesPolicy, policies?.rules);
  if (phoneHashSalt === undefined && keepOldest.any) {
    throw new ConfigurationError(
      keepOldest.global
        ? 'environment variable PHONE_HASH_SALT must be set to at least 16 characters when DUPLICATES_POLICY is keep-oldest'
        : 'environment variable PHONE_HASH_SALT must be set to at least 16 characters when a rule of SWEEP_POLICIES has duplicatesPolicy keep-oldest',
    );
  }
  return {
    connectArns,
    settings: policies
      ? { ...overridableOf(values), duplicatesPolicy, rules: policies.rules, policies: true }
      : withDefaultRule({ ...overridableOf(values), duplicatesPolicy }),
    values: { ...values, callbackTableName: readRequiredEnv('callbackTableName', env) },
    ...(keepOldest.any ? { phoneHashSalt } : {}),
    ratesPerSecond: Object.fromEntries(
      rateNames.map((name) => [settings[name].api, values[name]]),
    ) as Record<RatedApi, number>,
    connect: readConnectClientOptions(env),
  };
}
