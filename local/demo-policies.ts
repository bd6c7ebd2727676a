import type { SweeperConfig } from '../lambdas/core/sweeper/config.js';
import { clearInput, scheduledClears } from '../lambdas/core/sweeper/rules.js';
import { DEMO_IDS } from './connect/index.js';

/** The demo's scheduled clear, which `POST /sweeper/schedules/{name}` fires on demand. */
export const demoClearName = 'billing-closing';

/**
 * The demo's sweep policies (docs/sweep-policies.md, example 2): billing callbacks are stale after
 * 4 hours and cleared at closing time, weekdays 18:00 in New York, once queued 30 minutes;
 * every other queue keeps the global settings.
 */
export function demoSweepPolicies(): string {
  return JSON.stringify([
    {
      name: 'billing',
      queues: [DEMO_IDS.queues.billing],
      maxQueuedAge: '4h',
      schedules: [
        {
          name: demoClearName,
          cron: '0 18 ? * MON-FRI *',
          timeZone: 'America/New_York',
          minAge: '30m',
        },
      ],
    },
    { name: 'other-queues', queues: '*' },
  ]);
}

/**
 * The local runner's sweeps stay in report mode whatever a rule says (its scheduled clears keep
 * their own mode: firing one is asking for it).
 */
export function reportOnlyRules(config: SweeperConfig): SweeperConfig {
  const { rules, policies } = config.settings;
  if (!policies) return config;
  return {
    ...config,
    settings: { ...config.settings, rules: rules.map((rule) => ({ ...rule, mode: 'report' })) },
  };
}

/**
 * What a clear's EventBridge Scheduler schedule sends (lib/constructs/scheduled-clears.ts); a name
 * no schedule has is sent as is, and the sweeper refuses it by name.
 */
export function clearEvent(
  config: SweeperConfig,
  name: string,
): { rule?: string; schedule: string } {
  const rule = config.settings.rules.find((r) => r.schedules.some((s) => s.name === name));
  return rule ? clearInput(rule, { name }) : { schedule: name };
}

/** Which sweep policies the local system runs, and their scheduled clears' names. */
export interface LocalSweepPolicies {
  /** The demo's (SWEEP_POLICIES unset), the environment's, or none (SWEEP_POLICIES empty). */
  source: 'demo' | 'environment' | 'none';
  clears: string[];
}

/** Where the policies come from: an empty SWEEP_POLICIES means none, as it does for the Lambda. */
export function policiesSource(
  environment: Readonly<Record<string, string | undefined>>,
): LocalSweepPolicies['source'] {
  const given = environment.SWEEP_POLICIES;
  if (given === undefined) return 'demo';
  return given.trim() ? 'environment' : 'none';
}

export function localSweepPolicies(
  source: LocalSweepPolicies['source'],
  config: SweeperConfig,
): LocalSweepPolicies {
  const rules = config.settings.rules;
  return { source, clears: scheduledClears(rules).map(({ schedule }) => schedule.name) };
}

/** The banner's words for the policies that run. */
export function describeSweepPolicies(policies: LocalSweepPolicies): string {
  if (policies.source === 'none') {
    return 'none (SWEEP_POLICIES is empty): one rule from the global settings, no scheduled clear';
  }
  if (policies.source === 'environment') return 'SWEEP_POLICIES';
  return 'the demo’s, billing queue 4h, the others 24h';
}
