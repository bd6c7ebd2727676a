import { parseDurationMs } from '../../lambdas/core/duration.js';

/** A query or form parameter that is missing or malformed: the console answers a 400 page naming it. */
export class BadParameterError extends Error {
  constructor(
    readonly parameter: string,
    /** What is wrong with it, e.g. `must be a duration such as 30m, …`. */
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`parameter ${parameter} ${problem}`, options);
    this.name = 'BadParameterError';
  }
}

/** `token` goes with any request; anything else a view does not know is refused by name. */
export function allowOnly(query: URLSearchParams, names: readonly string[]): void {
  for (const name of query.keys()) {
    if (name !== 'token' && !names.includes(name)) {
      const allowed = names.length > 0 ? `: this page takes ${names.join(', ')}` : '';
      throw new BadParameterError(name, `is not known here${allowed}`);
    }
  }
}

/** A parameter given at most once; blank counts as absent (an empty form field). */
export function optional(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw new BadParameterError(name, 'is given more than once');
  const value = values[0]?.trim();
  return value === '' ? undefined : value;
}

export function required(query: URLSearchParams, name: string, what: string): string {
  const value = optional(query, name);
  if (value === undefined) throw new BadParameterError(name, `is missing: ${what}`);
  return value;
}

export function duration(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDurationMs(text);
  if (ms === undefined) {
    throw new BadParameterError(name, `must be a duration such as 30m, 2h or 1d, got "${text}"`);
  }
  return ms;
}

export function integer(
  name: string,
  text: string | undefined,
  bounds: { min: number; max: number },
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < bounds.min || value > bounds.max) {
    throw new BadParameterError(
      name,
      `must be a whole number from ${bounds.min} to ${bounds.max}, got "${text}"`,
    );
  }
  return value;
}

/** Queue IDs and ARNs: letters, digits and the separators of an ARN; nothing to escape. */
export function queueId(name: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^[A-Za-z0-9:/_.-]{1,256}$/.test(text)) {
    throw new BadParameterError(name, `must be a queue ID or ARN, got "${text}"`);
  }
  return text;
}

const contactIdPattern = /^[A-Za-z0-9-]{1,256}$/;

export function contactIds(query: URLSearchParams, name: string): string[] {
  const ids = query.getAll(name).map((id) => id.trim());
  if (ids.length === 0) {
    throw new BadParameterError(name, 'is missing: select at least one callback to end');
  }
  const bad = ids.find((id) => !contactIdPattern.test(id));
  if (bad !== undefined) throw new BadParameterError(name, `must be a contact ID, got "${bad}"`);
  return [...new Set(ids)];
}
