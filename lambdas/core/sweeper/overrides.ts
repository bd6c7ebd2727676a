import * as z from 'zod/mini';
import type { FieldError } from '../schemas.js';
import { overridable, overrideFieldSchemas, type SettingOverrides } from '../settings/read.js';
import { idsOf, rulesOf, type SweepSettings, withDefaultRule } from './config.js';
import { namePattern, type SweepRule, scheduledClears } from './rules.js';

/**
 * A manual run's overrides, e.g. `{"mode":"report","maxQueuedAge":"2h","maxStops":10}`: every
 * setting with an `override` field in the table (lambdas/core/settings/table.ts), read, and the
 * names of a rule or a clear. Unknown fields are refused by name, so a typo never silently runs
 * with the configured values.
 */
export type SweepOverrides = SettingOverrides & {
  /** Only this rule of the sweep policies acts; the rules before it still win their first matches. */
  rule?: string;
  /** Run this scheduled clear: its rule acts, with the clear's minimum age and mode. */
  schedule?: string;
};

/** Fields that name a part of the sweep policies rather than override a setting. */
const policyFields = ['rule', 'schedule'] as const;
const fieldNames = [...overridable.map(({ field }) => field), ...policyFields];

/** A rule's or a schedule's name; whether one by that name exists is the run's to say. */
const policyName = z.optional(
  z.string({ error: 'must be the name of a rule or schedule of the sweep policies' }).check(
    z.regex(namePattern, {
      error: 'must be the name of a rule or schedule of the sweep policies',
    }),
  ),
);

const overrideOf = new Map(overridable.map((o) => [o.field as string, o]));

export const sweepOverridesSchema = z.pipe(
  z.strictObject(
    { ...overrideFieldSchemas(), rule: policyName, schedule: policyName },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `has unknown field(s) ${issue.keys.join(', ')}: allowed are ${fieldNames.join(', ')}`
          : issue.code === 'invalid_type'
            ? 'must be a JSON object of overrides'
            : undefined,
    },
  ),
  z.transform((fields: Record<string, unknown>): SweepOverrides => {
    const overrides: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      const override = overrideOf.get(field);
      if (override) overrides[override.key] = idsOf(override.kind, value);
      else overrides[field] = value;
    }
    return overrides as SweepOverrides;
  }),
);

/** The scheduled EventBridge event means "use the configuration as it is". */
export function isScheduledEvent(event: unknown): boolean {
  return (
    typeof event === 'object' &&
    event !== null &&
    (event as Record<string, unknown>)['detail-type'] === 'Scheduled Event'
  );
}

/** A manual run's settings, or why its overrides are refused, each error naming its field. */
export type AppliedOverrides =
  | { ok: true; settings: SweepSettings }
  | { ok: false; errors: FieldError[] };

/**
 * A run's settings: the configuration with a manual run's overrides applied. Every rule stays, in
 * order, so the first match still decides. A `report` mode lowers every rule; an `end` mode never
 * raises a rule of the sweep policies (without them it sets the one-rule default's mode). An age
 * override applies to every rule. `rule` makes that rule the only one that acts (`onlyRule`);
 * `schedule` also gives it its clear's minimum age and mode. An unknown name is refused, so a
 * typo never widens a run to every rule: the one check of the names, for every door.
 */
export function applyOverrides(
  configured: SweepSettings,
  overrides: SweepOverrides,
): AppliedOverrides {
  const errors = unknownPolicyNames(configured, overrides);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, settings: overridden(configured, overrides) };
}

function overridden(configured: SweepSettings, overrides: SweepOverrides): SweepSettings {
  const { rule: ruleName, schedule: scheduleName, mode, ...fields } = overrides;
  const { policies } = configured;
  const overridden = {
    ...configured,
    ...fields,
    // With policies each rule's mode binds: `end` leaves the configured default as it is.
    ...(mode && !(policies && mode === 'end') ? { mode } : {}),
  };
  // Without policies, the one-rule default of the settings as overridden.
  const applied: SweepSettings = policies ? overridden : withDefaultRule(overridden);
  if (!policies && ruleName === undefined && scheduleName === undefined) return applied;
  const ruleList = rulesOf(applied);
  const clear = scheduleName
    ? scheduledClears(ruleList).find(({ schedule }) => schedule.name === scheduleName)
    : undefined;
  const onlyRule = clear?.rule.name ?? ruleName;
  const rules = ruleList.map(
    (rule): SweepRule => ({
      ...(rule === clear?.rule
        ? {
            ...rule,
            maxQueuedAgeMs: clear.schedule.minAgeMs,
            mode: clear.schedule.mode,
            // "End every callback still queued": there is no younger duplicate left to tell apart.
            duplicatesPolicy: 'off',
            schedules: [],
          }
        : rule),
      ...(mode === 'report' ? { mode } : {}),
      ...(fields.maxQueuedAgeMs !== undefined ? { maxQueuedAgeMs: fields.maxQueuedAgeMs } : {}),
    }),
  );
  const only = rules.find((rule) => rule.name === onlyRule);
  return {
    ...applied,
    ...(clear ? { schedule: clear.schedule.name } : {}),
    ...(onlyRule !== undefined ? { onlyRule } : {}),
    rules,
    // A run of one rule names it, with or without sweep policies.
    policies: true,
    // A rule of one instance sweeps that instance only.
    ...(only?.instanceId
      ? { instanceIds: applied.instanceIds.filter((id) => id === only.instanceId) }
      : {}),
  };
}

/** A `rule` or `schedule` the configuration does not have, by name, with the names it has. */
export function unknownPolicyNames(
  configured: SweepSettings,
  overrides: SweepOverrides,
): FieldError[] {
  const rules = rulesOf(configured);
  const errors: FieldError[] = [];
  const list = (names: string[]) => (names.length > 0 ? names.join(', ') : 'none');
  if (overrides.rule !== undefined && !rules.some((rule) => rule.name === overrides.rule)) {
    errors.push({
      field: 'rule',
      message: `names "${overrides.rule}", which is not a rule of the sweep policies: the rules are ${list(rules.map((rule) => rule.name))}`,
    });
  }
  if (overrides.schedule !== undefined) {
    const clears = scheduledClears(rules);
    const clear = clears.find(({ schedule }) => schedule.name === overrides.schedule);
    if (!clear) {
      errors.push({
        field: 'schedule',
        message: `names "${overrides.schedule}", which is not a scheduled clear of the sweep policies: the schedules are ${list(clears.map(({ schedule }) => schedule.name))}`,
      });
    } else if (overrides.rule !== undefined && clear.rule.name !== overrides.rule) {
      errors.push({
        field: 'schedule',
        message: `names "${overrides.schedule}", a schedule of rule "${clear.rule.name}", not of rule "${overrides.rule}"`,
      });
    }
  }
  return errors;
}

/**
 * `mode: "end"` under sweep policies would change nothing (each rule's mode binds), so a manual
 * run that asks for it is refused with what does end now: a scheduled clear, or an operator's end.
 */
export function policyModeProblems(
  configured: SweepSettings,
  overrides: SweepOverrides,
): FieldError[] {
  if (!configured.policies || overrides.mode !== 'end') return [];
  const clears = scheduledClears(configured.rules).map(({ schedule }) => schedule.name);
  const fire =
    clears.length > 0
      ? `fire a scheduled clear ({"schedule":"<name>"}; the clears are ${clears.join(', ')})`
      : 'add a scheduled clear to a rule and fire it';
  return [
    {
      field: 'mode',
      message: `is "end", which sweep policies do not take: each rule's own mode decides. To end callbacks now, ${fire}, or use the operator's end (end-contact sweep --end, or the console)`,
    },
  ];
}

/** Instances a manual run names must be configured ones: the function's IAM grants cover only those. */
export function unconfiguredInstances(
  configured: SweepSettings,
  overrides: SweepOverrides,
): string[] {
  return (overrides.instanceIds ?? []).filter((id) => !configured.instanceIds.includes(id));
}
