import type { z } from 'zod';
import { InvalidLocalInputError } from './errors.js';
import { describeIssues } from './scenario.js';

export type Params = Record<string, string>;
export type ControlHandler = (
  params: Params,
  body: unknown,
  query: URLSearchParams,
) => unknown | Promise<unknown>;
/** Registers one control route: `on('POST', '/_local/x/{id}', handle)`. */
export type On = (method: string, path: string, handle: ControlHandler) => void;

/** Validates a control request body; the error names each bad field. */
export function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (!result.success)
    throw new InvalidLocalInputError(`invalid request body:\n  ${describeIssues(result.error)}`);
  return result.data;
}
