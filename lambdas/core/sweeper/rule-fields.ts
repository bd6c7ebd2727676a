import * as z from 'zod/mini';
import { toInstanceId, toQueueId } from '../connect/identifiers.js';
import { parseDurationMs } from '../duration.js';

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
