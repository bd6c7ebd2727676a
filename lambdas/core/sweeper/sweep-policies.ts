import * as z from 'zod/mini';
import type { ConnectArnRef } from '../connect/identifiers.js';
import { settings } from '../settings/table.js';
import { choice, duration, field, instance, name, queues } from './rule-fields.js';
import { crossRuleProblems } from './rule-overlaps.js';
import { checkCron, checkTimeZone } from './schedule-fields.js';

export { checkCron, checkTimeZone } from './schedule-fields.js';

/**
 * Sweep policies: an ordered list of rules, the first whose instance and queues match a callback
 * decides its age, mode and duplicates policy; a callback no rule matches is left alone. Rules may
 * carry scheduled clears (EventBridge Scheduler cron, with a time zone). The same parse runs at
 * synth (lib/sweeper-settings.ts) and at the sweeper's cold start (lambdas/core/sweeper/config.ts), so both refuse the
 * same input with the same one-line messages, each naming the rule and the field.
 */

type Mode = (typeof settings.sweepMode.choices)[number];
type Duplicates = (typeof settings.duplicatesPolicy.choices)[number];

/** A scheduled clear: at each cron time, end every callback of the rule queued at least `minAgeMs`. */
export interface ScheduledClear {
  /** Unique across all rules; the schedule's input and the local runner name it. */
  readonly name: string;
  /** EventBridge Scheduler's six cron fields, e.g. `0 18 ? * MON-FRI *`. */
  readonly cron: string;
  /** IANA time zone the cron is read in, e.g. `America/New_York`. */
  readonly timeZone: string;
  readonly minAgeMs: number;
  readonly mode: Mode;
}

/** One rule, every field resolved (defaults from the global settings). */
export interface SweepRule {
  readonly name: string;
  /** The instance the rule is limited to; every swept instance when absent. */
  readonly instanceId?: string;
  /** Queue IDs, or every queue. */
  readonly queues: '*' | readonly string[];
  readonly maxQueuedAgeMs: number;
  readonly mode: Mode;
  readonly duplicatesPolicy: Duplicates;
  readonly schedules: readonly ScheduledClear[];
}

/** What a rule inherits when it does not say, and what it may name. */
export interface PolicyContext {
  defaults: { maxQueuedAgeMs: number; mode: Mode; duplicatesPolicy: Duplicates };
  /** The deployment's instance IDs; a rule's `instance` must be one of them. */
  instanceIds: readonly string[];
  /** Where the input came from, to start each message, e.g. `context key sweepPolicies`. */
  source: string;
}

export type PoliciesResult =
  | {
      ok: true;
      rules: SweepRule[];
      /** Every instance or queue ARN the rules give, and where: checked against the account. */
      arns: ConnectArnRef[];
    }
  | { ok: false; problems: string[] };

/** The ARNs among the rules' `instance` and `queues`, named by rule and field. */
function arnsOf(raw: unknown, source: string): ConnectArnRef[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((rule: { instance?: unknown; queues?: unknown }, i) => {
    const where = (field: string) => `${source}: ${ruleLabel(raw, i)}, field ${field}`;
    const given = [
      ...[rule?.instance].map((value) => ({ where: where('instance'), value })),
      ...(Array.isArray(rule?.queues) ? rule.queues : []).map((value: unknown) => ({
        where: where('queues'),
        value: typeof value === 'string' ? value.trim() : value,
      })),
    ];
    return given.filter(
      (ref): ref is ConnectArnRef => typeof ref.value === 'string' && ref.value.startsWith('arn:'),
    );
  });
}

const ruleFields = [
  'name',
  'instance',
  'queues',
  'maxQueuedAge',
  'mode',
  'duplicatesPolicy',
  'schedules',
] as const;
const scheduleFields = ['name', 'cron', 'timeZone', 'minAge', 'mode'] as const;

const maxAgeBounds = { min: settings.maxQueuedAge.min, max: settings.maxQueuedAge.max };

const unknownKeys = (allowed: readonly string[]) => (issue: { code?: string; keys?: string[] }) =>
  issue.code === 'unrecognized_keys'
    ? `has unknown field(s) ${(issue.keys ?? []).join(', ')}: allowed are ${allowed.join(', ')}`
    : issue.code === 'invalid_type'
      ? 'must be a JSON object'
      : undefined;

const scheduleSchema = z.strictObject(
  {
    name: z.optional(field(name)),
    cron: field(checkCron),
    timeZone: field(checkTimeZone),
    minAge: z.optional(field(duration('0s', maxAgeBounds.max))),
    mode: z.optional(field(choice(settings.sweepMode.choices))),
  },
  { error: unknownKeys(scheduleFields) },
);

const ruleSchema = z.strictObject(
  {
    name: z.optional(field(name)),
    instance: z.optional(field(instance)),
    queues: field(queues),
    maxQueuedAge: z.optional(field(duration(maxAgeBounds.min, maxAgeBounds.max))),
    mode: z.optional(field(choice(settings.sweepMode.choices))),
    duplicatesPolicy: z.optional(field(choice(settings.duplicatesPolicy.choices))),
    schedules: z.optional(
      z.array(scheduleSchema, {
        error: (issue) =>
          issue.code === 'invalid_type' ? 'must be a list of schedules' : undefined,
      }),
    ),
  },
  { error: unknownKeys(ruleFields) },
);

const policiesSchema = z.array(ruleSchema, {
  error: (issue) =>
    issue.code === 'invalid_type'
      ? 'must be a JSON array of rules (docs/sweep-policies.md)'
      : undefined,
});

/** `rule 2 ("claims")`, by the name the input gives when it gives one. */
function ruleLabel(raw: unknown, index: number): string {
  const given = Array.isArray(raw)
    ? (raw[index] as { name?: unknown } | undefined)?.name
    : undefined;
  return typeof given === 'string' && given
    ? `rule ${index + 1} ("${given}")`
    : `rule ${index + 1}`;
}

function issueLine(raw: unknown, issue: z.core.$ZodIssue, source: string): string {
  const [index, fieldName, ...rest] = issue.path;
  if (typeof index !== 'number') return `${source} ${issue.message}`;
  const where = ruleLabel(raw, index);
  if (fieldName === undefined) return `${source}: ${where} ${issue.message}`;
  if (fieldName === 'schedules' && typeof rest[0] === 'number') {
    const [scheduleIndex, scheduleField] = rest;
    const schedule = `schedule ${(scheduleIndex as number) + 1}`;
    return scheduleField === undefined
      ? `${source}: ${where}, ${schedule} ${issue.message}`
      : `${source}: ${where}, ${schedule}, field ${String(scheduleField)} ${issue.message}`;
  }
  return `${source}: ${where}, field ${String(fieldName)} ${issue.message}`;
}

/** The policies as text (an environment variable, `-c`) or as parsed JSON (cdk.json, a file). */
export function parseSweepPolicies(input: unknown, context: PolicyContext): PoliciesResult {
  let raw = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (error) {
      return {
        ok: false,
        problems: [`${context.source} is not valid JSON: ${(error as Error).message}`],
      };
    }
  }
  const parsed = policiesSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => issueLine(raw, issue, context.source)),
    };
  }
  const rules = parsed.data.map(
    (rule, i): SweepRule => ({
      name: rule.name ?? `rule-${i + 1}`,
      ...(rule.instance ? { instanceId: rule.instance } : {}),
      queues: rule.queues,
      maxQueuedAgeMs: rule.maxQueuedAge ?? context.defaults.maxQueuedAgeMs,
      mode: rule.mode ?? context.defaults.mode,
      duplicatesPolicy: rule.duplicatesPolicy ?? context.defaults.duplicatesPolicy,
      schedules: (rule.schedules ?? []).map((schedule, j) => ({
        name: schedule.name ?? `${rule.name ?? `rule-${i + 1}`}-${j + 1}`,
        cron: schedule.cron,
        timeZone: schedule.timeZone,
        minAgeMs: schedule.minAge ?? 0,
        mode: schedule.mode ?? 'end',
      })),
    }),
  );
  const problems = crossRuleProblems(rules, context).map((line) => `${context.source}: ${line}`);
  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, rules, arns: arnsOf(raw, context.source) };
}

/** The rule the run follows when no policies are configured: the global settings, every queue. */
export function defaultRule(defaults: PolicyContext['defaults']): SweepRule {
  return {
    name: 'default',
    queues: '*',
    maxQueuedAgeMs: defaults.maxQueuedAgeMs,
    mode: defaults.mode,
    duplicatesPolicy: defaults.duplicatesPolicy,
    schedules: [],
  };
}

/** Whether any of these rules keeps the oldest of duplicates (and so needs the phone hasher). */
export function keepsOldest(rules: readonly SweepRule[]): boolean {
  return rules.some((rule) => rule.duplicatesPolicy === 'keep-oldest');
}

/** The first rule that matches a callback of this instance in this queue; undefined: leave it alone. */
export function matchRule(
  rules: readonly SweepRule[],
  instanceId: string,
  queueId: string | undefined,
): SweepRule | undefined {
  return rules.find(
    (rule) =>
      (rule.instanceId === undefined || rule.instanceId === instanceId) &&
      (rule.queues === '*' || (queueId !== undefined && rule.queues.includes(queueId))),
  );
}

/** Every scheduled clear, with its rule. */
export function scheduledClears(
  rules: readonly SweepRule[],
): { rule: SweepRule; schedule: ScheduledClear }[] {
  return rules.flatMap((rule) => rule.schedules.map((schedule) => ({ rule, schedule })));
}

/**
 * The sweeper's input for one clear, as its EventBridge Scheduler schedule sends it: the sweeper
 * reads the rule's queues and the clear's age and mode from its own configuration.
 */
export function clearInput(
  rule: Pick<SweepRule, 'name'>,
  schedule: Pick<ScheduledClear, 'name'>,
): { rule: string; schedule: string } {
  return { rule: rule.name, schedule: schedule.name };
}

/** The rules as the sweeper's environment carries them: every field explicit. */
export function policiesToJson(rules: readonly SweepRule[]): string {
  return JSON.stringify(
    rules.map((rule) => ({
      name: rule.name,
      ...(rule.instanceId ? { instance: rule.instanceId } : {}),
      queues: rule.queues,
      maxQueuedAge: `${Math.round(rule.maxQueuedAgeMs / 1000)}s`,
      mode: rule.mode,
      duplicatesPolicy: rule.duplicatesPolicy,
      ...(rule.schedules.length > 0
        ? {
            schedules: rule.schedules.map((s) => ({
              name: s.name,
              cron: s.cron,
              timeZone: s.timeZone,
              minAge: `${Math.round(s.minAgeMs / 1000)}s`,
              mode: s.mode,
            })),
          }
        : {}),
    })),
  );
}
