import * as z from 'zod/mini';
import { expectedOf, readSettingValue } from '../setting-values.js';
import { type SettingName, settings } from '../settings.js';
import { instanceIds, queueIds, type SweepSettings } from './sweeper-config.js';

/**
 * A manual run's overrides, e.g. `{"mode":"report","maxQueuedAge":"2h","maxStops":10}`. Unknown
 * fields are refused by name, so a typo never silently runs with the configured values.
 */
export interface SweepOverrides {
  mode?: SweepSettings['mode'];
  maxQueuedAgeMs?: number;
  maxStops?: number;
  instanceIds?: string[];
  queueAllowList?: string[];
  queueDenyList?: string[];
  tagEndedContacts?: boolean;
  discoverCallbacks?: boolean;
  reconcile?: boolean;
}

/** The settings a manual run may override, by the field it uses (the table's `override`). */
const overridable = Object.entries(settings).flatMap(([name, setting]) =>
  'override' in setting ? [[setting.override, name as SettingName] as const] : [],
);
const fieldNames = overridable.map(([field]) => field);

/** JSON types only: a list must be an array, a duration or choice a string, and so on. */
function hasJsonType(kind: string, input: unknown): boolean {
  if (kind === 'queue-ids' || kind === 'instance-ids' || kind === 'instance-arns') {
    return Array.isArray(input);
  }
  if (kind === 'boolean') return typeof input === 'boolean';
  if (kind === 'integer' || kind === 'number') return typeof input === 'number';
  return typeof input === 'string' && input.trim() !== '';
}

/** One override field, checked by the table's definition of its setting. */
function overrideField(name: SettingName) {
  const expected = expectedOf(settings[name], 'override');
  return z.optional(
    z.pipe(
      z.unknown(),
      z.transform((input: unknown, ctx) => {
        if (name === 'instanceIds' && Array.isArray(input) && input.length === 0) {
          ctx.issues.push({ code: 'custom', message: 'must not be empty', input });
          return z.NEVER;
        }
        const result = hasJsonType(settings[name].kind, input)
          ? readSettingValue(name, input, { where: 'override' })
          : undefined;
        if (result?.ok) return result.value;
        const got = result ? `, got ${result.got}` : '';
        ctx.issues.push({ code: 'custom', message: `must be ${expected}${got}`, input });
        return z.NEVER;
      }),
    ),
  );
}

export const sweepOverridesSchema = z.pipe(
  z.strictObject(
    Object.fromEntries(overridable.map(([field, name]) => [field, overrideField(name)])),
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
      if (field === 'maxQueuedAge') overrides.maxQueuedAgeMs = value;
      else if (field === 'instanceIds') overrides[field] = instanceIds(value as string[]);
      else if (field === 'queueAllowList' || field === 'queueDenyList') {
        overrides[field] = queueIds(value as string[]);
      } else overrides[field] = value;
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

/** A run's settings: the configuration with a manual run's overrides applied. */
export function applyOverrides(
  configured: SweepSettings,
  overrides: SweepOverrides,
): SweepSettings {
  return { ...configured, ...overrides };
}

/** Instances a manual run names must be configured ones: the function's IAM grants cover only those. */
export function unconfiguredInstances(
  configured: SweepSettings,
  overrides: SweepOverrides,
): string[] {
  return (overrides.instanceIds ?? []).filter((id) => !configured.instanceIds.includes(id));
}
