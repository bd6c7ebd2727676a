import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { parseSweepPolicies, type SweepRule } from '../lambdas/core/callbacks/sweep-policies.js';
import { toInstanceId } from '../lambdas/core/connect/identifiers.js';
import { isBlank, readSettingValue, type SettingValue } from '../lambdas/core/setting-values.js';
import { type Setting, type SettingName, settings } from '../lambdas/core/settings.js';
import type { SweeperRates } from './constructs/callback-sweeper.js';

/**
 * The app's settings, read from CDK context (`cdk.json` "context", or `-c key=value`). Each key,
 * its default and its bounds come from lambdas/core/settings.ts; docs/configuration.md lists them.
 * Values given with `-c` arrive as strings, values from cdk.json as JSON: both are read alike.
 * A bad value fails synth with an `Error` that names the key and says how to fix it.
 */

/** The Amazon Connect instance the stack serves, split out of its ARN. */
export interface ConnectInstance {
  /** `arn:<partition>:connect:<region>:<account>:instance/<id>` */
  readonly arn: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The instance ID, a UUID. */
  readonly id: string;
}

/** Which parts of the system the stack creates. */
export interface DeployParts {
  readonly endContactFunction: boolean;
  readonly stopContactApi: boolean;
  readonly callbackSweeper: boolean;
  readonly connectIntegration: boolean;
  readonly sampleFlow: boolean;
  /** The End a Contact flow module; only with an associated instance. */
  readonly flowModule: boolean;
  /** Whether AI agents may invoke the module (ExternalInvocationConfiguration). */
  readonly flowModuleExternalInvocation: boolean;
  /** The CloudWatch dashboard. */
  readonly dashboard: boolean;
}

/** The sweeper's policy and pace; each field is the setting of the same name in the table. */
export interface SweeperSettings {
  readonly mode: 'report' | 'end';
  readonly maxQueuedAgeMs: number;
  readonly maxStopsPerRun: number;
  readonly ratesPerSecond: Required<SweeperRates>;
  readonly queueAllowList: readonly string[];
  readonly queueDenyList: readonly string[];
  readonly schedule: string;
  readonly tagEndedContacts: boolean;
  readonly discoverCallbacks: boolean;
  readonly duplicatesPolicy: 'off' | 'keep-oldest';
  readonly phoneHashSalt?: string;
  readonly reconcile: boolean;
  readonly reconcileQueueIds: readonly string[];
  readonly reserveConcurrency: boolean;
  /** Sweep rules and their scheduled clears; absent: the one-rule default of the settings above. */
  readonly policies?: readonly SweepRule[];
}

export interface EndContactConfig {
  /**
   * The first of `instances`, the one a single-instance deploy has: its resources keep their names.
   * @default - none: offline synth, IAM scoped to every instance of the account and Region
   */
  readonly instance?: ConnectInstance;
  /**
   * Every instance the configuration serves: `instanceArn`, then `instanceArns`, each once. Read
   * it through `deploymentInstances`; a stack holds those of its Region (`configsByRegion`).
   */
  readonly instances: readonly ConnectInstance[];
  readonly deploy: DeployParts;
  readonly requireSecurityUser: boolean;
  readonly requiredPermission: string;
  readonly securityUserCacheTtlSeconds: number;
  readonly logRetention: RetentionDays;
  /** @default - no SNS topic; alarms have no actions */
  readonly alarmEmail?: string;
  /** Default-stage throttling of the HTTP API. */
  readonly api: { readonly rateLimit: number; readonly burstLimit: number };
  readonly sweeper: SweeperSettings;
  /** LocalStack mode: no `AWS::Connect::*` resources, Connect calls go to `localConnectEndpoint`. */
  readonly local: boolean;
  readonly localConnectEndpoint: string;
}

/** Reads one context value, like `app.node.tryGetContext`. */
export type ContextReader = (key: string) => unknown;

/** Every context key the app reads: the table's settings that have one. */
export const contextKeys: readonly string[] = Object.values(settings as Record<string, Setting>)
  .map((setting) => setting.context)
  .filter((key): key is string => key !== undefined);

const ratePattern = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const cronPattern = /^cron\(\S+( \S+){5}\)$/;

/** CloudWatch Logs accepts only these retention periods. */
const retentionDays = new Set<number>(
  Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'),
);

const keyOf = (name: SettingName) => (settings[name] as Setting).context as string;

/** Reads settings from context, collecting every bad key so one synth reports them all. */
class ContextSettings {
  readonly problems: string[] = [];

  constructor(private readonly read: ContextReader) {}

  /** The setting's value; blank means `fallback`, or else the table's default. */
  get<N extends SettingName>(name: N, fallback?: SettingValue<N>): SettingValue<N> {
    const key = keyOf(name);
    const raw = this.read(key);
    if (isBlank(raw) && fallback !== undefined) return fallback;
    const result = readSettingValue(name, raw, { listText: 'comma-or-json' });
    if (result.ok) return result.value;
    const example = (settings[name] as Setting).example ?? '<value>';
    this.add(key, result.expected, result.got, `set -c ${key}=${example} or fix it in cdk.json`);
    return fallback ?? (readSettingValue(name, undefined) as { value: SettingValue<N> }).value;
  }

  isSet(name: SettingName): boolean {
    return !isBlank(this.read(keyOf(name)));
  }

  add(
    key: string,
    expected: string,
    got: string,
    fix = `set -c ${key}=<value> or fix it in cdk.json`,
  ) {
    this.problems.push(`context key ${key} must be ${expected}, got ${got}: ${fix}`);
  }
}

/**
 * Splits an instance ARN; undefined when it is not one. The Lambdas' own parser decides
 * (lambdas/core/connect/identifiers.ts), so synth accepts exactly the ARNs they do.
 */
export function parseInstanceArn(arn: string): ConnectInstance | undefined {
  const parsed = arn.startsWith('arn:') ? toInstanceId(arn) : undefined;
  if (!parsed?.ok) return undefined;
  // arn:<partition>:connect:<region>:<account>:instance/<id>, checked field by field above.
  const [, partition = '', , region = '', account = ''] = arn.split(':');
  return { arn, partition, region, account, id: parsed.instanceId };
}

function isScheduleExpression(text: string): boolean {
  const rate = ratePattern.exec(text);
  if (rate) {
    const amount = Number(rate[1]);
    const singular = !rate[2]?.endsWith('s');
    return amount >= 1 && singular === (amount === 1);
  }
  return cronPattern.test(text);
}

/** A context key that looks like one of ours but is not: most likely a typo, or a renamed key. */
function unknownKeyProblems(present: readonly string[]): string[] {
  const known = new Map(contextKeys.map((key) => [key.toLowerCase(), key]));
  const renamed = new Map(
    Object.values(settings as Record<string, Setting>).flatMap((s) =>
      s.replaces && s.context ? [[s.replaces, s.context] as const] : [],
    ),
  );
  return present.flatMap((key) => {
    // CDK's own keys are feature flags (`@aws-cdk/...`) and `aws:cdk:...`, never bare identifiers.
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key) || known.get(key.toLowerCase()) === key) return [];
    const near = known.get(key.toLowerCase());
    const successor = renamed.get(key);
    const hint = successor
      ? `it was replaced by ${successor} (see docs/configuration.md)`
      : near
        ? `did you mean ${near}?`
        : 'see docs/configuration.md for the keys';
    return [`context key ${key} is not one this app reads: ${hint}`];
  });
}

/** The deploy parts, and the combinations that cannot work. */
function readDeployParts(context: ContextSettings, local: boolean, hasInstance: boolean) {
  const deploy: DeployParts = {
    endContactFunction: context.get('endContactFunction'),
    // LocalStack's free plan has no API Gateway v2 (HTTP APIs); its paid plans do.
    stopContactApi: context.get('stopContactApi', !local),
    callbackSweeper: context.get('callbackSweeper'),
    connectIntegration: context.get('connectIntegration', hasInstance && !local),
    sampleFlow: context.get('sampleFlow'),
    flowModule: context.get('flowModule'),
    flowModuleExternalInvocation: context.get('flowModuleExternalInvocation'),
    dashboard: context.get('dashboard', !local),
  };
  if (!deploy.endContactFunction && !deploy.stopContactApi && !deploy.callbackSweeper) {
    context.problems.push(
      'context keys endContactFunction, stopContactApi and callbackSweeper are all false, so there is nothing to deploy: set at least one to true',
    );
  }
  const localOnly = (key: string) =>
    context.add(
      key,
      'false in local mode (LocalStack has no Amazon Connect)',
      'true',
      `drop -c ${key}=true or -c local=true`,
    );
  if (deploy.connectIntegration) {
    if (local) localOnly('connectIntegration');
    else if (!hasInstance) {
      context.add(
        'connectIntegration',
        'false without instanceArn',
        'true',
        'set -c instanceArn=<your instance ARN> or drop -c connectIntegration=true',
      );
    } else if (!deploy.endContactFunction) {
      context.add(
        'connectIntegration',
        'false when endContactFunction is false',
        'true',
        'drop -c connectIntegration=true or -c endContactFunction=false',
      );
    }
  }
  if (deploy.sampleFlow) {
    if (local) localOnly('sampleFlow');
    else if (!deploy.connectIntegration) {
      context.add(
        'sampleFlow',
        'false unless the flow Lambda is associated with an instance',
        'true',
        'set -c instanceArn=<your instance ARN> and keep connectIntegration and endContactFunction true',
      );
    }
  }
  if (deploy.flowModuleExternalInvocation && !(deploy.flowModule && deploy.connectIntegration)) {
    context.add(
      'flowModuleExternalInvocation',
      'false unless the flow module is deployed (flowModule true, with instanceArn and connectIntegration)',
      'true',
      'drop -c flowModuleExternalInvocation=true, or set -c instanceArn=<your instance ARN> and keep flowModule true',
    );
  }
  return deploy;
}

/** The sweeper's settings, and the rules that tie them to each other. */
function readSweeper(
  context: ContextSettings,
  noInstanceOutsideLocal: boolean,
  sweeperOn: boolean,
) {
  let mode = context.get('sweepMode');
  if (mode === 'end' && sweeperOn && noInstanceOutsideLocal) {
    context.add(
      'sweepMode',
      'report without instanceArn, so the sweeper never ends contacts of another instance',
      '"end"',
      'set -c instanceArn=<your instance ARN> to use sweepMode end',
    );
    mode = 'report';
  }
  const schedule = context.get('schedule') as string;
  if (!isScheduleExpression(schedule)) {
    context.add('schedule', settings.schedule.expected, `"${schedule}"`);
  }
  const duplicatesPolicy = context.get('duplicatesPolicy');
  // Never echo the salt: an error message ends up in CI logs.
  const phoneHashSalt = context.get('phoneHashSalt');
  if (duplicatesPolicy === 'keep-oldest' && !context.isSet('phoneHashSalt')) {
    context.problems.push(
      'context key phoneHashSalt must be set (at least 16 characters) when duplicatesPolicy is keep-oldest: set -c phoneHashSalt=$(openssl rand -hex 16), or set duplicatesPolicy off',
    );
  }
  return {
    mode,
    maxQueuedAgeMs: context.get('maxQueuedAge'),
    maxStopsPerRun: context.get('maxStopsPerRun'),
    ratesPerSecond: {
      describeContact: context.get('describeRatePerSecond'),
      stopContact: context.get('stopRatePerSecond'),
      tagContact: context.get('tagRatePerSecond'),
      getCurrentMetricData: context.get('metricDataRatePerSecond'),
      getContactMetrics: context.get('contactMetricsRatePerSecond'),
      searchContacts: context.get('searchContactsRatePerSecond'),
    },
    queueAllowList: context.get('queueAllowList'),
    queueDenyList: context.get('queueDenyList'),
    schedule,
    tagEndedContacts: context.get('tagEndedContacts'),
    discoverCallbacks: context.get('discoverCallbacks'),
    duplicatesPolicy,
    // Only keep-oldest uses the salt, so it reaches no function otherwise.
    ...(duplicatesPolicy === 'keep-oldest' && phoneHashSalt ? { phoneHashSalt } : {}),
    reconcile: context.get('reconcile'),
    reconcileQueueIds: context.get('reconcileQueueIds'),
    reserveConcurrency: context.get('sweeperReservedConcurrency'),
  } satisfies SweeperSettings;
}

/** The sweeper's settings with its policies, when there are any. */
function withPolicies(
  sweeper: SweeperSettings,
  readPolicies: (sweeper: SweeperSettings) => readonly SweepRule[] | undefined,
  phoneHashSalt: string | undefined,
): SweeperSettings {
  const policies = readPolicies(sweeper);
  if (!policies) return sweeper;
  // A rule's keep-oldest needs the salt in the function too, whatever the global policy says.
  const salt = policies.some((rule) => rule.duplicatesPolicy === 'keep-oldest') && phoneHashSalt;
  return { ...sweeper, policies, ...(salt ? { phoneHashSalt: salt } : {}) };
}

/**
 * The sweep policies, from `sweepPolicies` (JSON in context) or the file `sweepPoliciesFile`
 * names, checked by the parser the sweeper uses at cold start; each problem is one line naming
 * the rule and the field.
 */
function readSweepPolicies(
  context: ContextSettings,
  read: ContextReader,
  sweeper: Pick<SweeperSettings, 'mode' | 'maxQueuedAgeMs' | 'duplicatesPolicy'>,
  instanceIds: readonly string[],
): readonly SweepRule[] | undefined {
  const inline = context.isSet('sweepPolicies');
  const file = context.get('sweepPoliciesFile');
  if (inline && file !== undefined) {
    context.problems.push(
      'context keys sweepPolicies and sweepPoliciesFile are both set: keep one of them',
    );
    return undefined;
  }
  let raw: unknown = read('sweepPolicies');
  let source = 'context key sweepPolicies';
  if (file !== undefined) {
    source = `sweep policies file ${file}`;
    try {
      raw = readFileSync(resolve(file), 'utf8');
    } catch (error) {
      context.problems.push(
        `context key sweepPoliciesFile names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): give a path relative to the directory cdk runs in`,
      );
      return undefined;
    }
  } else if (!inline) return undefined;
  const parsed = parseSweepPolicies(raw, {
    defaults: sweeper,
    instanceIds,
    source,
  });
  if (!parsed.ok) {
    context.problems.push(...parsed.problems);
    return undefined;
  }
  if (
    sweeper.duplicatesPolicy !== 'keep-oldest' &&
    parsed.rules.some((rule) => rule.duplicatesPolicy === 'keep-oldest') &&
    !context.isSet('phoneHashSalt')
  ) {
    context.problems.push(
      `${source}: a rule with duplicatesPolicy keep-oldest needs context key phoneHashSalt (at least 16 characters): set -c phoneHashSalt=$(openssl rand -hex 16)`,
    );
  }
  return parsed.rules;
}

/**
 * Reads and validates the whole configuration. Throws one `Error` that lists every bad key.
 * @param present every context key set, to catch misspelt ones
 */
export function readConfig(read: ContextReader, present: readonly string[] = []): EndContactConfig {
  const context = new ContextSettings(read);
  context.problems.push(...unknownKeyProblems(present));

  const instances = readInstances(context);
  const instance = instances[0];
  const local = context.get('local');
  const localConnectEndpoint = context.get('localConnectEndpoint');
  if (local && new Set(instances.map((i) => i.region)).size > 1) {
    context.problems.push(
      `context key instanceArns must name instances of one Region in local mode, got ${regionsOf(instances)}: list only the local Connect's Region`,
    );
  }
  const deploy = readDeployParts(context, local, instances.length > 0);

  const logRetentionDays = context.get('logRetentionDays');
  if (!retentionDays.has(logRetentionDays)) {
    context.add(
      'logRetentionDays',
      `one of ${[...retentionDays].sort((a, b) => a - b).join(', ')}`,
      String(logRetentionDays),
    );
  }
  const alarmEmail = context.get('alarmEmail');

  const config: EndContactConfig = {
    ...(instance ? { instance } : {}),
    instances,
    deploy,
    requireSecurityUser: context.get('requireSecurityUser'),
    requiredPermission: context.get('requiredPermission'),
    securityUserCacheTtlSeconds: context.get('securityUserCacheTtlSeconds'),
    logRetention: logRetentionDays as RetentionDays,
    ...(alarmEmail ? { alarmEmail } : {}),
    api: { rateLimit: context.get('apiRateLimit'), burstLimit: context.get('apiBurstLimit') },
    sweeper: withPolicies(
      readSweeper(context, instance === undefined && !local, deploy.callbackSweeper),
      (sweeper) => readSweepPolicies(context, read, sweeper, deploymentInstanceIds(instances)),
      // Read once by readSweeper, which reports a bad one; here only its text is passed on.
      typeof read('phoneHashSalt') === 'string'
        ? (read('phoneHashSalt') as string).trim()
        : undefined,
    ),
    local,
    localConnectEndpoint,
  };
  if (context.problems.length > 0) throw new Error(context.problems.join('\n'));
  return config;
}

// --- Several instances (issue 11): instanceArn and instanceArns, and one stack per Region. ---

/**
 * The deployment's instances, in every Region: `instanceArn` first, then `instanceArns`, each
 * once. Anything that names an instance (a sweep policy's rule, say) must name one of these.
 */
export function deploymentInstances(config: EndContactConfig): readonly ConnectInstance[] {
  return config.instances;
}

/**
 * The deployment's instance IDs, every Region: what a sweep rule's `instance` may name. Inside
 * readConfig, before the configuration exists, pass it the `instances` read there.
 */
export function deploymentInstanceIds(instances: readonly ConnectInstance[]): string[] {
  return instances.map((instance) => instance.id);
}

/** instanceArn and instanceArns, united: every ARN must parse, and all share one account. */
function readInstances(context: ContextSettings): ConnectInstance[] {
  const single = context.get('instanceArn');
  const parsedSingle = single === undefined ? undefined : parseInstanceArn(single);
  if (single !== undefined && !parsedSingle) {
    context.add(
      'instanceArn',
      settings.instanceArn.expected,
      `"${single}"`,
      'copy it from the Amazon Connect console (instance overview, "Instance ARN")',
    );
  }
  // The setting's schema has already refused any entry that is not an instance ARN.
  const listed = context.get('instanceArns').flatMap((arn) => parseInstanceArn(arn) ?? []);
  const byArn = new Map<string, ConnectInstance>();
  for (const instance of [...(parsedSingle ? [parsedSingle] : []), ...listed]) {
    if (!byArn.has(instance.arn)) byArn.set(instance.arn, instance);
  }
  const instances = [...byArn.values()];
  const accounts = [...new Set(instances.map((i) => `${i.partition}:${i.account}`))];
  if (accounts.length > 1) {
    context.problems.push(
      `context keys instanceArn and instanceArns must name instances of one account, got ${accounts.map((a) => a.split(':')[1]).join(' and ')}: deploy the app once per account, each time with -c instanceArns=<that account's instance ARNs>`,
    );
  }
  return instances;
}

const regionsOf = (instances: readonly ConnectInstance[]) =>
  [...new Set(instances.map((i) => i.region))].join(' and ');

/** One stack's share of the deployment: the instances of one Region. */
export interface RegionalConfig {
  /** @default - no instance: the stack's Region is the CLI's */
  readonly region?: string;
  readonly config: EndContactConfig;
}

/**
 * Splits the deployment into one configuration per Region, since contact events, integration
 * associations and flows live in their instance's Region. The first instance's Region comes first.
 * In local mode (one Region, see readConfig) and without instances, it is the configuration as is.
 */
export function configsByRegion(config: EndContactConfig): RegionalConfig[] {
  const regions = [...new Set(config.instances.map((i) => i.region))];
  if (config.local || regions.length <= 1) {
    return [{ ...(regions[0] ? { region: regions[0] } : {}), config }];
  }
  return regions.map((region) => {
    const instances = config.instances.filter((i) => i.region === region);
    const ids = new Set(instances.map((i) => i.id));
    // A Region's sweeper keeps the rules for every instance and those naming one of its own, in
    // order; with none left it ends nothing (no rule matches), as the rules say for that Region.
    const policies = config.sweeper.policies?.filter(
      (rule) => rule.instanceId === undefined || ids.has(rule.instanceId),
    );
    const sweeper = policies ? { ...config.sweeper, policies } : config.sweeper;
    return { region, config: { ...config, instance: instances[0], instances, sweeper } };
  });
}

/**
 * Why a stack cannot serve one of its configuration's instances, in one line, or undefined: a
 * stack serves the instances of its own account and Region (its rule sees their events, its
 * associations and flows are created there). Unpinned, the stack is in its first instance's.
 */
export function instanceOutsideStack(
  config: EndContactConfig,
  stackId: string,
  pinned: { readonly region?: string; readonly account?: string },
): string | undefined {
  if (config.local) return undefined;
  const region = pinned.region ?? config.instance?.region;
  const account = pinned.account ?? config.instance?.account;
  const outside = config.instances.find((i) => i.region !== region || i.account !== account);
  return outside
    ? `instance ${outside.arn} is not in stack ${stackId}'s account and Region (${account}, ${region}): a stack serves the instances of its own account and Region; list every instance in instanceArns and lib/app.ts deploys one stack per Region (npx cdk deploy --all, see docs/deploy.md "Several instances and Regions")`
    : undefined;
}
