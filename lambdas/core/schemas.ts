import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { foreignArnMessage, ownerOf, toInstanceId } from './connect/identifiers.js';

// Schemas are built once at module load; each door composes them under its own field names.

/** An error message for a missing value, or for a value of the wrong type. */
export const required = (expected: string) =>
  ({
    error: (issue: { input: unknown }) =>
      issue.input === undefined || issue.input === null ? 'is required' : `must be ${expected}`,
  }) as const;

export const contactIdSchema = z
  .string(required('a string'))
  .check(
    z.minLength(1, { error: 'must not be empty', abort: true }),
    z.maxLength(256, 'must be at most 256 characters'),
    z.regex(/^[A-Za-z0-9._:-]+$/, 'may contain only letters, digits and . _ : -'),
  );

export const instanceIdSchema = z.pipe(
  z.string(required('a string')).check(z.minLength(1, { error: 'must not be empty', abort: true })),
  z.transform((value: string, ctx) => {
    const ref = toInstanceId(value);
    if (ref.ok) return ref.instanceId;
    ctx.issues.push({ code: 'custom', message: ref.message, input: value });
    return z.NEVER;
  }),
);

export const securityUserSchema = z
  .string(required('a string'))
  .check(
    z.minLength(1, { error: 'must not be empty', abort: true }),
    z.maxLength(256, 'must be at most 256 characters'),
    z.regex(
      /^[A-Za-z0-9@._+:/-]+$/,
      'must be a Connect user ID, user ARN or username (letters, digits and @ . _ + - : /)',
    ),
  );

export const disconnectReasonCodeSchema = z
  .string(required('a string'))
  .check(
    z.minLength(1, { error: 'must not be empty', abort: true }),
    z.maxLength(128, 'must be at most 128 characters'),
    z.regex(/^[\x20-\x7E]+$/, 'must contain only printable ASCII characters'),
  );

/** The core's request, after a door has validated and normalised its own input. */
export interface EndContactRequest {
  instanceId: string;
  contactId: string;
  securityUser?: string;
  disconnectReasonCode?: string;
}

export interface FieldError {
  /** The field as the caller named it, e.g. `ContactId` or `DisconnectReason.Code`. */
  field: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Runs a schema and returns every bad field, named by its path in the caller's input. */
export function parseWith<T>(schema: z.ZodMiniType<T>, input: unknown): Parsed<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    errors: result.error.issues.map((issue) => ({
      field: issue.path.map(String).join('.') || '(body)',
      message: issue.message,
    })),
  };
}

/** Reads blank optional strings (what a flow passes for an unset attribute) as absent. */
export function blankToUndefined(value: unknown): unknown {
  return typeof value === 'string' && value.trim() === '' ? undefined : value;
}

/**
 * Refuses an instance, queue or user ARN (or a list of them) from another account or Region than the function's own: the
 * account comes from the invocation's function ARN, the Region from AWS_REGION.
 */
export function ownArnCheck(fields: readonly string[]) {
  return (selected: unknown, context: Context): FieldError[] => {
    const owner = ownerOf(context.invokedFunctionArn, process.env.AWS_REGION);
    const input = (typeof selected === 'object' && selected !== null ? selected : {}) as Record<
      string,
      unknown
    >;
    return fields.flatMap((field) => {
      const value = input[field];
      // A list field (a manual run's instanceIds, queueAllowList) is checked item by item.
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) {
        const message =
          typeof item === 'string' ? foreignArnMessage(item.trim(), owner) : undefined;
        if (message)
          return [{ field, message: Array.isArray(value) ? `item "${item}" ${message}` : message }];
      }
      return [];
    });
  };
}
