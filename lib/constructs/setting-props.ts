import { Token } from 'aws-cdk-lib';
import { checkProp } from '../../lambdas/core/settings/read.js';
import type { SettingName } from '../../lambdas/core/settings/table.js';

// The construct-props source of the one settings reader (lambdas/core/settings/read.ts), with
// CDK's tokens: a value the deploy resolves is left to the deploy.
export { settingsEnvironment } from '../../lambdas/core/settings/read.js';

/** A value CloudFormation resolves at deploy (a token), which synth cannot check. */
export const isToken = (value: unknown): boolean =>
  (typeof value === 'string' || typeof value === 'number') && Token.isUnresolved(value);

/**
 * Refuses at synth a prop the function would refuse at every cold start, by the same table
 * (lambdas/core/settings/table.ts). `shown` is how the value reads in the error when it is not
 * the raw value (a Duration).
 */
export function checkSettingProp(name: SettingName, value: unknown, shown?: string): void {
  checkProp(name, value, { isUnresolved: isToken, ...(shown ? { shown } : {}) });
}
