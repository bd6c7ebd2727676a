import * as z from 'zod/mini';
import { parseDurationMs } from '../config.js';
import { instanceIdSchema } from '../schemas.js';
import { type SweepSettings, sweepModes, toQueueId } from './sweeper-config.js';

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
  reconcile?: boolean;
}

/** The shortest maxQueuedAge a run accepts, as the CDK configuration: below it, every queued callback is "stuck". */
export const minMaxQueuedAgeMs = 5 * 60_000;

const durationSchema = z.pipe(
  z.string({ error: 'must be a duration such as "2h", "90m" or "1d"' }),
  z.transform((value: string, ctx) => {
    const ms = parseDurationMs(value);
    if (ms !== undefined && ms > 0) {
      if (ms >= minMaxQueuedAgeMs) return ms;
      ctx.issues.push({
        code: 'custom',
        message: `must be at least "5m" (shorter would end callbacks queued only moments ago), got "${value}"`,
        input: value,
      });
      return z.NEVER;
    }
    ctx.issues.push({
      code: 'custom',
      message: `must be a positive duration such as "2h", "90m" or "1d", got "${value}"`,
      input: value,
    });
    return z.NEVER;
  }),
);

const queueIdListSchema = z.array(
  z.pipe(
    z.string({ error: 'must be a queue ID or queue ARN' }),
    z.transform((value: string, ctx) => {
      const id = toQueueId(value);
      if (id) return id;
      ctx.issues.push({ code: 'custom', message: 'must be a queue ID or queue ARN', input: value });
      return z.NEVER;
    }),
  ),
);

export const sweepOverridesSchema = z.pipe(
  z.strictObject(
    {
      mode: z.optional(z.enum(sweepModes, { error: 'must be "report" or "end"' })),
      maxQueuedAge: z.optional(durationSchema),
      maxStops: z.optional(
        z
          .number({ error: 'must be a whole number' })
          .check(
            z.int({ error: 'must be a whole number' }),
            z.minimum(0, { error: 'must be 0 or more' }),
            z.maximum(100_000, { error: 'must be at most 100000' }),
          ),
      ),
      instanceIds: z.optional(
        z.array(instanceIdSchema).check(z.minLength(1, { error: 'must not be empty' })),
      ),
      queueAllowList: z.optional(queueIdListSchema),
      queueDenyList: z.optional(queueIdListSchema),
      tagEndedContacts: z.optional(z.boolean({ error: 'must be true or false' })),
      reconcile: z.optional(z.boolean({ error: 'must be true or false' })),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `has unknown field(s) ${issue.keys.join(', ')}: allowed are mode, maxQueuedAge, maxStops, instanceIds, queueAllowList, queueDenyList, tagEndedContacts, reconcile`
          : issue.code === 'invalid_type'
            ? 'must be a JSON object of overrides'
            : undefined,
    },
  ),
  z.transform(({ maxQueuedAge, ...rest }): SweepOverrides => {
    const overrides: SweepOverrides = {};
    for (const [key, value] of Object.entries(rest)) {
      if (value !== undefined) Object.assign(overrides, { [key]: value });
    }
    if (maxQueuedAge !== undefined) overrides.maxQueuedAgeMs = maxQueuedAge;
    return overrides;
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
