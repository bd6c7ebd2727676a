import * as z from 'zod/mini';
import { ConfigurationError } from '../errors.js';
import { type FunctionName, type Setting, type SettingName, settings } from './table.js';
import {
  expectedOf,
  isBlank,
  isListSetting,
  readSettingValue,
  type SettingValue,
} from './values.js';

/**
 * One reader of the settings table (lambdas/core/settings/table.ts), four sources: a Lambda's
 * environment (cold start), CDK context and construct props (synth), and a manual sweeper run's
 * overrides. Each source's shape is derived from the table's types, so a new setting needs only
 * its table entry and its consumer; each source words the setting's name its own way.
 */

type Table = typeof settings;

/** Setting values by setting name. */
export type SettingValues<N extends SettingName> = { [K in N]: SettingValue<K> };

/** The settings function F reads from its environment (the table's `functions`). */
export type FunctionSettingName<F extends FunctionName> = {
  [N in SettingName]: Table[N] extends { functions: readonly (infer G)[] }
    ? F extends G
      ? N
      : never
    : never;
}[SettingName];

/** The callback sweeper's settings. */
export type SweeperSettingName = FunctionSettingName<'callback-sweeper'>;

type PropOf<N extends SettingName, C extends string> = Table[N] extends {
  prop: `${C}.${infer P}`;
}
  ? P
  : never;

/** The settings construct C takes as props (the table's `prop`, `C.name`). */
export type PropSettingName<C extends string> = {
  [N in SettingName]: [PropOf<N, C>] extends [never] ? never : N;
}[SettingName];

/** The settings that also have a CDK context key. */
export type ContextSettingName = {
  [N in SettingName]: Table[N] extends { context: string } ? N : never;
}[SettingName];

type PropValue<V> = V extends string[] ? readonly string[] : V;

/**
 * Construct C's props that are settings: flat, named as the table names them, each optional (its
 * absence is the table's default, docs/configuration.md lists them).
 */
export type SettingProps<C extends string> = {
  readonly [N in PropSettingName<C> as PropOf<N, C>]?: PropValue<NonNullable<SettingValue<N>>>;
};

/** Construct C's props as CDK context gives them: read, defaulted, and named as the props. */
export type ContextProps<C extends string> = {
  readonly [N in PropSettingName<C> & ContextSettingName as PropOf<N, C>]: PropValue<
    SettingValue<N>
  >;
};

/** The settings a manual sweeper run may override (the table's `override`). */
export type OverrideSettingName = {
  [N in SettingName]: Table[N] extends { override: string } ? N : never;
}[SettingName];

/** An override's key once read: the field's name, with `Ms` for a duration (read in milliseconds). */
type OverrideKey<N extends SettingName> = Table[N] extends {
  override: infer O extends string;
  kind: infer K;
}
  ? K extends 'duration'
    ? `${O}Ms`
    : O
  : never;

/** A manual run's overrides, read: each overridable setting under its override key. */
export type SettingOverrides = {
  [N in OverrideSettingName as OverrideKey<N>]?: SettingValue<N>;
};

const table = /* @__PURE__ */ Object.entries(settings) as [SettingName, Setting][];

/** The settings function `fn` reads, in the table's order. */
export function settingNamesOf<F extends FunctionName>(fn: F): FunctionSettingName<F>[] {
  return table.flatMap(([name, setting]) =>
    setting.functions?.includes(fn) ? [name as FunctionSettingName<F>] : [],
  );
}

/** Construct C's setting props, in the table's order: each setting's name and its prop's. */
export function propSettingsOf<C extends string>(
  construct: C,
): { name: PropSettingName<C>; prop: string }[] {
  return table.flatMap(([name, setting]) =>
    setting.prop?.startsWith(`${construct}.`)
      ? [{ name: name as PropSettingName<C>, prop: setting.prop.slice(construct.length + 1) }]
      : [],
  );
}

// ---------------------------------------------------------------------------------------------
// The invariants, checked once for every source

/**
 * Where the duplicates policy keep-oldest is asked for: globally, or by a rule. Either needs
 * `phoneHashSalt`; without keep-oldest anywhere the salt reaches no function.
 */
export function keepOldestAsked(
  duplicatesPolicy: string | undefined,
  rules: readonly { duplicatesPolicy: string }[] | undefined,
): { global: boolean; rule: boolean; any: boolean } {
  const global = duplicatesPolicy === 'keep-oldest';
  const rule = (rules ?? []).some((r) => r.duplicatesPolicy === 'keep-oldest');
  return { global, rule, any: global || rule };
}

// ---------------------------------------------------------------------------------------------
// Source 1: a Lambda's environment

export type Env = Readonly<Record<string, string | undefined>>;

function variableOf(name: SettingName): string {
  const variable = (settings[name] as Setting).env;
  if (!variable) throw new Error(`setting ${name} has no environment variable`);
  return variable;
}

/**
 * Reads one setting from its environment variable: blank means its default; a bad value throws a
 * one-line error naming the variable and what it must be. `where` selects a setting's stricter
 * bounds for that place, e.g. the flow's deadline.
 */
export function readEnv<N extends SettingName>(
  name: N,
  env: Env = process.env,
  where?: string,
): SettingValue<N> {
  const variable = variableOf(name);
  const result = readSettingValue(name, env[variable], where ? { where } : {});
  if (!result.ok) {
    throw new ConfigurationError(
      `environment variable ${variable} must be ${result.expected}, got ${result.got}`,
    );
  }
  return result.value;
}

/** Reads a setting that has no default: blank is an error naming the variable. */
export function readRequiredEnv<N extends SettingName>(
  name: N,
  env: Env = process.env,
): NonNullable<SettingValue<N>> {
  const value = readEnv(name, env);
  if (value === undefined || (Array.isArray(value) && value.length === 0)) {
    throw new ConfigurationError(
      `environment variable ${variableOf(name)} is required: ${expectedOf(settings[name])}`,
    );
  }
  return value as NonNullable<SettingValue<N>>;
}

/** Reads these settings from the environment, in order; the first bad one throws. */
export function readEnvSettings<N extends SettingName>(
  names: readonly N[],
  env: Env = process.env,
): SettingValues<N> {
  return Object.fromEntries(names.map((name) => [name, readEnv(name, env)])) as SettingValues<N>;
}

// ---------------------------------------------------------------------------------------------
// Source 2: CDK context

/** Reads one context value, like `app.node.tryGetContext`. */
export type ContextReader = (key: string) => unknown;

/** Every context key the app reads: the table's settings that have one. */
export const contextKeys: readonly string[] = /* @__PURE__ */ table.flatMap(([, setting]) =>
  setting.context === undefined ? [] : [setting.context],
);

const keyOf = (name: SettingName) => (settings[name] as Setting).context as string;

/**
 * Reads settings from CDK context. Values given with `-c` arrive as strings, values from cdk.json
 * as JSON: both are read alike, and every bad key is collected so one synth reports them all.
 */
export class ContextSettings {
  readonly problems: string[] = [];

  constructor(private readonly read: ContextReader) {}

  /** The setting's value; blank means `fallback`, or else the table's default. */
  get<N extends SettingName>(name: N, fallback?: SettingValue<N>): SettingValue<N> {
    const key = keyOf(name);
    const raw = this.read(key);
    if (isBlank(raw) && fallback !== undefined) return fallback;
    const result = readSettingValue(name, raw, { listText: 'comma-or-json' });
    if (result.ok) return result.value;
    const example = (settings[name] as Setting).example ?? '<value>';
    this.add(key, result.expected, result.got, `set -c ${key}=${example} or fix it in cdk.json`);
    return fallback ?? (readSettingValue(name, undefined) as { value: SettingValue<N> }).value;
  }

  /** The raw value of a setting's key, for a document its own parser reads (sweepPolicies). */
  raw(name: SettingName): unknown {
    return this.read(keyOf(name));
  }

  isSet(name: SettingName): boolean {
    return !isBlank(this.read(keyOf(name)));
  }

  /**
   * Construct C's setting props that have a context key, read and named as the props, except
   * `skip` (read by their own parser).
   */
  props<C extends string>(construct: C, skip: readonly SettingName[] = []): ContextProps<C> {
    const props: Record<string, unknown> = {};
    for (const { name, prop } of propSettingsOf(construct)) {
      if ((settings[name] as Setting).context && !skip.includes(name)) {
        props[prop] = this.get(name);
      }
    }
    return props as ContextProps<C>;
  }

  add(
    key: string,
    expected: string,
    got: string,
    fix = `set -c ${key}=<value> or fix it in cdk.json`,
  ) {
    this.problems.push(`context key ${key} must be ${expected}, got ${got}: ${fix}`);
  }
}

/** A context key that looks like one of ours but is not: most likely a typo, or a renamed key. */
export function unknownKeyProblems(present: readonly string[]): string[] {
  const known = new Map(contextKeys.map((key) => [key.toLowerCase(), key]));
  const renamed = new Map(
    table.flatMap(([, s]) => (s.replaces && s.context ? [[s.replaces, s.context] as const] : [])),
  );
  return present.flatMap((key) => {
    // CDK's own keys are feature flags (`@aws-cdk/...`) and `aws:cdk:...`, never bare identifiers.
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key) || known.get(key.toLowerCase()) === key) return [];
    const near = known.get(key.toLowerCase());
    const successor = renamed.get(key);
    const hint = successor
      ? `it was replaced by ${successor} (see docs/configuration.md)`
      : near
        ? `did you mean ${near}?`
        : 'see docs/configuration.md for the keys';
    return [`context key ${key} is not one this app reads: ${hint}`];
  });
}

// ---------------------------------------------------------------------------------------------
// Source 3: construct props

/** How a prop's value reads in an error when it is not the raw value (a Duration). */
export interface PropCheckOptions {
  /** A value the deploy resolves (a CDK token): left to the deploy. */
  isUnresolved: (value: unknown) => boolean;
  shown?: string;
}

function propNameOf(name: SettingName): string {
  const prop = (settings[name] as Setting).prop ?? name;
  return prop.slice(prop.indexOf('.') + 1);
}

/**
 * Refuses at synth a prop the function would refuse at every cold start, by the same table.
 * Tokens are left to the deploy.
 */
export function checkProp(name: SettingName, value: unknown, options: PropCheckOptions): void {
  if (value === undefined || options.isUnresolved(value)) return;
  const concrete = Array.isArray(value)
    ? value.filter((item) => !options.isUnresolved(item))
    : value;
  const result = readSettingValue(name, concrete);
  if (!result.ok) {
    throw new Error(
      `${propNameOf(name)} is ${options.shown ?? result.got}: use ${result.expected}`,
    );
  }
}

/** Checks each of construct C's setting props given as is (not `exclude`d: those it converts). */
export function checkProps<C extends string>(
  construct: C,
  props: object,
  exclude: readonly string[],
  isUnresolved: (value: unknown) => boolean,
): void {
  const given = props as Readonly<Record<string, unknown>>;
  for (const { name, prop } of propSettingsOf(construct)) {
    if (!exclude.includes(prop)) checkProp(name, given[prop], { isUnresolved });
  }
}

type EnvironmentValue = string | number | boolean | readonly string[] | undefined;

/**
 * A function's environment from setting values by setting name, under the table's variable
 * names; an unset value is the table's default (an empty list for lists), omitted when none.
 */
export function settingsEnvironment(
  values: Partial<Record<SettingName, EnvironmentValue>>,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, given] of Object.entries(values)) {
    const setting = settings[name as SettingName] as Setting;
    if (!setting.env) throw new Error(`setting ${name} has no environment variable`);
    const list = isListSetting(setting);
    const value = given ?? ('default' in setting ? setting.default : list ? [] : undefined);
    if (value === undefined) continue;
    environment[setting.env] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return environment;
}

/**
 * The environment of construct C's function from its props, by name: every setting prop that
 * has a variable, in the table's order. `props` holds each value as the variable takes it.
 */
export function propsEnvironment<C extends string>(
  construct: C,
  props: object,
): Record<string, string> {
  const given = props as Readonly<Record<string, unknown>>;
  return settingsEnvironment(
    Object.fromEntries(
      propSettingsOf(construct)
        .filter(({ name }) => (settings[name] as Setting).env)
        .map(({ name, prop }) => [name, given[prop] as EnvironmentValue]),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Source 4: a manual sweeper run's overrides

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

/** The overridable settings: each field, the setting it overrides, and the key it is read to. */
export const overridable = /* @__PURE__ */ table.flatMap(([name, setting]) =>
  setting.override
    ? [
        {
          field: setting.override,
          name: name as OverrideSettingName,
          key: setting.kind === 'duration' ? `${setting.override}Ms` : setting.override,
          kind: setting.kind,
        },
      ]
    : [],
);

/**
 * The override fields' schemas, by field, each checked by its setting's definition. Built when
 * asked (the sweeper's overrides schema, once per container): the doors that only read their
 * environment import this module too, and never build them.
 */
export function overrideFieldSchemas() {
  return Object.fromEntries(overridable.map(({ field, name }) => [field, overrideField(name)]));
}
