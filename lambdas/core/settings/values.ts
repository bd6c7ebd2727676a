import * as z from 'zod/mini';
import { toInstanceId, toQueueId } from '../connect/identifiers.js';
import { parseDurationMs } from '../duration.js';
import { type Setting, type SettingName, settings } from './table.js';

// Turns the table into zod/mini schemas and reads one raw value (an environment string, a context
// value, a prop or an override field) into its typed value, or into what a valid one looks like.

type Table = typeof settings;
type Kind<S> = S extends { kind: 'json' }
  ? unknown
  : S extends { kind: 'boolean' }
    ? boolean
    : S extends { kind: 'integer' | 'number' | 'duration' }
      ? number
      : S extends { kind: 'choice'; choices: readonly (infer C)[] }
        ? C
        : S extends { kind: 'queue-ids' | 'instance-ids' | 'instance-arns' }
          ? string[]
          : string;

/** The typed value of a setting; `undefined` only for a setting with no default. */
export type SettingValue<N extends SettingName> = Table[N] extends { default: unknown }
  ? Kind<Table[N]>
  : Table[N] extends { kind: 'queue-ids' | 'instance-ids' | 'instance-arns' }
    ? string[]
    : Kind<Table[N]> | undefined;

/** A value read, or why not: what a valid value looks like and the offending input. */
export type ReadResult<T> = { ok: true; value: T } | { ok: false; expected: string; got: string };

/** Where a value comes from; a setting's `stricter` bounds apply where its `where` names. */
export interface ReadOptions {
  where?: string;
  /** How a list arrives as one string: comma-separated, or (context) also a JSON array. */
  listText?: 'comma' | 'comma-or-json';
}

const numberText = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

function boundsOf(setting: Setting, where: string | undefined) {
  const stricter: { min?: number; max?: number } =
    setting.stricter && setting.stricter.where === where ? setting.stricter : {};
  return {
    min: stricter.min ?? ('min' in setting ? setting.min : undefined),
    max: stricter.max ?? ('max' in setting ? setting.max : undefined),
  };
}

/** What a valid value looks like, for every error message and the docs. */
export function expectedOf(setting: Setting, where?: string): string {
  const { min, max } = boundsOf(setting, where);
  switch (setting.kind) {
    case 'boolean':
      return 'true or false';
    case 'integer':
      return `an integer from ${min} to ${max}`;
    case 'number':
      return `a number from ${min} to ${max}`;
    case 'duration':
      return `a duration from ${min} to ${max}, written like "90s", "15m", "24h" or "7d"`;
    case 'choice':
      return setting.choices.length === 2
        ? setting.choices.join(' or ')
        : `one of ${setting.choices.join(', ')}`;
    case 'text':
      return setting.expected;
    case 'queue-ids':
      return 'a list of queue IDs or queue ARNs';
    case 'instance-ids':
      return 'a list of Amazon Connect instance IDs or ARNs';
    case 'json':
      return setting.expected;
    case 'instance-arns':
      return 'a list of Amazon Connect instance ARNs like arn:aws:connect:us-east-1:123456789012:instance/<uuid>';
  }
}

function numberSchema(integer: boolean, min: number, max: number) {
  const fromText = z.pipe(z.string().check(z.regex(numberText)), z.transform(Number));
  const checks = [z.minimum(min), z.maximum(max)];
  return z.pipe(
    z.union([z.number(), fromText]),
    integer ? z.number().check(z.int(), ...checks) : z.number().check(...checks),
  );
}

function durationSchema(minMs: number, maxMs: number) {
  return z.pipe(
    z.string(),
    z.transform((text: string, ctx) => {
      const ms = parseDurationMs(text);
      if (ms !== undefined && ms >= minMs && ms <= maxMs) return ms;
      ctx.issues.push({ code: 'custom', message: 'out of bounds', input: text });
      return z.NEVER;
    }),
  );
}

function schemaOf(setting: Setting, where: string | undefined): z.ZodMiniType {
  const { min, max } = boundsOf(setting, where);
  switch (setting.kind) {
    case 'boolean':
      return z.union([
        z.boolean(),
        z.stringbool({ truthy: ['true', '1'], falsy: ['false', '0'], case: 'insensitive' }),
      ]);
    case 'integer':
    case 'number':
      return numberSchema(setting.kind === 'integer', min as number, max as number);
    case 'duration':
      return durationSchema(
        parseDurationMs(String(min)) as number,
        parseDurationMs(String(max)) as number,
      );
    case 'choice':
      return z.pipe(
        z.string(),
        z.pipe(
          z.transform((text: string) => text.toLowerCase()),
          z.enum(setting.choices as [string, ...string[]]),
        ),
      );
    case 'text':
      return z
        .string()
        .check(
          ...(setting.pattern ? [z.regex(setting.pattern)] : []),
          ...(setting.minLength ? [z.minLength(setting.minLength)] : []),
        );
    case 'queue-ids':
      return z.array(z.string().check(z.refine((item) => toQueueId(item) !== undefined)));
    case 'instance-ids':
      return z.array(z.string().check(z.refine((item) => toInstanceId(item).ok)));
    case 'json':
      // Text must be JSON; the document's own parser (e.g. parseSweepPolicies) checks the rest.
      return z.pipe(
        z.unknown(),
        z.transform((input: unknown, ctx) => {
          if (typeof input !== 'string') return input;
          try {
            return JSON.parse(input) as unknown;
          } catch {
            ctx.issues.push({ code: 'custom', message: 'not JSON', input });
            return z.NEVER;
          }
        }),
      );
    case 'instance-arns':
      return z.array(
        z.string().check(z.refine((item) => item.startsWith('arn:') && toInstanceId(item).ok)),
      );
  }
}

const compiled = new Map<string, z.ZodMiniType>();

function compiledSchema(name: SettingName, setting: Setting, where: string | undefined) {
  const key = `${name}@${setting.stricter?.where === where ? where : ''}`;
  let schema = compiled.get(key);
  if (!schema) {
    schema = schemaOf(setting, where);
    compiled.set(key, schema);
  }
  return schema;
}

/** A setting whose value is a list (comma-separated in the environment). */
export function isListSetting(setting: Setting): boolean {
  return (
    setting.kind === 'queue-ids' ||
    setting.kind === 'instance-ids' ||
    setting.kind === 'instance-arns'
  );
}

/** Absent: undefined, null, or blank text. */
export function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && !value.trim());
}

function asList(raw: unknown, listText: ReadOptions['listText']): unknown {
  if (typeof raw !== 'string') return raw;
  const text = raw.trim();
  if (listText === 'comma-or-json' && text.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch {
      return raw;
    }
  }
  return text.split(',');
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value) ?? String(value);
}

/**
 * Reads one value of a setting. A blank value is the setting's default (an empty list for lists,
 * undefined when there is none); anything else must be valid, or the result says what would be.
 */
export function readSettingValue<N extends SettingName>(
  name: N,
  raw: unknown,
  options: ReadOptions = {},
): ReadResult<SettingValue<N>> {
  const setting: Setting = settings[name];
  const list = isListSetting(setting);
  if (isBlank(raw)) {
    const fallback = list ? [] : 'default' in setting ? setting.default : undefined;
    if (fallback === undefined || setting.kind !== 'duration') {
      return { ok: true, value: fallback as SettingValue<N> };
    }
    raw = fallback;
  }
  let input = list ? asList(raw, options.listText ?? 'comma') : raw;
  if (Array.isArray(input)) {
    input = input
      .map((item) => (typeof item === 'string' ? item.trim() : item))
      .filter((item) => item !== '');
  } else if (typeof input === 'string') input = input.trim();
  const parsed = compiledSchema(name, setting, options.where).safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data as SettingValue<N> };
  const index = parsed.error.issues[0]?.path[0];
  const offending = typeof index === 'number' && Array.isArray(input) ? input[index] : raw;
  return {
    ok: false,
    expected: expectedOf(setting, options.where),
    got:
      setting.kind === 'text' && setting.secret && typeof offending === 'string'
        ? `${offending.length} characters`
        : describe(offending),
  };
}
