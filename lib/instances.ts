import { toInstanceId } from '../lambdas/core/connect/identifiers.js';
import { settings } from '../lambdas/core/settings/table.js';
import type { EndContactConfig } from './config.js';
import type { ContextSettings } from './context-settings.js';

/** Several instances (issue 11): instanceArn and instanceArns, and one stack per Region. */

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

/** instanceArn and instanceArns, united: every ARN must parse, and all share one account. */
export function readInstances(context: ContextSettings): ConnectInstance[] {
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

export const regionsOf = (instances: readonly ConnectInstance[]) =>
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
