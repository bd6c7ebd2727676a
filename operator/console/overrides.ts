import { parseWith } from '../../lambdas/core/schemas.js';
import { type SweepOverrides, sweepOverridesSchema } from '../../lambdas/core/sweeper/overrides.js';
import { allowOnly, BadParameterError, optional } from './params.js';

/** The sweep overrides a form may set, by the sweeper's own field names. */
export const OVERRIDE_PARAMS = [
  'maxQueuedAge',
  'maxStops',
  'queueAllowList',
  'queueDenyList',
] as const;

/**
 * A form's overrides, checked by the sweeper's own schema (its bounds and messages), so the
 * console accepts exactly what a manual sweeper run accepts.
 */
export function readOverrides(
  query: URLSearchParams,
  extra: Record<string, unknown> = {},
): { overrides: SweepOverrides; given: Record<string, string> } {
  allowOnly(query, OVERRIDE_PARAMS);
  const given: Record<string, string> = {};
  const input: Record<string, unknown> = { ...extra };
  for (const name of OVERRIDE_PARAMS) {
    const text = optional(query, name);
    if (text === undefined) continue;
    given[name] = text;
    if (name === 'maxStops') input[name] = /^\d+$/.test(text) ? Number(text) : text;
    else if (name === 'maxQueuedAge') input[name] = text;
    else input[name] = text.split(/[\s,]+/).filter((part) => part !== '');
  }
  const parsed = parseWith(sweepOverridesSchema, input);
  if (!parsed.ok) {
    const [first, ...rest] = parsed.errors;
    const more = rest.map((error) => `; ${error.field} ${error.message}`).join('');
    throw new BadParameterError(
      first?.field ?? '(form)',
      `${first?.message ?? 'is invalid'}${more}`,
    );
  }
  return { overrides: parsed.value, given };
}
