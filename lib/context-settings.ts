import { type Setting, type SettingName, settings } from '../lambdas/core/settings/table.js';
import { isBlank, readSettingValue, type SettingValue } from '../lambdas/core/settings/values.js';

/**
 * Reading settings from CDK context. Values given with `-c` arrive as strings, values from
 * cdk.json as JSON: both are read alike, and every bad key is collected so one synth lists them all.
 */

/** Reads one context value, like `app.node.tryGetContext`. */
export type ContextReader = (key: string) => unknown;

/** Every context key the app reads: the table's settings that have one. */
export const contextKeys: readonly string[] = Object.values(settings as Record<string, Setting>)
  .map((setting) => setting.context)
  .filter((key): key is string => key !== undefined);

const keyOf = (name: SettingName) => (settings[name] as Setting).context as string;

/** Reads settings from context, collecting every bad key so one synth reports them all. */
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

  isSet(name: SettingName): boolean {
    return !isBlank(this.read(keyOf(name)));
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
    Object.values(settings as Record<string, Setting>).flatMap((s) =>
      s.replaces && s.context ? [[s.replaces, s.context] as const] : [],
    ),
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
