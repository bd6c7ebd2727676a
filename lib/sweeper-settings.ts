import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { settings } from '../lambdas/core/settings/table.js';
import { parseSweepPolicies, type SweepRule } from '../lambdas/core/sweeper/rules.js';
import type { SweeperRates } from './constructs/callback-sweeper.js';
import type { ContextReader, ContextSettings } from './context-settings.js';

/** The sweeper's part of the configuration: its settings, and its sweep policies when given. */

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

const ratePattern = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const cronPattern = /^cron\(\S+( \S+){5}\)$/;

function isScheduleExpression(text: string): boolean {
  const rate = ratePattern.exec(text);
  if (rate) {
    const amount = Number(rate[1]);
    const singular = !rate[2]?.endsWith('s');
    return amount >= 1 && singular === (amount === 1);
  }
  return cronPattern.test(text);
}

/** The sweeper's settings, and the rules that tie them to each other. */
export function readSweeper(
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
export function withPolicies(
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
export function readSweepPolicies(
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
