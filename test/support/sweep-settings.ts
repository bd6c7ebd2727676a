import { type SweepSettings, withDefaultRule } from '../../lambdas/core/sweeper/config.js';
import { parseSweepPolicies, type SweepRule } from '../../lambdas/core/sweeper/rules.js';

export const hour = 3_600_000;

/** Sweep rules parsed as the sweeper parses them, over defaults of mode end and 24 h; throws on a problem. */
export function testRules(input: unknown, instanceIds: readonly string[]): SweepRule[] {
  const parsed = parseSweepPolicies(input, {
    defaults: { maxQueuedAgeMs: 24 * hour, mode: 'end', duplicatesPolicy: 'off' },
    instanceIds,
    source: 'test',
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.rules;
}

/** What a test gives: any setting, and the sweep policies as a list (none: the one-rule default). */
export type TestSweepSettings = Partial<Omit<SweepSettings, 'rules' | 'policies'>> & {
  policies?: SweepRule[];
};

/**
 * The settings a unit test's sweep starts from: mode end, 24 h, every queue, tagging on, no extras.
 * Configured as the sweeper configures them: with `policies`, those rules; without, one rule of
 * the global settings.
 */
export function testSweepSettings(
  instanceIds: readonly string[],
  overrides: TestSweepSettings = {},
): SweepSettings {
  const { policies, ...given } = overrides;
  const settings = {
    mode: 'end' as const,
    instanceIds: [...instanceIds],
    maxQueuedAgeMs: 24 * hour,
    maxStops: 100,
    queueAllowList: [],
    queueDenyList: [],
    tagEndedContacts: true,
    discoverCallbacks: false,
    duplicatesPolicy: 'off' as const,
    reconcile: false,
    ...given,
  };
  return policies ? { ...settings, rules: policies, policies: true } : withDefaultRule(settings);
}
