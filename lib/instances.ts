import { toInstanceId } from '../lambdas/core/connect/identifiers.js';
import type { ContextSettings } from '../lambdas/core/settings/read.js';
import { settings } from '../lambdas/core/settings/table.js';

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
