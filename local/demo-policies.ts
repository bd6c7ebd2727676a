import { clearInput } from '../lambdas/core/callbacks/sweep-policies.js';
import type { SweeperConfig } from '../lambdas/core/callbacks/sweeper-config.js';
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
  const { policies } = config.settings;
  if (!policies) return config;
  return {
    ...config,
    settings: {
      ...config.settings,
      policies: policies.map((rule) => ({ ...rule, mode: 'report' })),
    },
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
  const rule = config.settings.policies?.find((r) => r.schedules.some((s) => s.name === name));
  return rule ? clearInput(rule, { name }) : { schedule: name };
}
