import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  type ContextReader,
  ContextSettings,
  unknownKeyProblems,
} from '../lambdas/core/settings/read.js';
import { type ConnectInstance, readInstances, regionsOf } from './instances.js';
import { readSweeper, type SweeperSettings } from './sweeper-settings.js';

export { type ContextReader, contextKeys } from '../lambdas/core/settings/read.js';
export { type ConnectInstance, parseInstanceArn } from './instances.js';
export type { SweeperSettings } from './sweeper-settings.js';

/**
 * The app's settings, read from CDK context (`cdk.json` "context", or `-c key=value`). Each key,
 * its default and its bounds come from lambdas/core/settings/table.ts; docs/configuration.md lists them.
 * Values given with `-c` arrive as strings, values from cdk.json as JSON: both are read alike.
 * A bad value fails synth with an `Error` that names the key and says how to fix it.
 */

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

export interface EndContactConfig {
  /**
   * The first of `instances`, the one a single-instance deploy has: its resources keep their names.
   * @default - none: offline synth, IAM scoped to every instance of the account and Region
   */
  readonly instance?: ConnectInstance;
  /**
   * Every instance the configuration serves: `instanceArn`, then `instanceArns`, each once.
   * Anything that names an instance (a sweep policy's rule, say) must name one of these; a stack
   * holds those of its Region (`configsByRegion`).
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

/** CloudWatch Logs accepts only these retention periods. */
const retentionDays = new Set<number>(
  Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'),
);

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
    sweeper: readSweeper(
      context,
      instances.map((i) => i.id),
      instance === undefined && !local,
      deploy.callbackSweeper,
    ),
    local,
    localConnectEndpoint,
  };
  if (context.problems.length > 0) throw new Error(context.problems.join('\n'));
  return config;
}

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
