import * as z from 'zod/mini';
import { type ConnectArnRef, toInstanceId, toQueueId } from '../connect/identifiers.js';
import { parseDurationMs } from '../duration.js';
import { settings } from '../settings/table.js';
import type { DuplicatesPolicy, ScheduledClear, SweepMode, SweepRule } from './model.js';

export type { ScheduledClear, SweepRule } from './model.js';

/**
 * Sweep policies: an ordered list of rules, the first whose instance and queues match a callback
 * decides its age, mode and duplicates policy; a callback no rule matches is left alone. Rules may
 * carry scheduled clears (EventBridge Scheduler cron, with a time zone). The same parse runs at
 * synth (lib/sweeper-settings.ts) and at the sweeper's cold start (lambdas/core/sweeper/config.ts), so both refuse the
 * same input with the same one-line messages, each naming the rule and the field.
 *
 * Read top to bottom: the parse, then the checks of single fields, of a clear's cron and time zone,
 * and of what no single rule can see; last, what the rest of the sweeper asks of the rules.
 */

/** What a rule inherits when it does not say, and what it may name. */
export interface PolicyContext {
  defaults: { maxQueuedAgeMs: number; mode: SweepMode; duplicatesPolicy: DuplicatesPolicy };
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

// ---- Single fields ----

/** The checks of a sweep rule's single fields, each with the one-line message it gives. */

export type Check<T> = { ok: true; value: T } | { ok: false; message: string };

/** A rule's or a schedule's name, as policies and a manual run's override both spell it. */
export const namePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const nameExpected = '1 to 64 letters, digits, "-" or "_", starting with a letter or digit';

/** A field checked by one function, whose message is used as is. */
export function field<T>(check: (input: unknown) => Check<T>) {
  return z.pipe(
    z.unknown(),
    z.transform((input: unknown, ctx) => {
      const result = check(input);
      if (result.ok) return result.value;
      ctx.issues.push({ code: 'custom', message: result.message, input });
      return z.NEVER;
    }),
  );
}

export const shown = (value: unknown) =>
  typeof value === 'string' ? `"${value}"` : JSON.stringify(value);

export function duration(min: string, max: string) {
  const minMs = parseDurationMs(min) as number;
  const maxMs = parseDurationMs(max) as number;
  return (input: unknown): Check<number> => {
    const ms = typeof input === 'string' ? parseDurationMs(input) : undefined;
    return ms !== undefined && ms >= minMs && ms <= maxMs
      ? { ok: true, value: ms }
      : {
          ok: false,
          message: `must be a duration from ${min} to ${max}, written like "30m", "4h" or "3d", got ${shown(input)}`,
        };
  };
}

export function choice<C extends string>(choices: readonly C[]) {
  return (input: unknown): Check<C> =>
    typeof input === 'string' && (choices as readonly string[]).includes(input)
      ? { ok: true, value: input as C }
      : { ok: false, message: `must be ${choices.join(' or ')}, got ${shown(input)}` };
}

export function name(input: unknown): Check<string> {
  return typeof input === 'string' && namePattern.test(input)
    ? { ok: true, value: input }
    : { ok: false, message: `must be ${nameExpected}, got ${shown(input)}` };
}

export function instance(input: unknown): Check<string> {
  if (typeof input !== 'string') {
    return { ok: false, message: `must be an instance ID or ARN, got ${shown(input)}` };
  }
  const ref = toInstanceId(input);
  return ref.ok ? { ok: true, value: ref.instanceId } : { ok: false, message: ref.message };
}

export function queues(input: unknown): Check<'*' | string[]> {
  if (input === '*') return { ok: true, value: '*' };
  const expected = 'must be "*" or a non-empty list of queue IDs or queue ARNs';
  if (!Array.isArray(input) || input.length === 0) {
    return { ok: false, message: `${expected}, got ${shown(input)}` };
  }
  const ids: string[] = [];
  for (const item of input) {
    const id = typeof item === 'string' ? toQueueId(item.trim()) : undefined;
    if (!id) return { ok: false, message: `${expected}, got ${shown(item)} in the list` };
    if (!ids.includes(id)) ids.push(id);
  }
  return { ok: true, value: ids };
}

// ---- A scheduled clear's cron and time zone, as EventBridge Scheduler reads them ----

const cronFieldSpecs = [
  { name: 'minutes', min: 0, max: 59, special: '' },
  { name: 'hours', min: 0, max: 23, special: '' },
  { name: 'day-of-month', min: 1, max: 31, special: '?LW' },
  {
    name: 'month',
    min: 1,
    max: 12,
    special: '',
    names: 'JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC',
  },
  { name: 'day-of-week', min: 1, max: 7, special: '?L#', names: 'SUN MON TUE WED THU FRI SAT' },
  { name: 'year', min: 1970, max: 2199, special: '' },
] as const;

/** One value of a cron field: a number in bounds or a name (months, days of the week). */
function cronValue(spec: (typeof cronFieldSpecs)[number], text: string): boolean {
  if (/^\d+$/.test(text)) return Number(text) >= spec.min && Number(text) <= spec.max;
  return 'names' in spec && spec.names.split(' ').includes(text.toUpperCase());
}

/** One comma-separated item of a cron field, by EventBridge Scheduler's table of wildcards. */
function cronItem(spec: (typeof cronFieldSpecs)[number], item: string): boolean {
  if (item === '*') return true;
  if (item === '?' || item === 'L') return spec.special.includes(item);
  if (spec.special.includes('W') && (item === 'LW' || /^\d+W$/.test(item))) {
    return item === 'LW' || cronValue(spec, item.slice(0, -1));
  }
  if (spec.special.includes('#')) {
    const nth = /^(\w+)#([1-5])$/.exec(item);
    if (nth) return cronValue(spec, nth[1] as string);
    if (/^\w+L$/.test(item)) return cronValue(spec, item.slice(0, -1));
  }
  const [range, step, extra] = item.split('/');
  if (extra !== undefined || range === undefined) return false;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) return false;
  if (range === '*') return step !== undefined;
  const [from, to, more] = range.split('-');
  if (more !== undefined || from === undefined || !cronValue(spec, from)) return false;
  return to === undefined || cronValue(spec, to);
}

/**
 * EventBridge Scheduler's cron: six fields (minutes hours day-of-month month day-of-week year),
 * one of day-of-month and day-of-week `?` (scheduler/latest/UserGuide/schedule-types, cron-based).
 * Given bare or as `cron(...)`; the value is the bare fields.
 */
export function checkCron(input: unknown): Check<string> {
  const expected =
    'must be an EventBridge Scheduler cron expression of six fields, minutes hours day-of-month month day-of-week year, such as "0 18 ? * MON-FRI *"';
  if (typeof input !== 'string') return { ok: false, message: `${expected}, got ${shown(input)}` };
  const bare = /^cron\((.*)\)$/.exec(input.trim())?.[1] ?? input;
  const fields = bare.trim().split(/\s+/);
  if (fields.length !== 6) return { ok: false, message: `${expected}, got ${shown(input)}` };
  for (const [i, spec] of cronFieldSpecs.entries()) {
    const text = fields[i] as string;
    if (!text.split(',').every((item) => item !== '' && cronItem(spec, item))) {
      return { ok: false, message: `${expected}; its ${spec.name} field "${text}" is not valid` };
    }
  }
  if ((fields[2] === '?') === (fields[4] === '?')) {
    return {
      ok: false,
      message: `${expected}; exactly one of day-of-month and day-of-week must be "?", got ${shown(input)}`,
    };
  }
  return { ok: true, value: fields.join(' ') };
}

/** An IANA time zone name (EventBridge Scheduler's ScheduleExpressionTimezone), as Intl knows them. */
export function checkTimeZone(input: unknown): Check<string> {
  const message = `must be an IANA time zone name such as "America/New_York" or "UTC", got ${shown(input)}`;
  if (typeof input !== 'string' || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(input)) {
    return { ok: false, message };
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: input });
    return { ok: true, value: input };
  } catch {
    return { ok: false, message };
  }
}

// ---- What no single rule can see ----

/** `rule 2 ("claims")`, or `rule 2` for a rule that was given no name. */
function labelOf(rules: readonly SweepRule[], rule: SweepRule): string {
  const position = rules.indexOf(rule) + 1;
  return rule.name === `rule-${position}`
    ? `rule ${position}`
    : `rule ${position} ("${rule.name}")`;
}

/** What no single rule can see: names, instances, and rules an earlier one hides. */
function crossRuleProblems(rules: readonly SweepRule[], context: PolicyContext): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const scheduleNames = new Set<string>();
  for (const rule of rules) {
    const label = labelOf(rules, rule);
    if (names.has(rule.name)) problems.push(`${label}, field name is used by an earlier rule`);
    names.add(rule.name);
    for (const [j, schedule] of rule.schedules.entries()) {
      if (scheduleNames.has(schedule.name)) {
        problems.push(
          `${label}, schedule ${j + 1}, field name "${schedule.name}" is used by another schedule`,
        );
      }
      scheduleNames.add(schedule.name);
    }
    if (rule.instanceId && !context.instanceIds.includes(rule.instanceId)) {
      problems.push(
        `${label}, field instance names ${rule.instanceId}, which is not one of the deployment's instances (${context.instanceIds.join(', ') || 'none: set instanceArn'})`,
      );
    }
    const hiddenBy = shadowingRules(rules, rule, context.instanceIds);
    if (hiddenBy) {
      problems.push(
        `${label} can never match: ${hiddenBy.map((r) => labelOf(rules, r)).join(' and ')} already ${hiddenBy.length === 1 ? 'matches' : 'match'} every queue it names${rule.instanceId ? ` in instance ${rule.instanceId}` : ''}; put it first or narrow the earlier rule's queues`,
      );
    }
  }
  return problems;
}

/**
 * The earlier rules that together match everything `rule` could match (first match wins, so
 * `rule` would never decide anything), or undefined. Instances are the deployment's: a rule
 * without one covers each of them.
 */
function shadowingRules(
  rules: readonly SweepRule[],
  rule: SweepRule,
  deploymentInstances: readonly string[],
): SweepRule[] | undefined {
  const earlier = rules.slice(0, rules.indexOf(rule));
  if (earlier.length === 0) return undefined;
  // Without instance information, a rule without an instance stands for any instance.
  const instances = rule.instanceId
    ? [rule.instanceId]
    : deploymentInstances.length > 0
      ? deploymentInstances
      : [undefined];
  const used = new Set<SweepRule>();
  for (const instanceId of instances) {
    const applicable = earlier.filter(
      (r) =>
        r.instanceId === undefined || (instanceId !== undefined && r.instanceId === instanceId),
    );
    const all = applicable.find((r) => r.queues === '*');
    if (all) {
      used.add(all);
      continue;
    }
    if (rule.queues === '*') return undefined;
    for (const queueId of rule.queues) {
      const covering = applicable.find((r) => r.queues !== '*' && r.queues.includes(queueId));
      if (!covering) return undefined;
      used.add(covering);
    }
  }
  return [...used];
}
