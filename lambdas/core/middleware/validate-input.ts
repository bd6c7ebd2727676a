import { cleanupMiddlewares } from '@aws-lambda-powertools/commons';
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { type FieldError, parseWith } from '../schemas.js';

const inputKey = Symbol('validated input');

/** The door's typed, normalised input, put on the context by `validateInput`. */
export function inputOf<TInput>(context: Context): TInput {
  const input = (context as Context & { [inputKey]?: TInput })[inputKey];
  if (input === undefined) throw new Error('inputOf called without the validateInput middleware');
  return input;
}

export interface ValidateInputOptions<TEvent, TInput, TResult> {
  /** Picks the door's fields out of its event, under the names the caller uses. */
  select: (event: TEvent) => unknown;
  /** Built once at module load. */
  schema: z.ZodMiniType<TInput>;
  /** The door's own answer to bad input; the handler (and Connect) is never reached. */
  onInvalid: (errors: FieldError[], event: TEvent) => TResult;
  /** Checks that need the invocation (e.g. the function's own account), on the selected input. */
  check?: (selected: unknown, context: Context) => FieldError[];
}

/**
 * Validates a door's input before the handler runs. Valid input is read with `inputOf(context)`;
 * invalid input short-circuits with the door's answer, naming every bad field.
 */
export function validateInput<TEvent, TInput, TResult>(
  options: ValidateInputOptions<TEvent, TInput, TResult>,
): middy.MiddlewareObj<TEvent, TResult> {
  return {
    before: async (request) => {
      let selected: unknown;
      try {
        selected = options.select(request.event);
      } catch {
        selected = undefined;
      }
      const parsed = parseWith(options.schema, selected);
      const errors = parsed.ok ? (options.check?.(selected, request.context) ?? []) : parsed.errors;
      if (!parsed.ok || errors.length > 0) {
        // An early return skips the other middlewares' after hooks: let Powertools' run first.
        await cleanupMiddlewares(request);
        return options.onInvalid(errors, request.event);
      }
      (request.context as Context & { [inputKey]?: TInput })[inputKey] = parsed.value;
      return undefined;
    },
  };
}
