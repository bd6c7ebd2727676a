import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  type ContextProps,
  type ContextSettings,
  keepOldestAsked,
} from '../lambdas/core/settings/read.js';
import { settings } from '../lambdas/core/settings/table.js';
import { parseSweepPolicies, type SweepRule } from '../lambdas/core/sweeper/rules.js';

/**
 * The sweeper's part of the configuration: every CallbackSweeper prop that has a context key,
 * read from context and named as the prop (lambdas/core/settings/table.ts; `maxQueuedAge` in
 * milliseconds, `schedule` as its expression), and its sweep policies when given.
 */
export type SweeperSettings = Omit<
  ContextProps<'CallbackSweeper'>,
  'phoneHashSalt' | 'policies'
> & {
  /** Set only when keep-oldest, globally or in a rule, uses it. */
  readonly phoneHashSalt?: string;
  /** Sweep rules and their scheduled clears; absent: the one-rule default of the settings above. */
  readonly policies?: readonly SweepRule[];
};

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

/**
 * The sweeper's settings, and the rules that tie them to each other: `sweepMode` end needs an
 * instance, the schedule must be EventBridge's, keep-oldest needs the salt.
 */
export function readSweeper(
  context: ContextSettings,
  instanceIds: readonly string[],
  noInstanceOutsideLocal: boolean,
  sweeperOn: boolean,
): SweeperSettings {
  const {
    phoneHashSalt,
    policies: _json,
    ...props
  } = context.props('CallbackSweeper', ['sweepPolicies']);
  let mode = props.mode;
  if (mode === 'end' && sweeperOn && noInstanceOutsideLocal) {
    context.add(
      'sweepMode',
      'report without instanceArn, so the sweeper never ends contacts of another instance',
      '"end"',
      'set -c instanceArn=<your instance ARN> to use sweepMode end',
    );
    mode = 'report';
  }
  if (!isScheduleExpression(props.schedule)) {
    context.add('schedule', settings.schedule.expected, `"${props.schedule}"`);
  }
  const read = readSweepPolicies(context, { ...props, mode }, instanceIds);
  const keepOldest = keepOldestAsked(props.duplicatesPolicy, read?.rules);
  // Never echo the salt: an error message ends up in CI logs.
  if (!context.isSet('phoneHashSalt')) {
    if (keepOldest.global) {
      context.problems.push(
        'context key phoneHashSalt must be set (at least 16 characters) when duplicatesPolicy is keep-oldest: set -c phoneHashSalt=$(openssl rand -hex 16), or set duplicatesPolicy off',
      );
    } else if (keepOldest.rule) {
      context.problems.push(
        `${read?.source}: a rule with duplicatesPolicy keep-oldest needs context key phoneHashSalt (at least 16 characters): set -c phoneHashSalt=$(openssl rand -hex 16)`,
      );
    }
  }
  return {
    ...props,
    mode,
    // Only keep-oldest uses the salt, so it reaches no function otherwise.
    ...(keepOldest.any && phoneHashSalt ? { phoneHashSalt } : {}),
    ...(read ? { policies: read.rules } : {}),
  };
}

/**
 * The sweep policies, from `sweepPolicies` (JSON in context) or the file `sweepPoliciesFile`
 * names, checked by the parser the sweeper uses at cold start; each problem is one line naming
 * the rule and the field.
 */
function readSweepPolicies(
  context: ContextSettings,
  sweeper: Pick<SweeperSettings, 'mode' | 'maxQueuedAge' | 'duplicatesPolicy'>,
  instanceIds: readonly string[],
): { rules: readonly SweepRule[]; source: string } | undefined {
  const inline = context.isSet('sweepPolicies');
  const file = context.get('sweepPoliciesFile');
  if (inline && file !== undefined) {
    context.problems.push(
      'context keys sweepPolicies and sweepPoliciesFile are both set: keep one of them',
    );
    return undefined;
  }
  let raw: unknown = context.raw('sweepPolicies');
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
    defaults: {
      mode: sweeper.mode,
      maxQueuedAgeMs: sweeper.maxQueuedAge,
      duplicatesPolicy: sweeper.duplicatesPolicy,
    },
    instanceIds,
    source,
  });
  if (!parsed.ok) {
    context.problems.push(...parsed.problems);
    return undefined;
  }
  return { rules: parsed.rules, source };
}
