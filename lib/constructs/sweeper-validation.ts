import type { Duration } from 'aws-cdk-lib';
import { Token } from 'aws-cdk-lib';
import { toInstanceId } from '../../lambdas/core/connect/identifiers.js';
import { parseSweepPolicies, policiesToJson } from '../../lambdas/core/sweeper/rules.js';
import type { CallbackSweeperProps } from './callback-sweeper.js';
import { isInstanceArn } from './connect-permissions.js';
import { checkSettingProp } from './setting-props.js';

/** What the sweep policies may take of Lambda's 4 KB of environment variables; the rest is the other settings'. */
const maxPoliciesBytes = 2_800;

/**
 * Refuses at synth what the function would refuse at every cold start, by the same settings
 * table (lambdas/core/settings/table.ts).
 */
export function validateProps(props: CallbackSweeperProps, maxQueuedAge: Duration): void {
  if (props.instanceArns.length === 0) {
    throw new Error('instanceArns is empty: give the ARN of at least one instance to sweep');
  }
  for (const arn of props.instanceArns) {
    if (!Token.isUnresolved(arn) && !isInstanceArn(arn)) {
      throw new Error(
        `instanceArns: "${arn}" is not an Amazon Connect instance ARN; use arn:aws:connect:<region>:<account>:instance/<instance id>`,
      );
    }
  }
  if (!maxQueuedAge.isUnresolved()) {
    checkSettingProp(
      'maxQueuedAge',
      `${maxQueuedAge.toMilliseconds()}ms`,
      maxQueuedAge.toHumanString(),
    );
  }
  checkSettingProp('sweepMode', props.mode);
  checkSettingProp('maxStopsPerRun', props.maxStopsPerRun);
  checkSettingProp('queueAllowList', props.queueAllowList);
  checkSettingProp('queueDenyList', props.queueDenyList);
  checkSettingProp('reconcileQueueIds', props.reconcileQueueIds);
  checkSettingProp('duplicatesPolicy', props.duplicatesPolicy);
  checkSettingProp('phoneHashSalt', props.phoneHashSalt);
  const rates = props.ratesPerSecond ?? {};
  checkSettingProp('describeRatePerSecond', rates.describeContact);
  checkSettingProp('stopRatePerSecond', rates.stopContact);
  checkSettingProp('tagRatePerSecond', rates.tagContact);
  checkSettingProp('metricDataRatePerSecond', rates.getCurrentMetricData);
  checkSettingProp('contactMetricsRatePerSecond', rates.getContactMetrics);
  checkSettingProp('searchContactsRatePerSecond', rates.searchContacts);
  if (props.policies) {
    // The function's own parser, on what its environment will carry.
    const instanceIds = props.instanceArns.flatMap((arn) => {
      const ref = Token.isUnresolved(arn) ? undefined : toInstanceId(arn);
      return ref?.ok ? [ref.instanceId] : [];
    });
    const policiesJson = policiesToJson(props.policies);
    const parsed = parseSweepPolicies(policiesJson, {
      defaults: { maxQueuedAgeMs: 0, mode: 'report', duplicatesPolicy: 'off' },
      instanceIds,
      source: 'policies',
    });
    if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
    // Lambda allows 4 KB for all of a function's environment variables together.
    const size = Buffer.byteLength(policiesJson);
    if (size > maxPoliciesBytes) {
      throw new Error(
        `policies take ${size} bytes in the function's environment (SWEEP_POLICIES), more than the ${maxPoliciesBytes} left of Lambda's 4 KB for environment variables: use fewer rules, or one rule for several queues`,
      );
    }
    if (props.policies.some((r) => r.duplicatesPolicy === 'keep-oldest') && !props.phoneHashSalt) {
      throw new Error(
        'a rule of policies has duplicatesPolicy keep-oldest, which needs phoneHashSalt: give a random string of at least 16 characters',
      );
    }
  }
  if ((props.duplicatesPolicy ?? 'off') === 'keep-oldest' && !props.phoneHashSalt) {
    throw new Error(
      'duplicatesPolicy keep-oldest needs phoneHashSalt: give a random string of at least 16 characters',
    );
  }
}
