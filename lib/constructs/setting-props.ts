import { Token } from 'aws-cdk-lib';
import { type Setting, type SettingName, settings } from '../../lambdas/core/settings/table.js';
import { isListSetting, readSettingValue } from '../../lambdas/core/settings/values.js';

/** The prop's name inside its construct, e.g. `ratesPerSecond.stopContact`, from the table. */
function propName(name: SettingName): string {
  const prop = (settings[name] as Setting).prop ?? name;
  return prop.slice(prop.indexOf('.') + 1);
}

const isToken = (value: unknown) =>
  (typeof value === 'string' || typeof value === 'number') && Token.isUnresolved(value);

/**
 * Refuses at synth a prop the function would refuse at every cold start, by the same table
 * (lambdas/core/settings/table.ts). Tokens are left to the deploy. `shown` is how the value reads in
 * the error when it is not the raw value (a Duration).
 */
export function checkSettingProp(name: SettingName, value: unknown, shown?: string): void {
  if (value === undefined || isToken(value)) return;
  const concrete = Array.isArray(value) ? value.filter((item) => !isToken(item)) : value;
  const result = readSettingValue(name, concrete);
  if (!result.ok) {
    throw new Error(`${propName(name)} is ${shown ?? result.got}: use ${result.expected}`);
  }
}

/**
 * A function's environment from setting values, under the table's variable names; an unset
 * value is the table's default (an empty list for lists), and omitted when there is none.
 */
export function settingsEnvironment(
  values: Partial<Record<SettingName, string | number | boolean | readonly string[]>>,
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
